import ArgumentParser
import DocketKit
import Foundation

/// `--format html|docx`.
extension ReportFormat: ExpressibleByArgument {}

/// `docket report REF …` and `docket report edit|sections|archive …`
struct ReportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "report",
        abstract: "Board reports: build one for a scheduled submission, edit its sections, archive it.",
        subcommands: [Build.self, Edit.self, Sections.self, Archive.self],
        defaultSubcommand: Build.self
    )

    struct Build: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "build",
            abstract: "Write the Board report of a scheduled submission (docket report REF --format docx -o F).",
            discussion: """
                The council's structure: header table TITLE / SERVICE / ITEM NO / DATE; 1 Introduction, \
                2 For the Board to consider, 3 Background, 4 Comments of the Chief Finance Officer, \
                5 Legal comments; the annexes. Facts (ordinal, dates, annex letters, item number) come \
                from the archive; prose from the sections (see 'report sections').
                """)
        @OptionGroup var archive: ArchiveOptions
        @Argument(help: "The submission's reference.") var reference: String
        @Option(name: .long, help: "html or docx.") var format: ReportFormat = .html
        @Option(name: .shortAndLong, help: "The file to write ('-' for standard output).") var output: String

        func run() throws {
            let bytes = try archive.open().renderBoardReport(reference, format: format)
            if output == "-" {
                FileHandle.standardOutput.write(Data(bytes))
            } else {
                try writeOutput(bytes, to: output)
            }
        }
    }

    struct Edit: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Replace one section's text for this submission's report (earlier texts are kept).",
            discussion: reportTextHelp)
        @OptionGroup var archive: ArchiveOptions
        @Argument(help: "The submission's reference.") var reference: String
        @OptionGroup var text: SectionTextOptions
        @OptionGroup var actor: ActingUser

        func run() throws {
            try archive.open().editReportSection(
                reference, section: try text.sectionName(), text: try readText(text.file), as: actor.user)
        }
    }

    struct Sections: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Show each section's text (with placeholders) and where it comes from.")
        @OptionGroup var archive: ArchiveOptions
        @Argument(help: "The submission's reference.") var reference: String

        func run() throws {
            for (section, text, source) in try archive.open().reportSections(reference) {
                print("== \(section.rawValue) (from the \(source.rawValue))")
                print(text)
            }
        }
    }

    struct Archive: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Archive the report now as board-report documents (a changed report is a new version).")
        @OptionGroup var archive: ArchiveOptions
        @Argument(help: "The submission's reference.") var reference: String
        @OptionGroup var actor: ActingUser

        func run() throws {
            try archive.open().archiveBoardReport(reference, as: actor.user)
        }
    }
}

/// `docket agenda ID --format html|docx -o FILE`
struct AgendaCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "agenda", abstract: "Write a meeting's agenda: items with numbers, leads and annexes.")
    @OptionGroup var archive: ArchiveOptions
    @Argument(help: "The meeting id.") var id: String
    @Option(name: .long, help: "html or docx.") var format: ReportFormat = .html
    @Option(name: .shortAndLong, help: "The file to write ('-' for standard output).") var output: String
    @Flag(name: .long, help: "The public version: says which items' papers are exempt.") var `public` = false

    func run() throws {
        let bytes = try archive.open().renderAgenda(id, format: format, public: `public`)
        if output == "-" {
            FileHandle.standardOutput.write(Data(bytes))
        } else {
            try writeOutput(bytes, to: output)
        }
    }
}

/// `docket pack ID -o FILE.zip [--public]`
struct PackCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "pack",
        abstract: "Write a meeting's pack as a ZIP: agenda, then each item's report and annexes in agenda order.",
        discussion: """
            Names start with the item number (04-BVP-2016-03/report.docx, …/annex-A-1-cover-letter.txt); \
            contents.txt lists every file with its SHA-256. --public leaves out the papers of exempt \
            items, and the agenda in the pack says so.
            """)
    @OptionGroup var archive: ArchiveOptions
    @Argument(help: "The meeting id.") var id: String
    @Option(name: .shortAndLong, help: "The ZIP file to write.") var output: String
    @Flag(name: .long, help: "Leave out exempt material (Schedule 12A).") var `public` = false

    func run() throws {
        let pack = try archive.open().writeMeetingPack(id, public: `public`, to: output)
        var message = "wrote \(output): \(pack.files.count + 1) files"
        if !pack.leftOut.isEmpty {
            let exempt = pack.leftOut.filter { $0.exemptParagraph != nil }.count
            let unpublished = pack.leftOut.count - exempt
            message += "; left out: \(exempt) exempt item(s), \(unpublished) item(s) not on a published agenda"
        }
        print(message)
    }
}

/// `docket calendar -o FILE.ics`
struct CalendarCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "calendar",
        abstract: "Write meetings and deadlines as an iCalendar (RFC 5545) file to subscribe to.")
    @OptionGroup var archive: ArchiveOptions
    @Option(name: .shortAndLong, help: "The .ics file to write ('-' for standard output).") var output: String

    func run() throws {
        let bytes = try archive.open().calendarFeed()
        if output == "-" {
            FileHandle.standardOutput.write(Data(bytes))
        } else {
            try writeOutput(bytes, to: output)
        }
    }
}

/// `docket due [--within DAYS]`
struct DueCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "due",
        abstract: "What is due or overdue, and by whom: state deadlines, series updates, reports, agendas, actions.",
        discussion: "Deadlines count working days in England and Wales (weekends and bank holidays skipped).")
    @OptionGroup var archive: ArchiveOptions
    @Option(name: .long, help: "Only what falls due within this many days (and everything overdue).")
    var within: Int?
    @OptionGroup var output: OutputFormat

    func validate() throws {
        if let within, within < 0 { throw ValidationError("--within must be 0 or more days") }
    }

    func run() throws {
        let items = try archive.open().due(within: within)
        if output.json {
            try printJSON(
                items.map {
                    DueJSON(
                        kind: $0.kind.rawValue, date: $0.date.description, subject: $0.subject, what: $0.what,
                        who: $0.who, overdue: $0.isOverdue, workingDaysLeft: $0.workingDaysLeft,
                        beyondHolidayList: $0.beyondHolidayList, action: $0.action)
                })
            return
        }
        guard !items.isEmpty else {
            print("nothing due")
            return
        }
        var rows = [["DUE", "WHEN", "WHAT", "FOR", "BY"]]
        for item in items {
            var when =
                item.isOverdue
                ? "OVERDUE" + (item.workingDaysLeft < 0 ? " \(-item.workingDaysLeft) wd" : "")
                : item.workingDaysLeft == 0 ? "today" : "in \(item.workingDaysLeft) wd"
            if item.beyondHolidayList { when += " (bank holidays unknown)" }
            rows.append([
                item.date.description, when, item.what, item.subject, item.who.joined(separator: ", "),
            ])
        }
        print(table(rows))
    }
}

struct DueJSON: Encodable {
    var kind: String
    var date: String
    var subject: String
    var what: String
    var who: [String]
    var overdue: Bool
    var workingDaysLeft: Int
    var beyondHolidayList: Bool
    /// For an action: its id in its meeting (the subject).
    var action: String?
}
