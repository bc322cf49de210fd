import Archive
import ArgumentParser
import DocketKit
import Foundation
import Workflow

/// `docket retention …`: the retention schedule, what is due, disposal lists and their
/// certificates.
struct RetentionCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "retention",
        abstract: "Retention: the schedule, records due, disposal lists (propose, approve, dispose) and reports.",
        discussion: """
            A records manager proposes a disposal list from the records whose period has run out; \
            a second person — an officer or administrator, never the proposer — approves it, \
            naming the service they answer for; then the records manager disposes of it. \
            Destruction removes each document's content and its words from the search index, keeps \
            its metadata and history, records an event in each submission's chain and writes a \
            certificate. A record under a hold (docket hold) is never destroyed or transferred: \
            exit status 1 with the hold's reason. Exit status 3 when someone else changed the \
            retention log first (look again, retry).
            """,
        subcommands: [
            Schedule.self, Import.self, Due.self, Keep.self, Lists.self, Propose.self, Approve.self, Cancel.self,
            Dispose.self,
            Report.self, Certificate.self,
        ])

    struct Schedule: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Show the retention schedule: classes, rules, sources.")
        @OptionGroup var archive: ArchiveOptions

        func run() throws {
            let schedule = try archive.open().retentionSchedule()
            print(schedule.title)
            var rows = [["CLASS", "TRIGGER", "PERIOD", "ACTION", "DESCRIPTION"]]
            for entry in schedule.classes {
                rows.append([
                    entry.id, entry.trigger.rawValue, entry.period?.description ?? "-", entry.action.rawValue,
                    entry.description,
                ])
            }
            print(table(rows))
            print("\nRules (the one naming most of series, workflow and kind wins)")
            for rule in schedule.rules {
                let what = [
                    rule.series.map { "series \($0)" }, rule.workflow.map { "workflow \($0)" },
                    rule.kind.map { "kind \($0.rawValue)" },
                ].compactMap { $0 }.joined(separator: ", ")
                print("  \(what) → \(rule.retentionClass)")
            }
            print("\nSources")
            for source in schedule.sources {
                print("  [\(source.id)] \(source.citation)" + (source.href.map { " <\($0)>" } ?? ""))
            }
        }
    }

    struct Import: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Replace the retention schedule with one read from a CSV file (records manager or admin).",
            discussion: """
                Columns by header: id, description, trigger (submission-closed, meeting-date, \
                document-date), period (e.g. P6Y), action (destroy, review, transfer, \
                keep-permanently), authority, and optionally source, series, workflow, kinds \
                (document kinds separated by ';'). A row whose trigger is 'source' names a work cited: \
                id, citation in description, link in authority. Nothing is written unless the whole \
                file is valid.
                """)
        @OptionGroup var archive: ArchiveOptions
        @Argument(help: "The CSV file.") var file: String
        @Option(name: .long, help: "The schedule's title (default: the file's name).") var title: String?
        @OptionGroup var actor: ActingUser

        func run() throws {
            guard let data = FileManager.default.contents(atPath: file) else {
                throw ValidationError("cannot read \(file)")
            }
            let name = URL(fileURLWithPath: file).deletingPathExtension().lastPathComponent
            let schedule = try archive.open().importRetentionSchedule(
                csv: String(decoding: data, as: UTF8.self), title: title ?? name, as: actor.user)
            print("imported \(schedule.classes.count) classes and \(schedule.rules.count) rules")
        }
    }

    struct Due: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "List the records whose retention period has run out, by class and action.")
        @OptionGroup var archive: ArchiveOptions
        @OptionGroup var output: OutputFormat
        @OptionGroup var actor: ActingUser

        func run() throws {
            let review = try archive.open().retentionReview(as: actor.user)
            if output.json {
                try printJSON(review.due.map(RetentionDueJSON.init))
                return
            }
            print("Due for disposal on \(review.asOf) under “\(review.scheduleTitle ?? "")”")
            guard !review.due.isEmpty else {
                print("nothing is due")
                return
            }
            var rows = [["DUE", "CLASS", "ACTION", "SUBMISSION", "KIND", "DOCUMENT", "STATUS"]]
            for record in review.due {
                let status =
                    record.hold.map { "HELD \($0.id): \($0.reason)" } ?? record.list.map { "on list \($0)" } ?? "due"
                rows.append([
                    record.due.description, record.retentionClass.id, record.retentionClass.action.rawValue,
                    record.submission, record.kind.rawValue, record.title, status,
                ])
            }
            print(table(rows))
            if review.unclassified > 0 {
                print("\n\(review.unclassified) records no rule of the schedule covers are kept.")
            }
        }
    }

    struct Keep: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Record a review's decision to keep due records until a later day (records manager).",
            discussion: "Without --class, the records due for review; they are not due again before --until.")
        @OptionGroup var archive: ArchiveOptions
        @OptionGroup var selection: RecordSelection
        @Option(name: .long, help: ArgumentHelp("Kept until this day.", valueName: "YYYY-MM-DD")) var until: String
        @Option(name: .long, help: "Why they are kept.") var reason: String
        @OptionGroup var actor: ActingUser

        func run() throws {
            guard let day = CalendarDate(iso: until) else {
                throw ValidationError("--until must be a date, YYYY-MM-DD")
            }
            let count = try archive.open().keepRecords(
                classes: selection.classes, submissions: selection.submissions, until: day, reason: reason,
                as: actor.user)
            print("kept \(count) records until \(day)")
        }
    }

    struct Lists: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "lists", abstract: "List the disposal lists and where each stands.")
        @OptionGroup var archive: ArchiveOptions
        @OptionGroup var output: OutputFormat
        @OptionGroup var actor: ActingUser

        func run() throws {
            let lists = try archive.open().retentionLedger(as: actor.user).lists
            if output.json {
                try printJSON(lists.map(ListJSON.init))
                return
            }
            guard !lists.isEmpty else {
                print("no disposal lists")
                return
            }
            var rows = [["LIST", "ACTION", "STATUS", "RECORDS", "PROPOSED BY", "APPROVED BY"]]
            for list in lists {
                rows.append([
                    list.id, list.action.rawValue, list.status.rawValue, String(list.records.count),
                    list.proposedBy.user,
                    list.approvedBy.map { "\($0.user) (\(list.approvedForService ?? ""))" } ?? "-",
                ])
            }
            print(table(rows))
        }
    }

    struct Propose: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Propose a disposal list of due records (records manager).",
            discussion: """
                Takes every due record whose class says the action (or review), not on hold and not \
                on an open list; --class and --submission narrow it. A submission named that is on \
                hold is refused with the hold's reason.
                """)
        @OptionGroup var archive: ArchiveOptions
        @Option(name: .long, help: "destroy or transfer.") var action: DisposalActionArgument = .destroy
        @OptionGroup var selection: RecordSelection
        @Option(name: .long, help: "A note for the approver.") var comment: String?
        @OptionGroup var actor: ActingUser

        func run() throws {
            let list = try archive.open().proposeDisposal(
                action.value, classes: selection.classes, submissions: selection.submissions, comment: comment,
                as: actor.user)
            print(
                "proposed \(list.id): \(list.action.rawValue) \(list.records.count) records of "
                    + "\(list.submissions.joined(separator: ", ")); it needs a second person's approval")
        }
    }

    struct Approve: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Approve a proposed disposal list (an officer or administrator, never its proposer).")
        @OptionGroup var archive: ArchiveOptions
        @Argument(help: "The list, e.g. DL-2026-001.") var list: String
        @Option(name: .long, help: "The service you answer for.") var service: String
        @Option(name: .long, help: "A note.") var comment: String?
        @OptionGroup var actor: ActingUser

        func run() throws {
            try archive.open().approveDisposal(list, service: service, comment: comment, as: actor.user)
            print("approved \(list)")
        }
    }

    struct Cancel: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Cancel a disposal list not yet carried out, saying why.")
        @OptionGroup var archive: ArchiveOptions
        @Argument(help: "The list.") var list: String
        @Option(name: .long, help: "Why.") var reason: String
        @OptionGroup var actor: ActingUser

        func run() throws {
            try archive.open().cancelDisposal(list, reason: reason, as: actor.user)
            print("cancelled \(list)")
        }
    }

    struct Dispose: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Carry out an approved disposal list (records manager): destroy, or transfer as BagIt bags.",
            discussion: """
                Safe to run again after an interruption: it finishes what was started and never \
                destroys a record twice. A transfer writes one bag per submission into DIR/LIST/REF \
                and needs --to and --record-office.
                """)
        @OptionGroup var archive: ArchiveOptions
        @Argument(help: "The list.") var list: String
        @Option(name: .long, help: ArgumentHelp("For a transfer: where the bags go.", valueName: "DIR")) var to: String?
        @Option(name: .customLong("record-office"), help: "For a transfer: the record office's name.")
        var recordOffice: String?
        @Option(name: .long, help: "For a transfer: the record office's accession reference, if it gave one.")
        var accession: String?
        @Option(
            name: .customLong("purge-copies-by"),
            help: ArgumentHelp("The day by which backups and other copies are to be purged.", valueName: "YYYY-MM-DD"))
        var purgeCopiesBy: String?
        @OptionGroup var actor: ActingUser

        func validate() throws {
            if (to == nil) != (recordOffice == nil) {
                throw ValidationError("a transfer needs both --to DIR and --record-office NAME")
            }
            if let purgeCopiesBy, CalendarDate(iso: purgeCopiesBy) == nil {
                throw ValidationError("--purge-copies-by must be a date, YYYY-MM-DD")
            }
        }

        func run() throws {
            let display = ProgressDisplay()
            let transfer = to.map {
                DocketArchive.TransferDestination(directory: $0, office: recordOffice ?? "", accession: accession)
            }
            let certificate = try archive.open().carryOutDisposal(
                list, transfer: transfer, purgeCopiesBy: purgeCopiesBy.flatMap(CalendarDate.init(iso:)), as: actor.user
            ) { done, total in display.update("disposing", done, total) }
            display.finish()
            let verb = certificate.action == .destroy ? "destroyed" : "transferred"
            print(
                "\(verb) \(certificate.records.count) records under \(list); certificate: "
                    + "retention/certificates/\(list).xml")
        }
    }

    struct Report: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "List every record destroyed (hashes and archive paths), to purge backups and copies.",
            discussion: """
                Destruction in the archive cannot reach copies elsewhere: purge each path listed \
                from backups, or restore them only with Docket, which honours disposal events.
                """)
        @OptionGroup var archive: ArchiveOptions
        @OptionGroup var output: OutputFormat
        @OptionGroup var actor: ActingUser

        func run() throws {
            let destroyed = try archive.open().destructionReport(as: actor.user)
            if output.json {
                try printJSON(destroyed.map(DestroyedJSON.init))
                return
            }
            guard !destroyed.isEmpty else {
                print("nothing has been destroyed")
                return
            }
            var rows = [["LIST", "DESTROYED", "SHA-256", "PATH"]]
            for line in destroyed {
                rows.append([
                    line.list, ISO8601DateFormatter().string(from: line.carriedOut), line.record.sha256,
                    line.record.path,
                ])
            }
            print(table(rows))
        }
    }

    struct Certificate: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Show a list's certificate.")
        @OptionGroup var archive: ArchiveOptions
        @Argument(help: "The list.") var list: String
        @OptionGroup var actor: ActingUser

        func run() throws {
            let certificate = try archive.open().disposalCertificate(list, as: actor.user)
            print("\(certificate.list): \(certificate.action.rawValue)")
            print("  proposed by \(certificate.proposed.actor.user) at \(certificate.proposed.at)")
            print(
                "  approved by \(certificate.approved.actor.user) for \(certificate.approvedForService) at "
                    + "\(certificate.approved.at)")
            print("  carried out by \(certificate.carriedOut.actor.user) at \(certificate.carriedOut.at)")
            for record in certificate.records {
                print(
                    "  \(record.submission) \(record.sha256) \(record.kind.rawValue) “\(record.title)” [\(record.retentionClass)]"
                )
            }
        }
    }
}

