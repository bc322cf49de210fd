import Archive
import ArgumentParser
import DocketKit
import Foundation
import Workflow

/// `docket series …`
struct SeriesCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "series",
        abstract: "Recurring obligations: define them, see their submissions and when the next is due.",
        subcommands: [Add.self, Show.self, List.self, SetDefault.self]
    )

    struct Add: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Define a series, e.g. a six-monthly update to the Secretary of State.",
            discussion: """
                Submissions started with --series ID are numbered within it (1st, 2nd, 3rd …) and \
                referenced ID-YEAR-NN. Update N is due N-1 cadences after --first-due.
                """)
        @OptionGroup var archive: ArchiveOptions
        @Argument(help: "The series id (letters, digits, '-', '_', '.'), e.g. BVP.") var id: String
        @Option(name: .long, help: "What the obligation is.") var title: String
        @Option(name: .long, help: "How often it falls due: an ISO 8601 duration, e.g. P6M, P1Y, P2W.")
        var cadence: String
        @Option(name: .customLong("first-due"), help: "When the first update is due (YYYY-MM-DD).")
        var firstDue: String
        @Option(name: .long, help: "The workflow its submissions follow.") var workflow: String
        @Option(name: .long, help: "The service and lead officer (a report's SERVICE).") var service: String?
        @Option(name: .customLong("report-title"), help: "The TITLE of its Board reports (default: the title).")
        var reportTitle: String?
        @Option(name: .long, help: "To whom its submissions go (default: the Secretary of State).")
        var addressee: String?
        @OptionGroup var actor: ActingUser

        func run() throws {
            try archive.open().addSeries(
                id, title: title, cadence: cadence, firstDue: try parseDate(firstDue, "--first-due"),
                workflow: workflow, service: service, reportTitle: reportTitle, addressee: addressee, as: actor.user)
            print(id)
        }
    }

    struct Show: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "A series' submissions with their numbers, due dates, dates sent and states.")
        @OptionGroup var archive: ArchiveOptions
        @Argument(help: "The series id.") var id: String
        @OptionGroup var output: OutputFormat

        func run() throws {
            let series = try archive.open().series(id)
            if output.json {
                try printJSON(SeriesJSON(series))
                return
            }
            let definition = series.definition
            print("\(series.id): \(definition.title)")
            print(
                "cadence: \(series.cadence) (\(series.cadence.adjective ?? "custom")), workflow: \(definition.workflow)"
            )
            if let service = definition.service { print("service: \(service)") }
            print(
                "next due: \(Wording.ordinal(series.nextDue.number)) update on \(series.nextDue.date)"
                    + (series.isOverdue ? " (OVERDUE)" : ""))
            var rows = [["NO", "REFERENCE", "DUE", "SENT", "STATE", "TITLE"]]
            for member in series.members {
                rows.append([
                    member.number.map { "\($0)" } ?? "-", member.reference, member.due?.description ?? "-",
                    member.dispatchedOn?.description ?? "-", member.state, member.title,
                ])
            }
            print(series.members.isEmpty ? "no submissions yet" : table(rows))
            for (section, _) in series.sectionDefaults.sorted(by: { $0.key.rawValue < $1.key.rawValue }) {
                print("default report text: \(section.rawValue)")
            }
        }
    }

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Every series with its next due date.")
        @OptionGroup var archive: ArchiveOptions

        func run() throws {
            let docket = try archive.open()
            var rows = [["ID", "NEXT DUE", "UPDATE", "TITLE"]]
            for id in docket.seriesIDs() {
                let series = try docket.series(id)
                rows.append([
                    id, series.nextDue.date.description + (series.isOverdue ? " OVERDUE" : ""),
                    Wording.ordinal(series.nextDue.number), series.definition.title,
                ])
            }
            print(rows.count == 1 ? "no series yet" : table(rows))
        }
    }

    struct SetDefault: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "set-default",
            abstract: "Set the default text of a Board report section for the series' submissions.",
            discussion: reportTextHelp)
        @OptionGroup var archive: ArchiveOptions
        @Argument(help: "The series id.") var id: String
        @OptionGroup var text: SectionTextOptions
        @OptionGroup var actor: ActingUser

        func run() throws {
            try archive.open().setSeriesSectionDefault(
                id, section: try text.sectionName(), text: try readText(text.file), as: actor.user)
        }
    }
}

