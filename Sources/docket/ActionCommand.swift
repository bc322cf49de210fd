import ArgumentParser
import DocketKit
import Foundation

/// `docket action list|done|reopen`: the actions of the Board's decisions, tracked to done.
struct ActionCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "action",
        abstract: "The actions of the Board's decisions: list them, mark one done, reopen one.",
        discussion: """
            An action is recorded with its decision (docket meeting decide --action) and named by \
            its meeting and its id, e.g. BVPB-2016-10-19 A4.1. Its owner, a clerk or an \
            administrator may mark it done or reopen it. Exit status 3 when the meeting's log has \
            changed since --expect-seq (someone else acted first).
            """,
        subcommands: [List.self, Done.self, Reopen.self])

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "List open actions (with --all, done ones too), soonest due first.",
            discussion: """
                The text of an exempt item's action is shown only --as a user cleared for exempt \
                items (and each such view is recorded in the access log); otherwise it is withheld.
                """)
        @OptionGroup var archive: ArchiveOptions
        @Option(name: .long, help: ArgumentHelp("Only this user's actions.", valueName: "USER")) var owner: String?
        @Flag(name: .long, help: "Only the actions of the user given with --as.") var mine = false
        @Option(name: .long, help: ArgumentHelp("Only this meeting's actions.", valueName: "MEETING"))
        var meeting: String?
        @Flag(name: .long, help: "Done actions too.") var all = false
        @OptionGroup var output: OutputFormat
        @Option(
            name: .customLong("as"), help: ArgumentHelp("The Docket user who reads the list.", valueName: "USER"))
        var reader: String?

        func validate() throws {
            if mine && reader == nil { throw ValidationError("--mine needs --as USER (whose actions)") }
            if mine && owner != nil { throw ValidationError("give --owner or --mine, not both") }
        }

        func run() throws {
            let lines = try archive.open().actions(
                owner: mine ? reader : owner, includeDone: all, meeting: meeting, for: reader)
            if output.json {
                try printJSON(lines.map(ActionJSON.init))
                return
            }
            guard !lines.isEmpty else {
                print(all ? "no actions" : "no open actions")
                return
            }
            var rows = [["DUE", "STATUS", "MEETING", "ACTION", "ITEM", "OWNER", "WHAT"]]
            for line in lines {
                let status: String =
                    switch line.status {
                    case .done(let mark): "done \(Self.day(mark.time)) by \(mark.user)"
                    case .open: line.isOverdue ? "OVERDUE" : "open"
                    }
                rows.append([
                    line.due.description, status, line.meeting, line.id,
                    "\(line.item)" + (line.reference.map { " \($0)" } ?? ""), line.owner, line.text,
                ])
            }
            print(table(rows))
        }

        static func day(_ time: Date) -> String {
            String(ISO8601DateFormatter().string(from: time).prefix(10))
        }
    }

    /// `MEETING ACTION [--expect-seq N] --as USER`: the action a change is about, on the view it
    /// was made on, by whom.
    struct Target: ParsableArguments {
        @OptionGroup var archive: ArchiveOptions
        @Argument(help: "The meeting id, e.g. BVPB-2016-10-19.") var meeting: String
        @Argument(help: "The action's id in the meeting, e.g. A4.1.") var action: String
        @Option(name: .customLong("expect-seq"), help: "Refuse unless the meeting's log still ends at this entry.")
        var expectSeq: Int?
        @OptionGroup var actor: ActingUser

        /// Marks the action done, or reopens it, and says how it stands.
        func update(note: String, reopening: Bool) throws {
            let docket = try archive.open()
            let line =
                reopening
                ? try docket.reopenAction(
                    meeting: meeting, action: action, note: note, as: actor.user, expectedLogSequence: expectSeq)
                : try docket.completeAction(
                    meeting: meeting, action: action, note: note, as: actor.user, expectedLogSequence: expectSeq)
            print("\(line.meeting) \(line.id): \(line.isDone ? "done" : "open")")
        }
    }

    struct Done: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Mark an action done (its owner, a clerk or an administrator).")
        @OptionGroup var target: Target
        @Option(name: .long, help: "What was done.") var note: String = ""

        func run() throws { try target.update(note: note, reopening: false) }
    }

    struct Reopen: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Reopen an action marked done, saying why (its owner, a clerk or an administrator).")
        @OptionGroup var target: Target
        @Option(name: .long, help: "Why it is reopened.") var note: String

        func run() throws { try target.update(note: note, reopening: true) }
    }
}

/// One action in `docket action list --json`.
struct ActionJSON: Encodable {
    var meeting: String
    var meetingDate: String
    var board: String
    var item: Int
    var reference: String?
    var id: String
    var text: String
    var withheld: Bool
    var owner: String
    var due: String
    var status: String
    var overdue: Bool
    var doneBy: String?
    var doneAt: Date?
    var note: String?
    /// The meeting log's length when read: `--expect-seq` for a change made on this view.
    var logSequence: Int

    init(_ line: ActionLine) {
        meeting = line.meeting
        meetingDate = line.meetingDate.description
        board = line.board
        item = line.item
        reference = line.reference
        id = line.id
        text = line.text
        withheld = line.isWithheld
        owner = line.owner
        due = line.due.description
        overdue = line.isOverdue
        logSequence = line.logLength
        switch line.status {
        case .done(let mark):
            status = "done"
            doneBy = mark.user
            doneAt = mark.time
            note = mark.note
        case .open(let reopened):
            status = "open"
            note = reopened?.note
        }
    }
}
