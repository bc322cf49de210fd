import Archive
import ArgumentParser
import DocketKit
import Foundation
import Index

/// `docket mail`: email that arrives — delivered by the MTA, imported, filed, threaded.
struct MailCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "mail",
        abstract: "Receive email into the archive, exactly as it came, and file it to submissions.",
        discussion: """
            Every message is archived byte for byte before anything is read from it \
            (correspondence/messages/SHA256/message.eml), with its headers as XML beside it and each \
            attachment as its own file. A message is filed to a submission by the submission named with \
            --submission, a plus address (docket+BVP-2016-03@…), the reference in its subject, or a reply \
            to a message filed there or sent by Docket about it; otherwise it waits in the unfiled tray \
            ('docket mail unfiled', and the web app's Unfiled correspondence page). Filed mail is recorded \
            in the submission's history, outside its pack.
            """,
        subcommands: [
            Deliver.self, Import.self, List.self, Unfiled.self, File.self, Thread.self, Respond.self,
        ])

    /// `docket mail deliver`
    struct Deliver: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Archive one message read on standard input (for an MTA's pipe or procmail).",
            discussion: """
                Exit status, as an MTA reads it: 0 archived (or a duplicate of a message already \
                archived: nothing twice); 75 (EX_TEMPFAIL) a temporary failure — another delivery held \
                the archive's lock for a minute, the disk is full, the archive could not be opened — so \
                the MTA keeps the message and tries again; 65 (EX_DATAERR) refused for good: empty, or \
                larger than the archive's document limit. A message is never half archived: one \
                interrupted at any moment is completed by the MTA's next try.

                Postfix (master.cf):
                  docket unix - n n - - pipe
                    flags=q user=docket argv=/usr/local/bin/docket mail deliver --archive /srv/docket/archive --recipient ${original_recipient}
                """)

        @OptionGroup var archive: ArchiveOptions
        @Option(name: .long, help: ArgumentHelp("File it to this submission.", valueName: "REF"))
        var submission: String?
        @Option(
            name: .long,
            help: ArgumentHelp(
                "The envelope recipient, as the MTA knows it (a plus address there files the message).",
                valueName: "ADDRESS"))
        var recipient: [String] = []
        @Option(
            name: .long,
            help: ArgumentHelp(
                "Wait at most this long for another delivery to finish, then exit 75.", valueName: "SECONDS"))
        var wait = 60

        func run() throws {
            // Read all of standard input first: the MTA's data must be taken whole or not at all.
            let limit = DocketArchive.maximumDocumentSize + 1
            var bytes: [UInt8] = []
            var buffer = [UInt8](repeating: 0, count: 1 << 16)
            while bytes.count < limit {
                let count = buffer.withUnsafeMutableBytes { read(STDIN_FILENO, $0.baseAddress, $0.count) }
                if count < 0 {
                    if errno == EINTR { continue }
                    Self.fail("reading standard input failed: \(String(cString: strerror(errno)))", status: 75)
                }
                if count == 0 { break }
                bytes += buffer[0..<count]
            }
            do {
                let archive = try archive.open()
                let arrival = try archive.receiveMessage(
                    bytes, route: .deliver, submission: submission, envelopeRecipients: recipient,
                    lockTimeout: .seconds(max(0, wait)))
                print(MailText.arrivalLine(arrival))
            } catch let failure as DocketError {
                if case .invalidInput = failure { Self.fail("\(failure)", status: 65) }
                Self.fail("\(failure) (the MTA will try again)", status: 75)
            } catch {
                Self.fail("\(error) (the MTA will try again)", status: 75)
            }
        }

        static func fail(_ message: String, status: Int32) -> Never {
            var standardError = StandardError()
            print("docket: \(message)", to: &standardError)
            Foundation.exit(status)
        }
    }

    /// `docket mail import`
    struct Import: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Archive the messages of .eml files, mbox files and Maildir folders; safe to run again.",
            discussion: """
                Each PATH is a Maildir folder (a directory with cur/, new/ and tmp/: the messages in new/ \
                and cur/), an mbox (a file starting with a 'From ' line; '>From ' quoting is undone as \
                mboxrd defines) or one message. Every message is archived exactly as it is in its source \
                and filed by the usual rules; one already archived (the same bytes) is counted as a \
                duplicate and not archived twice, so an interrupted import is resumed by running the same \
                command again. Progress goes to standard error; exit status 1 if any message was refused \
                (over the archive's document limit), each listed with where it is.
                """)

        @OptionGroup var archive: ArchiveOptions
        @Option(name: .long, help: ArgumentHelp("File every message to this submission.", valueName: "REF"))
        var submission: String?
        @Argument(help: ArgumentHelp("Maildir folders, mbox files or .eml files.", valueName: "PATH"))
        var paths: [String]

        func run() throws {
            let archive = try archive.open()
            let sources = try paths.map { try MailSource.detect($0) }
            let progress = ProgressDisplay()
            let report = try archive.importMail(from: sources, submission: submission) { what, done, total in
                progress.update(what, done, total)
            }
            progress.finish()
            print(
                "\(report.archived) archived, \(report.duplicates) already archived, \(report.filed) filed to "
                    + "submissions, \(report.flagged) flagged, \(report.refused.count) refused")
            guard report.refused.isEmpty else {
                var standardError = StandardError()
                for refusal in report.refused {
                    print("refused: \(refusal.source): \(refusal.reason)", to: &standardError)
                }
                throw ExitCode.problemsFound
            }
        }
    }

    /// `docket mail list`
    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "List the messages that arrived, newest first, with where each is filed.")

        @OptionGroup var archive: ArchiveOptions
        @Option(name: .long, help: "At most this many.") var limit = 200
        @OptionGroup var output: OutputFormat

        func run() throws {
            let archive = try archive.open()
            let messages = try archive.arrivedMessages(limit: limit)
            if output.json { return try printJSON(messages.map(MailText.Row.init)) }
            print(MailText.messageTable(messages))
        }
    }

    /// `docket mail unfiled`
    struct Unfiled: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "List the messages filed to no submission yet, oldest first.")

        @OptionGroup var archive: ArchiveOptions
        @OptionGroup var actor: ActingUser
        @OptionGroup var output: OutputFormat

        func run() throws {
            let messages = try archive.open().unfiledMessages(for: actor.user)
            if output.json { return try printJSON(messages.map(MailText.Row.init)) }
            print(messages.isEmpty ? "No unfiled correspondence." : MailText.messageTable(messages))
        }
    }

    /// `docket mail file`
    struct File: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "File an unfiled message (and its attachments) to a submission, outside its pack.")

        @OptionGroup var archive: ArchiveOptions
        @OptionGroup var actor: ActingUser
        @Argument(
            help: ArgumentHelp("The message: its SHA-256 (or 8+ characters of it) or Message-ID.", valueName: "ID"))
        var message: String
        @Option(name: .customLong("to"), help: ArgumentHelp("The submission.", valueName: "REF"))
        var reference: String

        func run() throws {
            let archive = try archive.open()
            let found = try archive.arrivedMessage(message, for: actor.user)
            if try archive.fileMessage(found.card.sha256, to: reference, as: actor.user) == nil {
                print("\(found.card.sha256.prefix(12)) was already filed to \(reference).")
            } else {
                print("Filed “\(found.card.subject ?? "(no subject)")” to \(reference), outside its pack.")
            }
        }
    }

    /// `docket mail thread`
    struct Thread: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Show a message with its replies, and replies to those.",
            discussion: "('docket search --thread REF' shows the whole history of a submission.)")

        @OptionGroup var archive: ArchiveOptions
        @OptionGroup var actor: ActingUser
        @Argument(
            help: ArgumentHelp("The message: its SHA-256 (or 8+ characters of it) or Message-ID.", valueName: "ID"))
        var message: String
        @OptionGroup var output: OutputFormat

        struct Row: Encodable {
            var sha256: String
            var depth: Int
            var messageID: String?
            var subject: String?
            var from: String?
            var sent: Date?
            var filedTo: String?
        }

        func run() throws {
            let thread = try archive.open().messageThread(message, for: actor.user)
            if output.json {
                return try printJSON(
                    thread.map {
                        Row(
                            sha256: $0.card.sha256, depth: $0.depth, messageID: $0.card.messageID,
                            subject: $0.card.subject, from: $0.card.from.first, sent: $0.card.sent, filedTo: $0.filedTo)
                    })
            }
            for item in thread {
                let indent = String(repeating: "  ", count: item.depth)
                let when = item.card.sent.map(Wording.londonTime) ?? "(undated)"
                print(
                    "\(indent)\(item.card.sha256.prefix(12))  \(when)  \(item.card.from.first ?? "(no sender)")  "
                        + "“\(item.card.subject ?? "(no subject)")”  \(item.filedTo.map { "filed to \($0)" } ?? "unfiled")"
                )
            }
        }
    }

    /// `docket mail respond`
    struct Respond: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Record the Commissioners' response from a filed message's attachment.",
            discussion: """
                The attachment joins the pack as the response and the workflow's response event is \
                fired with the message's date as the date received. Only in a state that waits for a \
                response (e.g. dispatched).
                """)

        @OptionGroup var archive: ArchiveOptions
        @OptionGroup var actor: ActingUser
        @Argument(help: ArgumentHelp("The submission.", valueName: "REF")) var reference: String
        @Option(
            name: .long,
            help: ArgumentHelp("The message (SHA-256, 8+ characters of it, or Message-ID).", valueName: "ID"))
        var message: String
        @Option(
            name: .long,
            help: ArgumentHelp(
                "The attachment's SHA-256 or file name (default: the message's only PDF).", valueName: "FILE"))
        var attachment: String?
        @OptionGroup var expected: ExpectedSequence

        func run() throws {
            let archive = try archive.open()
            let found = try archive.arrivedMessage(message, for: actor.user)
            let candidates = found.card.attachments.filter { attachment in
                self.attachment.map { $0 == attachment.sha256 || $0 == attachment.fileName }
                    ?? (attachment.mediaType == "application/pdf")
            }
            guard candidates.count == 1, let chosen = candidates.first else {
                let names = found.card.attachments.map(\.fileName).joined(separator: ", ")
                throw ValidationError(
                    candidates.isEmpty
                        ? "no attachment matches (the message has: \(names.isEmpty ? "none" : names))"
                        : "several attachments match (\(names)): name one with --attachment")
            }
            let fired = try archive.recordResponse(
                fromMessage: found.card.sha256, attachment: chosen.sha256, in: reference, as: actor.user,
                expectedSequence: expected.expectedSequence)
            print("Recorded “\(chosen.fileName)” as the response; \(reference) is now \(fired.state).")
        }
    }
}

