import Archive
import ArgumentParser
import DocketKit
import Foundation
import Mail

/// Where mail goes out and what its links point at: flags, else the environment, else the
/// configuration file's `mail` section, else the defaults.
struct MailOptions: ParsableArguments {
    @Option(
        name: .long,
        help: ArgumentHelp(
            "The sender, e.g. docket@council.gov.uk \(Setting.mailFrom.helpSuffix).", valueName: "ADDRESS"))
    var from: String?
    @Option(
        name: .customLong("base-url"),
        help: ArgumentHelp("The web app's address, for links \(Setting.baseURL.helpSuffix).", valueName: "URL"))
    var baseURL: String?
    @Option(
        name: .long,
        help: ArgumentHelp("The MTA's sendmail program \(Setting.sendmail.helpSuffix).", valueName: "PATH"))
    var sendmail: String?
    @Option(
        name: .customLong("sendmail-arg"),
        help: ArgumentHelp("An argument for it, repeatable \(Setting.sendmailArguments.helpSuffix).", valueName: "ARG"))
    var sendmailArguments: [String] = []
    @Option(
        name: .customLong("digest-hour"),
        help: ArgumentHelp("The London hour from which daily digests go, 0–23 \(Setting.digestHour.helpSuffix)."))
    var digestHour: Int?

    /// The setup these options, the environment and the configuration file describe.
    func setup() throws -> MailSetup {
        let settings = Settings.current
        let hour = settings.defaultedNumber(.digestHour, flag: digestHour)
        guard (0...23).contains(hour) else {
            throw ValidationError("\(settings.origin(of: .digestHour, flagGiven: digestHour != nil)) must be 0 to 23")
        }
        let address = settings.defaultedText(.mailFrom, flag: from)
        guard EmailAddress.isValid(address) || address.hasSuffix("@localhost") else {
            throw ValidationError(
                "\(settings.origin(of: .mailFrom, flagGiven: from != nil)) '\(address)' is not an e-mail address")
        }
        return MailSetup(
            from: Mailbox(name: "Docket", address: address),
            baseURL: settings.defaultedText(.baseURL, flag: baseURL),
            transport: SendmailTransport(
                path: settings.defaultedText(.sendmail, flag: sendmail),
                arguments: settings.list(.sendmailArguments, flags: sendmailArguments)),
            digestHour: hour)
    }
}

/// `docket notify …`
struct NotifyCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "notify",
        abstract: "Send the reminders, escalations and action mail that are due (for cron or a timer).",
        subcommands: [Run.self, Contact.self],
        defaultSubcommand: Run.self)

    struct Run: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Decide what mail is due now, record it in the outbox, and hand it to the MTA.",
            discussion: """
                Each message is decided once (its Message-ID names what it is about) and recorded in \
                the archive's outbox before it is handed to the MTA; running this again, or twice at \
                once, sends nothing twice, and a run killed before the hand-over sends it next time. \
                A message the MTA refuses is tried again later (5 tries in all). Nothing is decided \
                or sent on a weekend or an England and Wales bank holiday. Run it every few minutes.
                """)
        @OptionGroup var archive: ArchiveOptions
        @OptionGroup var mail: MailOptions
        @Flag(name: .customLong("dry-run"), help: "Say what would be decided; write and send nothing.")
        var dryRun = false
        @Option(
            name: .long,
            help: ArgumentHelp(
                "Act as if it were this instant (ISO 8601, e.g. 2026-04-07T09:00:00Z).", valueName: "TIME"))
        var now: String?

        func run() throws {
            let instant: Date
            if let now {
                guard let parsed = try? Date.ISO8601FormatStyle().parse(now) else {
                    throw ValidationError("--now '\(now)' is not an ISO 8601 instant such as 2026-04-07T09:00:00Z")
                }
                instant = parsed
            } else {
                instant = Date()
            }
            let report = try archive.open().notify(at: instant, setup: try mail.setup(), dryRun: dryRun)
            if let quiet = report.quietReason { print(quiet) }
            for message in report.decided {
                print(
                    "\(dryRun ? "would decide" : "decided") \(message.kind.rawValue) to \(message.recipient): \(message.subject)"
                )
            }
            for id in report.handedOver { print("handed over <\(id)>") }
            for failure in report.failed {
                print(
                    "FAILED <\(failure.messageID)>: \(failure.reason)\(failure.willRetry ? " (will retry)" : " (gave up)")"
                )
            }
            if !report.failed.isEmpty { throw ExitCode(1) }
        }
    }

    struct Contact: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Name who receives escalations: for a series, or the governance lead for all others.")
        @OptionGroup var archive: ArchiveOptions
        @Option(name: .long, help: "The series (default: the governance lead).") var series: String?
        @Argument(help: "The Docket user (omit with --remove).") var user: String?
        @Flag(name: .long, help: "Remove the contact.") var remove = false

        func validate() throws {
            if remove == (user != nil) { throw ValidationError("give a user, or --remove") }
        }

        func run() throws {
            try archive.open().setEscalationContact(series: series, user: remove ? nil : user)
            let whose = series.map { "series \($0)" } ?? "the governance lead"
            print(user.map { "escalations for \(whose) go to \($0)" } ?? "no escalation contact for \(whose)")
        }
    }
}

/// `docket outbox`: what was decided, handed over, failed.
struct OutboxCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "outbox", abstract: "List the messages Docket decided to send and what became of them.")
    @OptionGroup var archive: ArchiveOptions
    @OptionGroup var output: OutputFormat
    @Flag(name: .long, help: "Only messages not handed over (failed or waiting).") var failed = false

    struct Row: Encodable {
        var day: String
        var messageID: String
        var kind: String
        var about: String?
        var recipient: String
        var address: String
        var subject: String
        var status: String
        var attempts: Int
        var lastFailure: String?
    }

    func run() throws {
        let rows = try archive.open().outboxMessages().filter { !failed || $0.handedOverAt == nil }.map { message in
            Row(
                day: message.day, messageID: message.decided.messageID, kind: message.decided.kind.rawValue,
                about: message.decided.about, recipient: message.decided.recipient, address: message.decided.address,
                subject: message.decided.subject,
                status: message.handedOverAt != nil ? "handed-over" : message.gaveUp ? "gave-up" : "pending",
                attempts: message.attempts, lastFailure: message.lastFailure)
        }
        if output.json { return try printJSON(rows) }
        var lines = [["DAY", "STATUS", "KIND", "TO", "SUBJECT"]]
        for row in rows { lines.append([row.day, row.status, row.kind, row.recipient, row.subject]) }
        print(rows.isEmpty ? "(no messages)" : table(lines))
    }
}