/// `--class CLASS… --submission REF…`: which due records a step takes.
struct RecordSelection: ParsableArguments {
    @Option(name: .customLong("class"), help: ArgumentHelp("Only this class (repeatable).", valueName: "CLASS"))
    var classes: [String] = []
    @Option(
        name: .customLong("submission"), help: ArgumentHelp("Only this submission (repeatable).", valueName: "REF"))
    var submissions: [String] = []
}

/// `--action destroy|transfer`.
enum DisposalActionArgument: String, ExpressibleByArgument, CaseIterable {
    case destroy, transfer
    var value: DisposalAction { self == .destroy ? .destroy : .transfer }
}

/// `docket hold add|release|list`: legal holds.
struct HoldCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "hold",
        abstract: "Legal holds: records that may be neither destroyed nor transferred (an inquiry, litigation, FOI).",
        subcommands: [Add.self, Release.self, List.self])

    struct Add: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Place a hold on submissions (records manager or administrator).")
        @OptionGroup var archive: ArchiveOptions
        @Option(name: .long, help: "Why the records are held.") var reason: String
        @Option(name: .customLong("case"), help: "The matter's own reference (the FOI request, the claim).")
        var caseReference: String?
        @Argument(help: "The submissions held.") var references: [String]
        @OptionGroup var actor: ActingUser

        func run() throws {
            let hold = try archive.open().placeHold(
                reason: reason, on: references, caseReference: caseReference, as: actor.user)
            print("placed \(hold.id) on \(hold.submissions.joined(separator: ", "))")
        }
    }

    struct Release: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Release a hold, saying why.")
        @OptionGroup var archive: ArchiveOptions
        @Argument(help: "The hold, e.g. H-001.") var hold: String
        @Option(name: .long, help: "Why it is released.") var reason: String
        @OptionGroup var actor: ActingUser

        func run() throws {
            try archive.open().releaseHold(hold, reason: reason, as: actor.user)
            print("released \(hold)")
        }
    }

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List the holds, in force and released.")
        @OptionGroup var archive: ArchiveOptions
        @OptionGroup var actor: ActingUser

        func run() throws {
            let holds = try archive.open().retentionLedger(as: actor.user).holds
            guard !holds.isEmpty else {
                print("no holds")
                return
            }
            for hold in holds {
                let state = hold.isInForce ? "in force" : "released by \(hold.releasedBy ?? "")"
                print(
                    "\(hold.id) (\(state)) \(hold.submissions.joined(separator: ", ")): \(hold.reason)"
                        + (hold.caseReference.map { " [\($0)]" } ?? ""))
            }
        }
    }
}

