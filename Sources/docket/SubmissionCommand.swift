import Archive
import ArgumentParser
import DocketKit
import Foundation
import Workflow

/// `docket submission …`
struct SubmissionCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "submission",
        abstract: "Start submissions, fire their workflow events, and show them.",
        subcommands: [New.self, Fire.self, Show.self, List.self]
    )

    struct New: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Start a submission; prints its reference.")
        @OptionGroup var archive: ArchiveOptions
        @Option(name: .long, help: "The workflow it follows, e.g. best-value-submission.") var workflow: String
        @Option(name: .long, help: "Its title.") var title: String
        @Option(name: .long, help: "The series (recurring obligation) it belongs to.") var series: String?
        @Option(name: .long, help: "The service and lead officer, e.g. \"Service Head, Corporate Strategy\".")
        var service: String?
        @OptionGroup var actor: ActingUser

        func run() throws {
            print(
                try archive.open().newSubmission(
                    workflow: workflow, title: title, series: series, service: service, as: actor.user))
        }
    }

    struct Fire: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Fire a workflow event on a submission; prints the new state.",
            discussion: """
                Refused, with the reason, when the event does not leave the current state, the user \
                lacks the role, or documents, fields or a comment it needs are missing. Exit status: \
                0 done, 1 refused, 3 another change was recorded first (look again and retry).
                """
        )
        @OptionGroup var archive: ArchiveOptions
        @Argument(help: "The submission's reference.") var reference: String
        @Argument(help: "The event, e.g. sign-off.") var event: String
        @OptionGroup var actor: ActingUser
        @Option(name: .long, help: "A comment (some events require one).") var comment: String?
        @Option(
            name: .long,
            help: ArgumentHelp("A field the event needs, NAME=VALUE (repeatable).", valueName: "NAME=VALUE"))
        var field: [String] = []
        @OptionGroup var staleness: ExpectedSequence

        func validate() throws {
            for entry in field where !entry.contains("=") || entry.hasPrefix("=") {
                throw ValidationError("--field must be NAME=VALUE, not '\(entry)'")
            }
        }

        func run() throws {
            var fields: [String: String] = [:]
            for entry in field {
                let parts = entry.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
                guard fields[String(parts[0])] == nil else {
                    throw ValidationError("--field \(parts[0]) is given twice")
                }
                fields[String(parts[0])] = String(parts[1])
            }
            let view = try archive.open().fire(
                event, on: reference, as: actor.user, fields: fields, comment: comment,
                expectedSequence: staleness.expectedSequence)
            print(view.state)
        }
    }

    struct Show: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Show a submission: state, deadline, documents, events allowed now and history.")
        @OptionGroup var archive: ArchiveOptions
        @OptionGroup var output: OutputFormat
        @Argument(help: "The submission's reference.") var reference: String
        @Option(name: .customLong("as"), help: "Show the events this user may fire now.") var user: String?
        @Flag(
            name: .long,
            help: """
                List everything linked to the submission instead: its documents and all \
                correspondence that replies to, annexes or versions any of them, in date order.
                """)
        var thread = false

        func run() throws {
            let docket = try archive.open()
            if thread {
                let entries = try docket.thread(of: reference)
                if output.json { return try printJSON(entries.map(SearchJSON.Hit.init)) }
                print(ThreadText.render(entries, of: reference))
                return
            }
            let view = try docket.submission(reference, for: user)
            if output.json {
                var json = SubmissionJSON(view)
                json.board = try docket.boardConsiderations(of: reference, for: user).map(
                    SubmissionJSON.Consideration.init)
                return try printJSON(json)
            }
            print(
                SubmissionText.render(
                    view, board: try docket.boardSchedule(of: view),
                    considerations: try docket.boardConsiderations(of: reference, for: user)))
        }
    }

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List submissions with their states.")
        @OptionGroup var archive: ArchiveOptions
        @OptionGroup var output: OutputFormat
        @Option(name: .long, help: "Only submissions in this state.") var state: String?

        struct Row: Encodable {
            var reference: String
            var title: String
            var workflow: String
            var state: String
            var deadline: String?
            var overdue: Bool
            var lastActivity: Date
        }

        func run() throws {
            let summaries = try archive.open().submissions(inState: state)
            if output.json {
                return try printJSON(
                    summaries.map {
                        Row(
                            reference: $0.reference, title: $0.title, workflow: $0.workflow, state: $0.state,
                            deadline: $0.deadline?.description, overdue: $0.isOverdue, lastActivity: $0.lastActivity)
                    })
            }
            // People read the state's label; `--state` and `--json` take and give its id.
            print(
                table(
                    [["REFERENCE", "STATE", "DEADLINE", "TITLE"]]
                        + summaries.map {
                            [
                                $0.reference, $0.stateLabel,
                                ($0.deadline?.description ?? "") + ($0.isOverdue ? " OVERDUE" : ""), $0.title,
                            ]
                        }))
        }
    }
}