/// What the mail commands print.
enum MailText {
    /// One message as `--json` prints it (stable keys).
    struct Row: Encodable {
        var sha256: String
        var arrival: Int
        var messageID: String?
        var subject: String?
        var from: String?
        var sent: Date?
        var received: Date
        var route: String
        var flags: [String]
        var attachments: Int
        var filedTo: String?

        init(_ message: IndexedMessage) {
            sha256 = message.sha256
            arrival = message.arrival
            messageID = message.messageID
            subject = message.subject
            from = message.sender
            sent = message.sent
            received = message.received
            route = message.route
            flags = message.flags
            attachments = message.attachments
            filedTo = message.filedTo
        }
    }

    static func messageTable(_ messages: [IndexedMessage]) -> String {
        var lines = [["MESSAGE", "RECEIVED", "FROM", "SUBJECT", "FILED TO", "FLAGS"]]
        for message in messages {
            lines.append([
                String(message.sha256.prefix(12)), Wording.londonTime(message.received), message.sender ?? "-",
                message.subject ?? "(no subject)", message.filedTo ?? "unfiled", message.flags.joined(separator: ","),
            ])
        }
        return table(lines)
    }

    static func arrivalLine(_ arrival: MessageArrival) -> String {
        let what = arrival.isDuplicate ? "duplicate of" : "archived"
        let filed = arrival.filedTo.map { "filed to \($0)" } ?? "unfiled"
        let flags = arrival.record.flags.map(\.kind.rawValue)
        return "\(what) \(arrival.sha256) (\(filed))"
            + (flags.isEmpty ? "" : " flagged: " + flags.joined(separator: ", "))
    }

}
