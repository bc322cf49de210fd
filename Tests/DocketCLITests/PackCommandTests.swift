import Foundation
import Testing

/// `docket document add --replaces` and `docket document remove`, through the built binary.
@Suite struct PackCommandTests {
    struct Shown: Decodable {
        struct Departed: Decodable {
            var sha256: String
            var sequence: Int
            var reason: String?
            var replacedBy: String?
        }

        var documents: [ShownSubmission.Document]
        var departed: [Departed]
    }

    func shown(_ archive: ScratchArchive, _ reference: String) throws -> Shown {
        let outcome = try archive.run(["submission", "show", reference, "--json"])
        try #require(outcome.status == 0, "\(outcome.standardError)")
        return try JSONDecoder().decode(Shown.self, from: Data(outcome.standardOutput.utf8))
    }

    @Test func replacingAndRemovingChangeThePackAndKeepTheFiles() throws {
        let archive = try ScratchArchive("pack")
        defer { archive.remove() }
        let reference = try archive.startSubmission()
        let wrong = try archive.ok(
            "document", "add", reference, try archive.write("first letter", to: "letter-1.txt"), "--kind",
            "cover-letter", "--title", "Cover letter", "--as", "olivia")
        let right = try archive.ok(
            "document", "add", reference, try archive.write("second letter", to: "letter-2.txt"), "--kind",
            "cover-letter", "--title", "Cover letter", "--replaces", wrong, "--as", "olivia")
        let annex = try archive.ok(
            "document", "add", reference, try archive.write("annex", to: "annex.txt"), "--kind", "annex",
            "--title", "Annex", "--annex", "A", "--as", "olivia")
        let sequence = try archive.ok(
            "document", "remove", reference, annex, "--reason", "Sent by mistake", "--as", "olivia")
        #expect(sequence == "4")

        let after = try shown(archive, reference)
        #expect(after.documents.map(\.sha256) == [right])
        #expect(after.departed.map(\.sha256) == [wrong, annex])
        #expect(after.departed[0].replacedBy == right)
        #expect(after.departed[1].reason == "Sent by mistake")
        let text = try archive.ok("submission", "show", reference)
        #expect(text.contains("Left the pack (still archived)"))
        #expect(text.contains("added cover-letter 'Cover letter', replacing \(wrong.prefix(12))"))
        #expect(text.contains("removed annex 'Annex A' from the pack"))
        // The files are still there, to get back, and the archive verifies.
        let copy = archive.directory.appendingPathComponent("wrong.txt").path
        try archive.ok("document", "get", reference, wrong, "-o", copy)
        #expect(try String(contentsOfFile: copy, encoding: .utf8) == "first letter")
        #expect(try archive.verify().status == 0)

        // Refusals say what is wrong and change nothing.
        let again = try archive.run(["document", "remove", reference, annex, "--reason", "x", "--as", "olivia"])
        #expect(again.status != 0)
        #expect(again.standardError.contains("is not in \(reference)'s pack"))
        let noReason = try archive.run(["document", "remove", reference, right, "--as", "olivia"])
        #expect(noReason.status != 0)
        #expect(noReason.standardError.contains("--reason"))
        #expect(try shown(archive, reference).documents.map(\.sha256) == [right])
    }

    /// Two clerks removing the same document at once: the submission's lock lets one in; the
    /// other finds it gone. One event, never two.
    @Test func twoRacingRemovalsRecordOneEvent() throws {
        let archive = try ScratchArchive("pack-race")
        defer { archive.remove() }
        let reference = try archive.startSubmission()
        for round in 0..<4 {
            let annex = try archive.ok(
                "document", "add", reference, try archive.write("annex \(round)", to: "annex-\(round).txt"),
                "--kind", "annex", "--title", "Annex \(round)", "--as", "olivia")
            let before = archive.eventFiles(reference).count
            let racers = try (0..<2).map { _ in
                try archive.start(["document", "remove", reference, annex, "--reason", "race", "--as", "olivia"])
            }
            let outcomes = try racers.map { try $0.wait().outcome }
            #expect(outcomes.filter { $0.status == 0 }.count == 1, "\(outcomes.map(\.standardError))")
            #expect(archive.eventFiles(reference).count == before + 1)
        }
        #expect(try archive.verify().status == 0)
    }

    @Test func theHelpSaysWhatRemovalKeeps() throws {
        let archive = try ScratchArchive("pack-help")
        defer { archive.remove() }
        let help = try archive.run(["document", "remove", "--help"])
        #expect(help.status == 0)
        #expect(help.standardOutput.contains("stays archived"))
        let add = try archive.run(["document", "add", "--help"])
        #expect(add.standardOutput.contains("--replaces"))
    }
}
