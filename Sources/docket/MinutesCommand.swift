import ArgumentParser
import DocketKit
import Foundation

/// `docket minutes draft|show|circulate|approve|sign|return`: a meeting's minutes through
/// their workflow (`workflows/board-minutes.scxml`), named by the meeting they record.
struct MinutesCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "minutes",
        abstract: "Draft a meeting's minutes and take them to the chair's signature.",
        discussion: """
            The minutes of meeting ID are the submission MIN-ID, drafted from what was recorded at \
            the meeting (docket meeting attend|declare|decide): the public minutes, and a \
            confidential part for exempt items' decisions, each in HTML and DOCX. Circulating them \
            binds their pack; approval at a later meeting and the chair's signature each refuse a \
            changed pack and record every document's SHA-256. `docket submission show MIN-ID` \
            shows their history. Exit status 3 when someone else acted first (--expect-seq).
            """,
        subcommands: [Draft.self, Show.self, Circulate.self, Approve.self, Sign.self, Return.self])

    struct Draft: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Draft (or redraft) the minutes of a meeting held; prints their reference.",
            discussion: "A redraft replaces each document whose text changed; the old one stays archived.")
        @OptionGroup var archive: ArchiveOptions
        @Argument(help: "The meeting id.") var id: String
        @OptionGroup var actor: ActingUser

        func run() throws {
            let (reference, added) = try archive.open().draftMinutes(id, as: actor.user)
            print(reference)
            var standardError = StandardError()
            print(added == 0 ? "the minutes are unchanged" : "\(added) document(s) archived", to: &standardError)
        }
    }

    struct Show: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Where a meeting's minutes stand.")
        @OptionGroup var archive: ArchiveOptions
        @Argument(help: "The meeting id.") var id: String

        func run() throws {
            let docket = try archive.open()
            guard let status = try docket.minutesStatus(of: id) else {
                throw ValidationError("the minutes of \(id) are not drafted yet (docket minutes draft \(id))")
            }
            for line in MinutesCommand.lines(status) { print(line) }
            for document in status.documents {
                print("  \(document.sha256.prefix(12))  \(document.protectiveMarking)  \(document.title)")
            }
        }
    }

    /// The status lines `minutes show` and `meeting show` print.
    static func lines(_ status: MinutesStatus) -> [String] {
        ["minutes: \(status.reference), \(status.stateLabel.lowercased())"] + approvalLines(status)
    }

    /// Where and when they were approved and signed, once they were.
    static func approvalLines(_ status: MinutesStatus) -> [String] {
        var lines: [String] = []
        if let approvedAt = status.approvedAt { lines.append("approved at: \(approvedAt)") }
        if let signedBy = status.signedBy, let signed = status.signed {
            lines.append("signed by: \(signedBy), \(Wording.londonTime(signed))")
        }
        return lines
    }

    /// What every step after drafting takes: the meeting, the acting user, and the minutes'
    /// last event as the user saw it.
    struct Step: ParsableArguments {
        @OptionGroup var archive: ArchiveOptions
        @Argument(help: "The meeting the minutes record.") var id: String
        @Option(name: .customLong("expect-seq"), help: "Refuse unless the minutes' last event has this number.")
        var expectSeq: Int?
        @OptionGroup var actor: ActingUser
    }

    struct Circulate: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Circulate the draft minutes to members.")
        @OptionGroup var step: Step

        func run() throws {
            let fired = try step.archive.open().circulateMinutes(
                of: step.id, as: step.actor.user, expectedSequence: step.expectSeq)
            print(fired.state)
        }
    }

    struct Approve: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Record that a later meeting approved the minutes as a correct record.")
        @OptionGroup var step: Step
        @Option(name: .long, help: "The later meeting that approved them (its id).") var at: String

        func run() throws {
            let fired = try step.archive.open().approveMinutes(
                of: step.id, at: at, as: step.actor.user, expectedSequence: step.expectSeq)
            print(fired.state)
        }
    }

    struct Sign: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Sign the approved minutes (the chair): binds the SHA-256 of every document.")
        @OptionGroup var step: Step

        func run() throws {
            let fired = try step.archive.open().signMinutes(
                of: step.id, as: step.actor.user, expectedSequence: step.expectSeq)
            print(fired.state)
        }
    }

    struct Return: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "return", abstract: "Send the minutes back to draft for correction.")
        @OptionGroup var step: Step
        @Option(name: .long, help: "What must be corrected.") var comment: String

        func run() throws {
            let fired = try step.archive.open().returnMinutes(
                of: step.id, comment: comment, as: step.actor.user, expectedSequence: step.expectSeq)
            print(fired.state)
        }
    }
}