/// `--section NAME --file F`: a report section's text.
struct SectionTextOptions: ParsableArguments {
    @Option(name: .long, help: "introduction, recommendations, background, finance or legal.")
    var section: String
    @Option(name: .long, help: "A UTF-8 text file with the section's text ('-' for standard input).")
    var file: String

    func sectionName() throws -> ReportSectionName {
        try parseSection(section)
    }
}

/// What a report section's text may contain.
let reportTextHelp = """
    Paragraphs are separated by a blank line and numbered in the report (3.1, 3.2 …); in \
    'recommendations' each paragraph is one numbered item of "The Board is asked to:". \
    Placeholders are filled from the archive: \
    \(ReportPlaceholder.allCases.map { "{\($0.name)} (\($0.example))" }.joined(separator: ", ")). \
    Write {{ for a literal brace.
    """

struct SeriesJSON: Encodable {
    struct Member: Encodable {
        var number: Int?
        var reference: String
        var title: String
        var state: String
        var due: String?
        var dispatchedOn: String?
        var receivedOn: String?
    }

    var id: String
    var title: String
    var cadence: String
    var firstDue: String
    var workflow: String
    var service: String?
    var nextDue: String
    var nextNumber: Int
    var overdue: Bool
    var submissions: [Member]

    init(_ series: SeriesView) {
        id = series.id
        title = series.definition.title
        cadence = series.cadence.description
        firstDue = series.definition.firstDue.description
        workflow = series.definition.workflow
        service = series.definition.service
        nextDue = series.nextDue.date.description
        nextNumber = series.nextDue.number
        overdue = series.isOverdue
        submissions = series.members.map {
            Member(
                number: $0.number, reference: $0.reference, title: $0.title, state: $0.state,
                due: $0.due?.description, dispatchedOn: $0.dispatchedOn?.description,
                receivedOn: $0.receivedOn?.description)
        }
    }
}

/// A `YYYY-MM-DD` option value.
func parseDate(_ text: String, _ option: String) throws -> CalendarDate {
    guard let date = CalendarDate(iso: text) else {
        throw ValidationError("\(option) must be a date YYYY-MM-DD, not '\(text)'")
    }
    return date
}

func parseSection(_ text: String) throws -> ReportSectionName {
    guard let section = ReportSectionName(rawValue: text) else {
        throw ValidationError(
            "--section must be one of \(ReportSectionName.allCases.map(\.rawValue).joined(separator: ", ")), not '\(text)'"
        )
    }
    return section
}

/// Reads a UTF-8 text file (or standard input for `-`), refusing anything that is not UTF-8.
func readText(_ path: String) throws -> String {
    let data: Data
    if path == "-" {
        data = FileHandle.standardInput.readDataToEndOfFile()
    } else {
        guard let contents = FileManager.default.contents(atPath: path) else {
            throw ValidationError("cannot read \(path)")
        }
        data = contents
    }
    guard data.count <= 1_000_000 else { throw ValidationError("\(path) is over 1 MB; a report section is text") }
    guard let text = String(data: data, encoding: .utf8) else { throw ValidationError("\(path) is not UTF-8 text") }
    return text
}

/// Writes an output file atomically (a reader never sees half of it).
func writeOutput(_ bytes: [UInt8], to path: String) throws {
    do {
        try Data(bytes).write(to: URL(fileURLWithPath: path), options: .atomic)
    } catch {
        throw ValidationError("cannot write \(path): \(error.localizedDescription)")
    }
}
