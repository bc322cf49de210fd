import Foundation
import TestSupport
import Testing

/// `docket action list|done|reopen` through the built binary, on the demo archive: the Board
/// of 19 October 2016 notes the third update with two actions, which are then tracked to done.
@Suite(.serialized) struct ActionCommandTests {
    struct Listed: Decodable {
        var meeting: String
        var id: String
        var text: String
        var owner: String
        var due: String
        var status: String
        var overdue: Bool
        var doneBy: String?
        var note: String?
        var logSequence: Int
    }

    func list(_ archive: ScratchArchive, _ arguments: String...) throws -> [Listed] {
        let outcome = try archive.run(["action", "list", "--json"] + arguments)
        #expect(outcome.status == 0, "\(arguments): \(outcome.standardError)")
        return try JSONDecoder().decode([Listed].self, from: Data(outcome.standardOutput.utf8))
    }

    @Test func actionsAreListedMarkedDoneAndReopenedWithTheirExitStatuses() throws {
        let archive = try ScratchArchive("actions")
        defer { archive.remove() }
        let built = try archive.run(["demo", "--before-the-meeting", "--archive", archive.path])
        try #require(built.status == 0, "docket demo: \(built.standardError)")
        let meeting = "BVPB-2016-10-19"
        try archive.ok(
            "meeting", "decide", meeting, "--item", "4", "--type", "noted", "--resolution", "Noted.", "--action",
            "Report progress in six months|olivia|2017-04-19", "--action", "Brief the Mayor|morgan|2016-11-30",
            "--as", "clara")

        let open = try list(archive)
        #expect(open.map(\.id) == ["A4.2", "A4.1"], "soonest due first")
        #expect(open.allSatisfy { $0.status == "open" && $0.overdue }, "the demo's actions fell due long ago")
        #expect(try list(archive, "--mine", "--as", "olivia").map(\.id) == ["A4.1"])
        #expect(try list(archive, "--owner", "morgan").map(\.id) == ["A4.2"])
        let text = try archive.ok("action", "list", "--owner", "olivia")
        #expect(text.contains("2017-04-19  OVERDUE") && text.contains("Report progress in six months"), "\(text)")

        // Someone else's action is refused, naming the rule; an unknown one lists the meeting's.
        let notHers = try archive.run(["action", "done", meeting, "A4.2", "--as", "olivia"])
        #expect(notHers.status == 1 && notHers.standardError.contains("morgan's"), "\(notHers.standardError)")
        let unknown = try archive.run(["action", "done", meeting, "A9.1", "--as", "clara"])
        #expect(unknown.status == 1 && unknown.standardError.contains("A4.1, A4.2"), "\(unknown.standardError)")

        // A stale view exits 3 and writes nothing.
        let seen = try #require(open.first?.logSequence)
        try archive.ok("action", "done", meeting, "A4.2", "--note", "Briefed on 1 November", "--as", "morgan")
        let stale = try archive.run([
            "action", "done", meeting, "A4.1", "--expect-seq", String(seen), "--as", "olivia",
        ])
        #expect(stale.status == 3, "\(stale.standardError)")
        #expect(try list(archive).map(\.id) == ["A4.1"])

        #expect(
            try archive.ok("action", "done", meeting, "A4.1", "--note", "Reported in April", "--as", "olivia")
                == "\(meeting) A4.1: done")
        let twice = try archive.run(["action", "done", meeting, "A4.1", "--as", "olivia"])
        #expect(twice.status == 1 && twice.standardError.contains("already done"), "\(twice.standardError)")
        #expect(try archive.ok("action", "list") == "no open actions")
        let all = try list(archive, "--all")
        #expect(all.first { $0.id == "A4.1" }?.doneBy == "olivia")
        #expect(all.first { $0.id == "A4.1" }?.note == "Reported in April")
        #expect(all.allSatisfy { $0.status == "done" && !$0.overdue })

        // Reopening needs a reason.
        let silent = try archive.run(["action", "reopen", meeting, "A4.1", "--as", "clara"])
        #expect(silent.status == 2, "\(silent.standardError)")
        try archive.ok("action", "reopen", meeting, "A4.1", "--note", "The report was deferred", "--as", "clara")
        #expect(try list(archive).first?.note == "The report was deferred")

        // What is due lists the open action.
        let due = try archive.ok("due", "--json")
        #expect(due.contains(#""action" : "A4.1""#) && due.contains(#""kind" : "action""#), "\(due)")
        #expect(!due.contains(#""action" : "A4.2""#))
        #expect(try archive.verify().status == 0)
    }

    /// The demo's Board of 19 October 2016 set two actions: both are open, long overdue.
    @Test func theDemosActionsAreInTheRegister() throws {
        let archive = try ScratchArchive("demo-actions")
        defer { archive.remove() }
        let built = try archive.run(["demo", "--archive", archive.path])
        try #require(built.status == 0, "docket demo: \(built.standardError)")
        let open = try list(archive)
        #expect(open.map(\.id) == ["A4.2", "A4.1"] && open.allSatisfy { $0.meeting == "BVPB-2016-10-19" })
        #expect(open.map(\.owner) == ["clara", "olivia"] && open.allSatisfy(\.overdue))
    }

    @Test func everyActionCommandHasHelp() throws {
        let archive = try ScratchArchive("action-help")
        defer { archive.remove() }
        let root = try archive.ok("action", "--help")
        for name in ["list", "done", "reopen"] { #expect(root.contains(name), "\(root)") }
        for (command, options) in [
            ("list", ["--owner", "--mine", "--all", "--json", "--as"]), ("done", ["--note", "--expect-seq", "--as"]),
            ("reopen", ["--note", "--expect-seq", "--as"]),
        ] {
            let help = try archive.ok("action", command, "--help")
            #expect(help.contains("USAGE: docket action \(command)"), "\(help)")
            for option in options {
                let line = help.split(separator: "\n").first {
                    $0.trimmingCharacters(in: .whitespaces).hasPrefix(option)
                }
                #expect(line.map { $0.count > option.count + 8 } == true, "\(command) \(option) has no help: \(help)")
            }
        }
    }
}
