import Foundation
import TestSupport
import Testing

/// Retention through the built binary on the demo archive (today's clock: the demo's 2016
/// records are long due): holds refuse with exit status 1 and their reason, the proposer cannot
/// approve, and a disposal killed at random moments leaves every record either untouched or
/// destroyed with its event — never a missing file no event explains — and a second run
/// finishes it with `verify` clean.
@Suite(.serialized) struct RetentionCommandTests {
    func demo(_ label: String) throws -> ScratchArchive {
        let archive = try ScratchArchive(label)
        let built = try archive.run(["demo", "--archive", archive.path])
        try #require(built.status == 0, "docket demo: \(built.standardError)")
        return archive
    }

    /// The records of a list, from `retention lists --json`: (submission, sha256).
    func records(of list: String, in archive: ScratchArchive) throws -> [(String, String)] {
        let json = try archive.ok("retention", "lists", "--json", "--as", "rhona")
        let lists = try #require(try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [[String: Any]])
        let found = try #require(lists.first { $0["id"] as? String == list })
        return (found["records"] as? [String] ?? []).map {
            let parts = $0.split(separator: "/")
            return (String(parts[0]), String(parts[1]))
        }
    }

    func status(of list: String, in archive: ScratchArchive) throws -> String? {
        let json = try archive.ok("retention", "lists", "--json", "--as", "rhona")
        let lists = try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [[String: Any]]
        return lists?.first { $0["id"] as? String == list }?["status"] as? String
    }

    /// Whether a submission's chain records the destruction of a document.
    func hasDisposalEvent(_ archive: ScratchArchive, _ reference: String, _ sha256: String) throws -> Bool {
        try archive.eventFiles(reference).contains { name in
            let text = String(decoding: try archive.read("submissions/\(reference)/events/\(name)"), as: UTF8.self)
            return text.contains("records-destroyed") && text.contains(sha256)
        }
    }

    func contentExists(_ archive: ScratchArchive, _ reference: String, _ sha256: String) -> Bool {
        archive.names(in: "\(archive.submissionDirectory(reference))/documents").contains {
            $0.hasPrefix(sha256 + ".") && !$0.hasSuffix(".xml")
        }
    }

    @Test func holdsRefuseWithTheirReasonAndTheProposerCannotApprove() throws {
        let archive = try demo("retention-cli")
        defer { archive.remove() }
        let due = try archive.ok("retention", "due", "--as", "rhona")
        #expect(due.contains("GOV-COVER-6") && due.contains("BVP-2016-02"), "\(due)")
        try archive.ok("hold", "add", "--reason", "FOI 2026/114", "BVP-2016-02", "--as", "rhona")
        let refused = try archive.run(["retention", "propose", "--submission", "BVP-2016-02", "--as", "rhona"])
        #expect(refused.status == 1 && refused.standardError.contains("FOI 2026/114"), "\(refused.standardError)")
        let proposed = try archive.ok("retention", "propose", "--class", "GOV-COVER-6", "--as", "rhona")
        #expect(proposed.contains("DL-") && !proposed.contains("BVP-2016-02"), "\(proposed)")
        let own = try archive.run([
            "retention", "approve", "DL-\(Self.year)-001", "--service", "Records", "--as", "rhona",
        ])
        #expect(own.status == 1, "\(own.standardError)")
        let early = try archive.run(["retention", "dispose", "DL-\(Self.year)-001", "--as", "rhona"])
        #expect(early.status == 1 && early.standardError.contains("not approved"), "\(early.standardError)")
        try archive.ok(
            "retention", "approve", "DL-\(Self.year)-001", "--service", "Corporate Strategy", "--as", "olivia")
        try archive.ok("retention", "dispose", "DL-\(Self.year)-001", "--as", "rhona")
        let report = try archive.ok("retention", "report", "--as", "rhona")
        #expect(report.components(separatedBy: "\n").count == 3, "two cover letters, under a header: \(report)")
        #expect(try archive.verify().status == 0)
        #expect(try archive.ok("hold", "list", "--as", "ada").contains("FOI 2026/114"))
    }

    static var year: Int { Calendar(identifier: .gregorian).component(.year, from: Date()) }

    @Test func aDisposalKilledAtRandomMomentsIsFinishedByRunningItAgain() throws {
        let archive = try demo("retention-kill")
        defer { archive.remove() }
        let list = "DL-\(Self.year)-001"
        try archive.ok("retention", "propose", "--class", "GOV-COVER-6", "--class", "GOV-CORR-6", "--as", "rhona")
        try archive.ok("retention", "approve", list, "--service", "Corporate Strategy", "--as", "olivia")
        let records = try records(of: list, in: archive)
        #expect(records.count >= 4, "\(records)")

        let timing = try archive.copy(as: "timing")
        let started = Date()
        try timing.ok("retention", "dispose", list, "--as", "rhona")
        let uninterrupted = Date().timeIntervalSince(started)

        var random = SeededGenerator(seed: 0x0D15_9051)
        for trial in 0..<6 {
            let copy = try archive.copy(as: "trial-\(trial)")
            let running = try copy.start(["retention", "dispose", list, "--as", "rhona"])
            usleep(UInt32(Double.random(in: 0.05...1.0, using: &random) * uninterrupted * 1_000_000))
            running.kill()
            _ = try running.wait()
            // Never a missing content file that no event explains; verify finds no problem.
            for (reference, sha256) in records where !contentExists(copy, reference, sha256) {
                #expect(
                    try hasDisposalEvent(copy, reference, sha256), "trial \(trial): \(sha256) gone without its event")
            }
            let checked = try copy.verify()
            #expect(checked.status == 0, "trial \(trial): \(checked.standardOutput)")
            if try status(of: list, in: copy) != "carried-out" {
                try copy.ok("retention", "dispose", list, "--as", "rhona")
            }
            for (reference, sha256) in records {
                #expect(!contentExists(copy, reference, sha256), "trial \(trial): \(sha256) still there")
                #expect(try hasDisposalEvent(copy, reference, sha256), "trial \(trial): no event for \(sha256)")
            }
            #expect(try status(of: list, in: copy) == "carried-out")
            // Only the harmless leftover of a killed write may remain: a temporary file.
            let final = try copy.verify()
            let notes = final.standardOutput.split(separator: "\n").filter {
                $0.hasPrefix("note:") && !$0.contains("temporary file left by an interrupted write")
            }
            #expect(final.status == 0 && notes.isEmpty, "trial \(trial): \(final.standardOutput)")
            try? FileManager.default.removeItem(atPath: copy.path)
        }
    }
}
