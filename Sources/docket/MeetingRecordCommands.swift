import Archive
import ArgumentParser
import DocketKit
import Foundation

/// `docket meeting attend|declare|decide`: what the clerk records at the meeting.
extension MeetingCommand {
    /// `NAME` or `NAME|USER` (the person's Docket user name).
    static func person(_ text: String) -> MeetingPerson {
        MeetingPerson(line: text)
    }

    struct Attend: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Record who attended a meeting (recording again replaces it).",
            discussion: "Each NAME is as the minutes give it; add |USER for a person who is a Docket user.")
        @OptionGroup var archive: ArchiveOptions
        @Argument(help: "The meeting id.") var id: String
        @Option(name: .long, parsing: .upToNextOption, help: "Members present.") var present: [String] = []
        @Option(name: .long, parsing: .upToNextOption, help: "Members who sent apologies.")
        var apologies: [String] = []
        @Option(name: .long, parsing: .upToNextOption, help: "Officers in attendance.") var officer: [String] = []
        @Option(name: .customLong("expect-seq"), help: "Refuse unless the meeting's log still ends at this entry.")
        var expectSeq: Int?
        @OptionGroup var actor: ActingUser

        func run() throws {
            try archive.open().recordAttendance(
                MeetingAttendance(
                    present: present.map(MeetingCommand.person), apologies: apologies.map(MeetingCommand.person),
                    officers: officer.map(MeetingCommand.person)),
                at: id, as: actor.user, expectedLogSequence: expectSeq)
        }
    }

    struct Declare: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Record a member's declaration of interest in an agenda item.")
        @OptionGroup var archive: ArchiveOptions
        @Argument(help: "The meeting id.") var id: String
        @Option(name: .long, help: "The member (NAME, or NAME|USER).") var member: String
        @Option(name: .long, help: "The item's number or its submission's reference.") var item: String?
        @Option(name: .long, help: "The interest declared.") var interest: String
        @Option(name: .customLong("expect-seq"), help: "Refuse unless the meeting's log still ends at this entry.")
        var expectSeq: Int?
        @OptionGroup var actor: ActingUser

        func run() throws {
            try archive.open().recordDeclaration(
                member: MeetingCommand.person(member), item: item, interest: interest, at: id, as: actor.user,
                expectedLogSequence: expectSeq)
        }
    }

    struct Decide: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Record the Board's decision on an item of the published agenda.",
            discussion: """
                On a submission's item this also fires the submission's workflow: record-outcome \
                with the decision's words as its outcome, or defer for --type deferred. Exit status \
                3 when the meeting's log has changed since --expect-seq (someone else recorded first).
                """)
        @OptionGroup var archive: ArchiveOptions
        @Argument(help: "The meeting id.") var id: String
        @Option(name: .long, help: "The item's number or its submission's reference.") var item: String
        @Option(
            name: .long,
            help: "noted, agreed, agreed-as-amended, deferred or refused.")
        var type: String
        @Option(name: .long, help: "The resolution as minuted (may run over several lines).") var resolution: String
        @Option(name: .customLong("for"), help: "Votes for.") var inFavour: Int?
        @Option(name: .long, help: "Votes against.") var against: Int?
        @Option(name: .long, help: "Abstentions.") var abstain: Int?
        @Option(name: .long, help: "An action: \"TEXT|OWNER|YYYY-MM-DD\" (OWNER a Docket user); repeat for more.")
        var action: [String] = []
        @Option(name: .customLong("expect-seq"), help: "Refuse unless the meeting's log still ends at this entry.")
        var expectSeq: Int?
        @OptionGroup var actor: ActingUser

        func validate() throws {
            guard DecisionType(rawValue: type) != nil else {
                throw ValidationError(
                    "--type is one of \(DecisionType.allCases.map(\.rawValue).joined(separator: ", ")), not '\(type)'")
            }
            let counts = [inFavour, against, abstain]
            if counts.contains(where: { $0 != nil }) && counts.contains(where: { $0 == nil }) {
                throw ValidationError("a vote gives all three of --for, --against and --abstain")
            }
            for text in action where text.split(separator: "|", omittingEmptySubsequences: false).count != 3 {
                throw ValidationError("--action is \"TEXT|OWNER|YYYY-MM-DD\", not '\(text)'")
            }
        }

        func run() throws {
            var vote: DecisionVote?
            if let inFavour, let against, let abstain {
                vote = DecisionVote(inFavour: inFavour, against: against, abstentions: abstain)
            }
            var actions: [ActionRequest] = []
            for text in action { actions.append(try ActionRequest.parse(text)) }
            // validate() has checked the type.
            let decided = try archive.open().recordDecision(
                meeting: id, item: item, type: DecisionType(rawValue: type) ?? .noted, resolution: resolution,
                vote: vote, actions: actions, as: actor.user, expectedLogSequence: expectSeq)
            print(
                "item \(decided.item): \(decided.type.words)"
                    + (decided.submissionEvent.map { " (\(decided.reference ?? "") event \($0.sequence))" } ?? ""))
        }
    }

    /// The lines `meeting show` prints for what was recorded at the meeting.
    static func proceedingsLines(_ proceedings: MeetingProceedings) -> [String] {
        func names(_ people: [MeetingPerson]) -> String {
            people.isEmpty ? "none" : people.map(\.name).joined(separator: ", ")
        }
        var lines: [String] = []
        if let attendance = proceedings.attendance {
            lines += [
                "present: \(names(attendance.present))", "apologies: \(names(attendance.apologies))",
                "officers in attendance: \(names(attendance.officers))",
            ]
        }
        for declaration in proceedings.declarations {
            let item = declaration.item.map { "item \($0)" } ?? declaration.reference ?? "the meeting"
            lines.append("declaration: \(declaration.member.name), \(item): \(declaration.interest)")
        }
        for decision in proceedings.decisions {
            var line = "decision: item \(decision.item)"
            if let reference = decision.reference { line += " (\(reference))" }
            line += " \(decision.type.words)"
            if let vote = decision.vote {
                line += "; for \(vote.inFavour), against \(vote.against), abstentions \(vote.abstentions)"
            }
            lines.append(line)
            lines += decision.resolution.split(separator: "\n", omittingEmptySubsequences: false).map { "  \($0)" }
            for action in decision.actions {
                lines.append("  action \(action.id): \(action.text) (owner \(action.owner), due \(action.due))")
            }
        }
        return lines
    }
}
