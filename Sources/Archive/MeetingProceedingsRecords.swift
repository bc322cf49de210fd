import Foundation
import Workflow

/// A person as the minutes name them, with their Docket user name when they have one.
public struct MeetingPerson: Sendable, Hashable {
    public var name: String
    public var user: String?

    public init(name: String, user: String? = nil) {
        self.name = name
        self.user = user
    }

    /// A person written as `NAME` or `NAME|USER` (their Docket user name).
    public init(line: String) {
        let parts = line.split(separator: "|", maxSplits: 1, omittingEmptySubsequences: false)
        guard parts.count == 2 else {
            self.init(name: line.trimmingCharacters(in: .whitespaces))
            return
        }
        let user = parts[1].trimmingCharacters(in: .whitespaces)
        self.init(name: parts[0].trimmingCharacters(in: .whitespaces), user: user.isEmpty ? nil : user)
    }

    /// The person as `init(line:)` reads them.
    public var line: String { user.map { "\(name)|\($0)" } ?? name }
}

/// Who was at a meeting: members present, members who sent apologies, officers in attendance.
public struct MeetingAttendance: Sendable, Hashable {
    public var present: [MeetingPerson]
    public var apologies: [MeetingPerson]
    public var officers: [MeetingPerson]

    public init(present: [MeetingPerson], apologies: [MeetingPerson] = [], officers: [MeetingPerson] = []) {
        self.present = present
        self.apologies = apologies
        self.officers = officers
    }
}

/// A member's declaration of interest in an agenda item.
public struct InterestDeclaration: Sendable, Hashable {
    public var member: MeetingPerson
    /// The agenda item number, when known.
    public var item: Int?
    /// The submission, when the item is one.
    public var reference: String?
    public var interest: String

    public init(member: MeetingPerson, item: Int?, reference: String?, interest: String) {
        self.member = member
        self.item = item
        self.reference = reference
        self.interest = interest
    }
}

/// What the Board decided about an item.
public enum DecisionType: String, Sendable, Hashable, CaseIterable {
    case noted, agreed
    case agreedAsAmended = "agreed-as-amended"
    case deferred, refused

    /// The words a submission's `outcome` field carries for it ("agreed as amended").
    public var words: String {
        rawValue.replacingOccurrences(of: "-", with: " ")
    }
}

/// A recorded vote.
public struct DecisionVote: Sendable, Hashable {
    public var inFavour: Int
    public var against: Int
    public var abstentions: Int

    public init(inFavour: Int, against: Int, abstentions: Int) {
        self.inFavour = inFavour
        self.against = against
        self.abstentions = abstentions
    }
}

/// Something a decision requires to be done, by a Docket user, by a date.
public struct DecisionAction: Sendable, Hashable {
    /// Unique in the meeting, e.g. `A4-1` (item 4's first action).
    public var id: String
    /// The agenda item number of the decision it comes from.
    public var item: Int
    public var text: String
    /// A Docket user name.
    public var owner: String
    public var due: CalendarDate

    public init(id: String, item: Int, text: String, owner: String, due: CalendarDate) {
        self.id = id
        self.item = item
        self.text = text
        self.owner = owner
        self.due = due
    }
}

/// The submission event a decision fired: its number and its file's SHA-256, so that the
/// minutes and the workflow's history can be compared without Docket.
public struct SubmissionEventCitation: Sendable, Hashable {
    public var sequence: Int
    public var sha256: String

    public init(sequence: Int, sha256: String) {
        self.sequence = sequence
        self.sha256 = sha256
    }
}

/// The Board's decision on one agenda item.
public struct BoardDecision: Sendable, Hashable {
    public var item: Int
    /// The submission, when the item is one.
    public var reference: String?
    public var type: DecisionType
    /// The resolution as minuted; may run over several lines.
    public var resolution: String
    public var vote: DecisionVote?
    /// The event fired on the item's submission (nil for a standing item).
    public var submissionEvent: SubmissionEventCitation?
    public var actions: [DecisionAction]

    public init(
        item: Int, reference: String?, type: DecisionType, resolution: String, vote: DecisionVote? = nil,
        submissionEvent: SubmissionEventCitation? = nil, actions: [DecisionAction] = []
    ) {
        self.item = item
        self.reference = reference
        self.type = type
        self.resolution = resolution
        self.vote = vote
        self.submissionEvent = submissionEvent
        self.actions = actions
    }
}

/// An action of a decision marked done (with what was done) or reopened.
public struct ActionUpdate: Sendable, Hashable {
    public enum Status: String, Sendable, Hashable, CaseIterable {
        case done, reopened
    }

    /// The action's id as its decision gave it (`A4.1`).
    public var action: String
    public var status: Status
    /// What was done, or why it is reopened; may be empty.
    public var note: String

    public init(action: String, status: Status, note: String = "") {
        self.action = action
        self.status = status
        self.note = note
    }
}
