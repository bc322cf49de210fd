import ArgumentParser
import DocketKit
import Foundation
import Workflow

/// `docket meeting …`
struct MeetingCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "meeting",
        abstract: "Board meetings and their agendas: create, order, mark exempt, publish; record the meeting held.",
        discussion: """
            A submission goes on a meeting's agenda when it is scheduled for it (the event's \
            meeting field, e.g. --field meeting=BVPB-2016-10-19). Standing items (apologies, \
            declarations of interest, minutes) come first. Publishing fixes the numbers for good; \
            items scheduled later go on a supplementary agenda with the next numbers. At the \
            meeting the clerk records attendance (attend), declarations of interest (declare) and \
            each item's decision (decide).
            """,
        subcommands: [
            New.self, Show.self, List.self, Order.self, Exempt.self, Publish.self, Attend.self, Declare.self,
            Decide.self,
        ]
    )

    struct New: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Create a meeting; prints its id.")
        @OptionGroup var archive: ArchiveOptions
        @Option(name: .long, help: "The board, e.g. \"Best Value Programme Board\".") var board: String
        @Option(name: .long, help: "The date (YYYY-MM-DD).") var date: String
        @Option(name: .long, help: "The time (HH:MM, London).") var time: String?
        @Option(name: .long, help: "Where it meets.") var venue: String?
        @Option(name: .customLong("report-deadline"), help: "Reports are due this many working days before.")
        var reportDeadline = 7
        @Option(name: .customLong("publish-by"), help: "The agenda is published this many working days before.")
        var publishBy = 5
        @OptionGroup var actor: ActingUser

        func run() throws {
            print(
                try archive.open().newMeeting(
                    board: board, date: try parseDate(date, "--date"), time: time, venue: venue,
                    reportDeadlineWorkingDays: reportDeadline, publicationWorkingDays: publishBy, as: actor.user))
        }
    }

    struct Show: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "A meeting, its deadlines and its agenda; attendance, declarations, decisions and actions.")
        @OptionGroup var archive: ArchiveOptions
        @Argument(help: "The meeting id.") var id: String
        @OptionGroup var output: OutputFormat

        func run() throws {
            let docket = try archive.open()
            let meeting = try docket.meeting(id)
            if output.json {
                try printJSON(MeetingJSON(meeting))
                return
            }
            let definition = meeting.definition
            print("\(meeting.id): \(definition.board), \(Wording.longDate(definition.date))")
            if let time = definition.time { print("time: \(time)") }
            if let venue = definition.venue { print("venue: \(venue)") }
            print("reports due: \(meeting.reportDeadline); publish by: \(meeting.publicationDeadline)")
            print(
                meeting.publications == 0
                    ? "agenda: draft (not published)"
                    : "agenda: published\(meeting.publications > 1 ? " with \(meeting.publications - 1) supplement(s)" : "")"
                        + (meeting.unpublishedCount > 0 ? "; \(meeting.unpublishedCount) item(s) waiting" : ""))
            var rows = [["NO", "ITEM", "REFERENCE", "NOTE"]]
            for item in meeting.items {
                rows.append(["\(item.number)", item.title, item.reference ?? "", item.notes.joined(separator: ", ")])
            }
            print(table(rows))
            print("log: \(meeting.logLength) entries (pass --expect-seq \(meeting.logLength) to record on this view)")
            for line in MeetingCommand.proceedingsLines(try docket.proceedings(of: id)) { print(line) }
            if let minutes = try docket.minutesStatus(of: id) {
                for line in MinutesCommand.lines(minutes) { print(line) }
            }
        }
    }

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Every meeting.")
        @OptionGroup var archive: ArchiveOptions

        func run() throws {
            let docket = try archive.open()
            var rows = [["ID", "DATE", "BOARD", "AGENDA"]]
            for id in docket.meetingIDs() {
                let meeting = try docket.meeting(id)
                rows.append([
                    id, meeting.definition.date.description, meeting.definition.board,
                    meeting.publications == 0 ? "draft" : "published",
                ])
            }
            print(rows.count == 1 ? "no meetings yet" : table(rows))
        }
    }

    struct Order: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Set the order of the submission items (numbers follow it until publication).")
        @OptionGroup var archive: ArchiveOptions
        @Argument(help: "The meeting id.") var id: String
        @Argument(help: "Submission references in the order they are taken.") var references: [String]
        @OptionGroup var actor: ActingUser

        func run() throws {
            try archive.open().orderAgenda(id, references: references, as: actor.user)
        }
    }

    struct Exempt: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Mark an item exempt (its report and annexes stay out of the public pack), or open again.")
        @OptionGroup var archive: ArchiveOptions
        @Argument(help: "The meeting id.") var id: String
        @Argument(help: "The submission reference.") var reference: String
        @Option(name: .long, help: "The paragraph of Schedule 12A to the Local Government Act 1972 (1-7).")
        var paragraph: Int?
        @Flag(name: .long, help: "The item is no longer exempt.") var open = false
        @OptionGroup var actor: ActingUser

        func validate() throws {
            if paragraph == nil && !open {
                throw ValidationError("give --paragraph N to mark the item exempt, or --open to open it")
            }
            if paragraph != nil && open { throw ValidationError("--paragraph and --open cannot go together") }
        }

        func run() throws {
            try archive.open().setExempt(id, reference: reference, paragraph: open ? nil : paragraph, as: actor.user)
        }
    }

    struct Publish: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Publish the agenda (or a supplementary agenda): numbers are fixed from now on.",
            discussion: "Each newly published item's report is archived as a board-report document.")
        @OptionGroup var archive: ArchiveOptions
        @Argument(help: "The meeting id.") var id: String
        @OptionGroup var actor: ActingUser

        func run() throws {
            for item in try archive.open().publishAgenda(id, as: actor.user) {
                print("\(item.number)\t\(item.title)\(item.reference.map { "\t\($0)" } ?? "")")
            }
        }
    }
}

struct MeetingJSON: Encodable {
    struct Item: Encodable {
        var number: Int
        var published: Bool
        var supplement: Int?
        var title: String
        var reference: String?
        var service: String?
        var exemptParagraph: Int?
        var withdrawn: Bool
    }

    var id: String
    var board: String
    var date: String
    var time: String?
    var venue: String?
    var reportDeadline: String
    var publicationDeadline: String
    var publications: Int
    var items: [Item]

    init(_ meeting: MeetingView) {
        id = meeting.id
        board = meeting.definition.board
        date = meeting.definition.date.description
        time = meeting.definition.time
        venue = meeting.definition.venue
        reportDeadline = meeting.reportDeadline.description
        publicationDeadline = meeting.publicationDeadline.description
        publications = meeting.publications
        items = meeting.items.map {
            Item(
                number: $0.number, published: $0.isPublished, supplement: $0.supplement, title: $0.title,
                reference: $0.reference, service: $0.service, exemptParagraph: $0.exemptParagraph,
                withdrawn: $0.isWithdrawn)
        }
    }
}
