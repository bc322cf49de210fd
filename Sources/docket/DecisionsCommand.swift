import ArgumentParser
import DocketKit
import Foundation
import Workflow

/// `--call-in-days N`, else the environment, else the configuration file, else 5: shared by
/// `decisions` and `serve`.
struct CallInOptions: ParsableArguments {
    @Option(
        name: .customLong("call-in-days"),
        help: ArgumentHelp(
            "The call-in period in working days, 0-\(CallInPeriod.maximumWorkingDays) \(Setting.callInDays.helpSuffix).",
            valueName: "N"))
    var callInDays: Int?

    /// The period chosen by the flag, the environment, the configuration file or the default.
    func period() throws -> CallInPeriod {
        let settings = Settings.current
        let days = settings.defaultedNumber(.callInDays, flag: callInDays)
        do {
            return try CallInPeriod(workingDays: days)
        } catch {
            throw ValidationError("\(settings.origin(of: .callInDays, flagGiven: callInDays != nil)): \(error)")
        }
    }

    func validate() throws {
        _ = try period()
    }
}

/// `docket decisions …`: the decisions register and decision notices.
struct DecisionsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "decisions",
        abstract: "The decisions register across every meeting, and a notice per decision.",
        discussion: """
            Each decision's notice is published when the clerk records the decision (docket \
            meeting decide); the decision may be implemented after the call-in period, counted in \
            working days from publication (weekends and bank holidays in England and Wales do not \
            count). Decisions on exempt items are listed only for a user (--as) cleared for exempt \
            items, and each such listing is recorded in the access log; without --as the register \
            is the public one.

            List (the default): docket decisions [--since YYYY-MM-DD] [--board B] [--meeting ID] \
            [--json] [--call-in-days N] [--as USER]; see docket decisions list --help.
            """,
        subcommands: [List.self, Notice.self],
        defaultSubcommand: List.self
    )

    /// `--as USER` for reading: optional, unlike the acting user of a write.
    struct Reader: ParsableArguments {
        @Option(
            name: .customLong("as"),
            help: ArgumentHelp(
                "Read as this Docket user (default: the public register, without exempt items' decisions).",
                valueName: "USER"))
        var user: String?
    }

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "List decisions, newest first, with the date after which each may be implemented.")
        @OptionGroup var archive: ArchiveOptions
        @Option(name: .long, help: ArgumentHelp("Only meetings held on or after this date.", valueName: "YYYY-MM-DD"))
        var since: String?
        @Option(
            name: .long,
            help: ArgumentHelp("Only this board's decisions (its name or initials, e.g. BVPB).", valueName: "B"))
        var board: String?
        @Option(name: .long, help: ArgumentHelp("Only this meeting's decisions.", valueName: "ID")) var meeting: String?
        @OptionGroup var callIn: CallInOptions
        @OptionGroup var reader: Reader
        @OptionGroup var output: OutputFormat

        func validate() throws {
            if let since { _ = try decisionDate(since, "--since") }
        }

        func run() throws {
            let query = DecisionsQuery(
                since: try since.map { try decisionDate($0, "--since") }, board: board, meeting: meeting,
                callIn: try callIn.period())
            let page = try archive.open().decisionsRegister(query, for: reader.user)
            if output.json { return try printJSON(page.decisions) }
            guard !page.decisions.isEmpty else {
                print(
                    "no decisions recorded\(query.since == nil && board == nil && meeting == nil ? "" : " that match")")
                return
            }
            var rows = [["MEETING", "ITEM", "REFERENCE", "DECISION", "PUBLISHED", "MAY BE IMPLEMENTED AFTER"]]
            for decision in page.decisions {
                rows.append([
                    decision.meeting, "\(decision.item) \(decision.itemTitle)", decision.reference ?? "",
                    decision.type.words + (decision.isExempt ? " (exempt)" : ""), decision.published.description,
                    decision.mayBeImplementedAfter.description,
                ])
            }
            print(table(rows))
            print("(call-in period: \(query.callIn))")
        }
    }

    struct Notice: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Write the decision notice for one item's decision (HTML or DOCX).",
            discussion: """
                The notice gives the board, the meeting's date, the item, the decision and its \
                resolution, the vote, the actions with their owners and due dates, the date the notice \
                was published and the date after which the decision may be implemented.
                """)
        @OptionGroup var archive: ArchiveOptions
        @Argument(help: "The meeting id, e.g. BVPB-2016-10-19.") var meeting: String
        @Argument(help: "The agenda item's number, or its submission's reference.") var item: String
        @Option(name: .long, help: "html or docx (default: from the output file's extension, else html).")
        var format: ReportFormat?
        @Option(name: .shortAndLong, help: "The file to write ('-' for standard output).") var output: String
        @OptionGroup var callIn: CallInOptions
        @OptionGroup var reader: Reader

        func run() throws {
            let chosen = format ?? (output.lowercased().hasSuffix(".docx") ? .docx : .html)
            let bytes = try archive.open().renderDecisionNotice(
                meeting: meeting, item: item, format: chosen, callIn: try callIn.period(), for: reader.user)
            if output == "-" {
                FileHandle.standardOutput.write(Data(bytes))
            } else {
                try writeOutput(bytes, to: output)
            }
        }
    }
}

/// A date option, refused with its name unless it is a real date `YYYY-MM-DD`.
func decisionDate(_ text: String, _ option: String) throws -> CalendarDate {
    let date = try parseDate(text, option)
    guard date.description == text else {
        throw ValidationError("\(option) must be a date YYYY-MM-DD, not '\(text)'")
    }
    return date
}
