import Foundation
import TestSupport
import Testing

/// `docket meeting attend|declare|decide` through the built binary, on the demo archive: the
/// Board of 19 October 2016 notes the third update.
@Suite(.serialized) struct DecisionCommandTests {
    @Test func theClerkRecordsTheMeetingAndAStaleViewExitsThree() throws {
        let archive = try ScratchArchive("decide")
        defer { archive.remove() }
        let built = try archive.run(["demo", "--archive", archive.path])
        try #require(built.status == 0, "docket demo: \(built.standardError)")
        let meeting = "BVPB-2016-10-19"

        try archive.ok(
            "meeting", "attend", meeting, "--present", "Cllr A. Jones", "Max Caller", "--apologies", "Cllr B. Smith",
            "--officer", "Clara Clerk|clara", "--as", "clara")
        try archive.ok(
            "meeting", "declare", meeting, "--member", "Cllr A. Jones", "--item", "4", "--interest",
            "Governor of a school named in the plan", "--as", "clara")
        let shown = try archive.ok("meeting", "show", meeting)
        let seen = try #require(
            shown.split(separator: "\n").first { $0.hasPrefix("log: ") }?.split(separator: " ").dropFirst().first)

        let decided = try archive.ok(
            "meeting", "decide", meeting, "--item", "4", "--type", "noted", "--resolution",
            "The Board noted the third update and the Commissioners' response.", "--for", "5", "--against", "0",
            "--abstain", "0", "--action", "Report progress in six months|olivia|2017-04-19", "--expect-seq",
            String(seen), "--as", "clara")
        #expect(decided.hasPrefix("item 4: noted (BVP-2016-02 event"), "\(decided)")

        // A second clerk on the same view is told, with exit status 3, and nothing is written.
        let stale = try archive.run([
            "meeting", "decide", meeting, "--item", "1", "--type", "noted", "--resolution", "Apologies noted.",
            "--expect-seq", String(seen), "--as", "clara", "--archive", archive.path,
        ])
        #expect(stale.status == 3, "\(stale.standardError)")

        let after = try archive.ok("meeting", "show", meeting)
        #expect(after.contains("present: Cllr A. Jones, Max Caller"))
        #expect(after.contains("declaration: Cllr A. Jones, item 4: Governor of a school named in the plan"))
        #expect(after.contains("decision: item 4 (BVP-2016-02) noted; for 5, against 0, abstentions 0"))
        #expect(after.contains("action A4.1: Report progress in six months (owner olivia, due 2017-04-19)"))
        #expect(!after.contains("decision: item 1"))
        #expect(try archive.ok("submission", "show", "BVP-2016-02").contains("considered"))
        #expect(try archive.verify().status == 0)

        // Usage mistakes are told before anything is read.
        let badType = try archive.run([
            "meeting", "decide", meeting, "--item", "1", "--type", "approved", "--resolution", "x", "--as", "clara",
            "--archive", archive.path,
        ])
        #expect(badType.status == 2 && badType.standardError.contains("--type is one of"))
    }
}
