import DocketKit
import Foundation
import TestSupport
import Testing

/// `docket decisions` and `docket decisions notice` through the built binary, on the demo
/// archive: the Board of 19 October 2016 decides its (exempt) item 4 and notes apologies.
@Suite(.serialized) struct DecisionsRegisterCommandTests {
    struct Listed: Decodable {
        var meeting: String
        var item: Int
        var reference: String?
        var resolution: String
        var published: String
        var mayBeImplementedAfter: String
        var callInWorkingDays: Int
        var exempt: Bool
    }

    static let meeting = "BVPB-2016-10-19"

    /// The demo with item 4 (BVP-2016-02) exempt and decided, and item 1 decided.
    static func decidedArchive() throws -> ScratchArchive {
        let archive = try ScratchArchive("register")
        let built = try archive.run(["demo", "--before-the-meeting", "--archive", archive.path])
        try #require(built.status == 0, "docket demo: \(built.standardError)")
        try archive.ok("meeting", "exempt", meeting, "BVP-2016-02", "--paragraph", "3", "--as", "clara")
        try archive.ok(
            "meeting", "decide", meeting, "--item", "4", "--type", "noted", "--resolution",
            "The Board noted the confidential settlement.", "--as", "clara")
        try archive.ok(
            "meeting", "decide", meeting, "--item", "1", "--type", "noted", "--resolution", "Apologies were noted.",
            "--as", "clara")
        return archive
    }

    func listed(_ archive: ScratchArchive, _ arguments: [String], environment: [String: String] = [:]) throws
        -> [Listed]
    {
        let outcome = try CommandRunner.docket(
            ["decisions", "--json"] + arguments, environment: archive.environment.merging(environment) { $1 },
            in: archive.directory)
        #expect(outcome.status == 0, "\(arguments): \(outcome.standardError)")
        return try JSONDecoder().decode([Listed].self, from: Data(outcome.standardOutput.utf8))
    }

    @Test func theRegisterLeavesTheExemptDecisionOutExceptForAClearedUserWhoseViewIsRecorded() throws {
        let archive = try Self.decidedArchive()
        defer { archive.remove() }
        for reader in [[], ["--as", "victor"]] {
            let shown = try listed(archive, reader)
            #expect(shown.map(\.item) == [1], "\(reader)")
            #expect(!shown.contains { $0.resolution.contains("settlement") })
        }
        let olivias = try listed(archive, ["--as", "olivia"])
        #expect(olivias.map(\.item) == [4, 1])
        #expect(olivias.first?.exempt == true && olivias.first?.reference == "BVP-2016-02")
        let log = try DocketArchive(opening: archive.path).accessLog(user: "olivia")
        #expect(log.map(\.event.action) == [.view] && log.first?.event.item == "BVP-2016-02")

        let text = try archive.ok("decisions", "--since", "2016-10-19", "--board", "BVPB")
        #expect(text.contains("\(Self.meeting)  1 Apologies for absence"))
        #expect(text.contains("(call-in period: 5 working days)"))
        #expect(!text.contains("BVP-2016-02"))

        // The notice of the exempt decision is refused to a viewer, written for Olivia.
        let refused = try archive.run([
            "decisions", "notice", Self.meeting, "4", "-o", archive.directory.appendingPathComponent("v.html").path,
            "--as", "victor",
        ])
        #expect(refused.status == 1 && refused.standardError.contains("withheld from victor"))
        let file = archive.directory.appendingPathComponent("notice.docx").path
        try archive.ok("decisions", "notice", Self.meeting, "BVP-2016-02", "-o", file, "--as", "olivia")
        let bytes = try [UInt8](Data(contentsOf: URL(fileURLWithPath: file)))
        #expect(bytes.starts(with: [0x50, 0x4B, 0x03, 0x04]), "a ZIP package")
    }

    @Test func theCallInPeriodComesFromTheFlagElseTheEnvironment() throws {
        let archive = try Self.decidedArchive()
        defer { archive.remove() }
        let variable = "DOCKET_CALL_IN_DAYS"
        #expect(try listed(archive, []).map(\.callInWorkingDays) == [5])
        #expect(try listed(archive, [], environment: [variable: "10"]).map(\.callInWorkingDays) == [10])
        #expect(
            try listed(archive, ["--call-in-days", "2"], environment: [variable: "10"]).map(\.callInWorkingDays) == [2])

        func refused(_ arguments: [String], environment: [String: String] = [:]) throws -> CommandRunner.Outcome {
            try CommandRunner.docket(
                arguments, environment: archive.environment.merging(environment) { $1 }, in: archive.directory)
        }
        let tooLong = try refused(["decisions", "--call-in-days", "61"])
        #expect(tooLong.status == 2 && tooLong.standardError.contains("--call-in-days"), "\(tooLong.standardError)")
        let negative = try refused(["decisions"], environment: [variable: "-1"])
        #expect(negative.status == 2 && negative.standardError.contains(variable), "\(negative.standardError)")
        let serve = try refused(["serve", "--port", "1", "--call-in-days", "-2"])
        #expect(serve.status == 2 && serve.standardError.contains("--call-in-days"), "\(serve.standardError)")
    }

    @Test func badInputIsNamed() throws {
        let archive = try Self.decidedArchive()
        defer { archive.remove() }
        let output = archive.directory.appendingPathComponent("out.html").path
        let cases: [([String], Int32, String)] = [
            (["decisions", "--since", "2016-13-01"], 2, "--since must be a date YYYY-MM-DD, not '2016-13-01'"),
            (["decisions", "--board", "Planning"], 1, "no board 'Planning'"),
            (["decisions", "notice", "NOPE-2016-01-01", "1", "-o", output], 1, "no meeting 'NOPE-2016-01-01'"),
            (["decisions", "notice", Self.meeting, "2", "-o", output], 1, "has no decision recorded"),
            (
                ["decisions", "notice", Self.meeting, "99", "-o", output], 1,
                "99 is not an item of the published agenda"
            ),
        ]
        for (arguments, status, message) in cases {
            let outcome = try archive.run(arguments)
            #expect(outcome.status == status, "\(arguments): \(outcome.standardError)")
            #expect(outcome.standardError.contains(message), "\(arguments): \(outcome.standardError)")
        }
        #expect(!FileManager.default.fileExists(atPath: output))
        let help = try archive.ok("decisions", "notice", "--help")
        #expect(help.contains("USAGE: docket decisions notice"))
    }
}