struct RetentionDueJSON: Encodable {
    var submission: String
    var sha256: String
    var title: String
    var kind: String
    var retentionClass: String
    var action: String
    var trigger: String
    var triggerDate: String
    var due: String
    var hold: String?
    var holdReason: String?
    var list: String?

    init(_ record: RetentionRecord) {
        submission = record.submission
        sha256 = record.sha256
        title = record.title
        kind = record.kind.rawValue
        retentionClass = record.retentionClass.id
        action = record.retentionClass.action.rawValue
        trigger = record.retentionClass.trigger.rawValue
        triggerDate = record.triggerDate.description
        due = record.due.description
        hold = record.hold?.id
        holdReason = record.hold?.reason
        list = record.list
    }
}

struct ListJSON: Encodable {
    var id: String
    var action: String
    var status: String
    var proposedBy: String
    var approvedBy: String?
    var service: String?
    var records: [String]

    init(_ list: RetentionLedger.DisposalList) {
        id = list.id
        action = list.action.rawValue
        status = list.status.rawValue
        proposedBy = list.proposedBy.user
        approvedBy = list.approvedBy?.user
        service = list.approvedForService
        records = list.records.map { "\($0.submission)/\($0.sha256)" }
    }
}

struct DestroyedJSON: Encodable {
    var list: String
    var destroyedAt: Date
    var submission: String
    var sha256: String
    var path: String
    var size: Int
    var retentionClass: String

    init(_ line: DestroyedRecord) {
        list = line.list
        destroyedAt = line.carriedOut
        submission = line.record.submission
        sha256 = line.record.sha256
        path = line.record.path
        size = line.record.size
        retentionClass = line.record.retentionClass
    }
}
