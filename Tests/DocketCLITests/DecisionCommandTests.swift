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

        // The demo's Board of 19 October 2016 noted the third update (item 4), which fired its
        // workflow; deciding the item again is refused.
        let demo = try archive.ok("meeting", "show", "BVPB-2016-10-19")
        #expect(demo.contains("decision: item 4 (BVP-2016-02) noted"), "\(demo)")
        #expect(demo.contains("action A4.1: Prepare the fourth six-monthly update"))
        #expect(try archive.ok("submission", "show", "BVP-2016-02").contains("considered"))
        let again = try archive.run([
            "meeting", "decide", "BVPB-2016-10-19", "--item", "4", "--type", "agreed", "--resolution", "Agreed.",
            "--as", "clara", "--archive", archive.path,
        ])
        #expect(again.status == 1 && again.standardError.contains("already decided"), "\(again.standardError)")

        // The next meeting, its agenda the standing items.
        let meeting = "BVPB-2016-11-16"
        try archive.ok(
            "meeting", "new", "--board", "Best Value Programme Board", "--date", "2016-11-16", "--as", "clara")
        try archive.ok("meeting", "publish", meeting, "--as", "clara")
        try archive.ok(
            "meeting", "attend", meeting, "--present", "Cllr A. Jones", "Max Caller", "--apologies", "Cllr B. Smith",
            "--officer", "Clara Clerk|clara", "--as", "clara")
        try archive.ok(
            "meeting", "declare", meeting, "--member", "Cllr A. Jones", "--item", "3", "--interest",
            "Governor of a school named in the plan", "--as", "clara")
        let shown = try archive.ok("meeting", "show", meeting)
        let seen = try #require(
            shown.split(separator: "\n").first { $0.hasPrefix("log: ") }?.split(separator: " ").dropFirst().first)

        let decided = try archive.ok(
            "meeting", "decide", meeting, "--item", "3", "--type", "agreed", "--resolution",
            "The minutes of the meeting held on 19 October 2016 were agreed as a correct record.", "--for", "5",
            "--against", "0", "--abstain", "0", "--action", "Publish the approved minutes|olivia|2016-11-30",
            "--expect-seq", String(seen), "--as", "clara")
        #expect(decided.hasPrefix("item 3: agreed"), "\(decided)")

        // A second clerk on the same view is told, with exit status 3, and nothing is written.
        let stale = try archive.run([
            "meeting", "decide", meeting, "--item", "1", "--type", "noted", "--resolution", "Apologies noted.",
            "--expect-seq", String(seen), "--as", "clara", "--archive", archive.path,
        ])
        #expect(stale.status == 3, "\(stale.standardError)")

        let after = try archive.ok("meeting", "show", meeting)
        #expect(after.contains("present: Cllr A. Jones, Max Caller"))
        #expect(after.contains("declaration: Cllr A. Jones, item 3: Governor of a school named in the plan"))
        #expect(after.contains("decision: item 3 agreed; for 5, against 0, abstentions 0"), "\(after)")
        #expect(after.contains("action A3.1: Publish the approved minutes (owner olivia, due 2016-11-30)"))
        #expect(!after.contains("decision: item 1"))
        #expect(try archive.verify().status == 0)

        // Usage mistakes are told before anything is read.
        let badType = try archive.run([
            "meeting", "decide", meeting, "--item", "1", "--type", "approved", "--resolution", "x", "--as", "clara",
            "--archive", archive.path,
        ])
        #expect(badType.status == 2 && badType.standardError.contains("--type is one of"))
    }
}
