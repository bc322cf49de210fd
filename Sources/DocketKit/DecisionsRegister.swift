import Archive
import Foundation
import Workflow

/// The call-in period: the working days after a decision notice is published during which
/// members may call the decision in for scrutiny; the decision may be implemented only after
/// it. Weekends and the bank holidays of England and Wales (`WorkingCalendar`) do not count.
public struct CallInPeriod: Sendable, Hashable, CustomStringConvertible {
    /// Working days counted from the day after publication.
    public let workingDays: Int

    /// The council's usual period: 5 working days.
    public static let standard = CallInPeriod(checked: 5)
    /// No period is longer: more is taken for a typing mistake.
    public static let maximumWorkingDays = 60

    private init(checked workingDays: Int) {
        self.workingDays = workingDays
    }

    /// A period of `workingDays` working days.
    ///
    /// - Throws: `invalidInput` for a negative number or one above `maximumWorkingDays`.
    public init(workingDays: Int) throws(DocketError) {
        guard (0...Self.maximumWorkingDays).contains(workingDays) else {
            throw .invalidInput(
                "the call-in period is 0 to \(Self.maximumWorkingDays) working days, not \(workingDays)")
        }
        self.init(checked: workingDays)
    }

    /// The last day of the period for a notice published on `published`: the decision may be
    /// implemented after it.
    public func lastDay(publishedOn published: CalendarDate, calendar: WorkingCalendar) -> CalendarDate {
        calendar.adding(workingDays: workingDays, to: published)
    }

    /// "5 working days".
    public var description: String { "\(workingDays) working day\(workingDays == 1 ? "" : "s")" }
}

/// One decision of the register: what the Board decided on an agenda item, when its notice
/// was published, and the date after which it may be implemented.
public struct RegisteredDecision: Sendable, Hashable {
    /// The meeting's id, its board and the date it was held.
    public var meeting: String
    public var board: String
    public var meetingDate: CalendarDate
    /// The agenda item's number and title.
    public var item: Int
    public var itemTitle: String
    /// The submission, when the item is one.
    public var reference: String?
    /// What the Board decided, the resolution as minuted, the vote if one was taken, and the
    /// actions the decision requires.
    public var type: DecisionType
    public var resolution: String
    public var vote: DecisionVote?
    public var actions: [DecisionAction]
    /// When the clerk recorded the decision (the meeting log's entry).
    public var recorded: Date
    /// The Docket user who recorded it.
    public var recordedBy: String
    /// The notice is published when the decision is recorded: this is the London date of
    /// `recorded`, and the call-in period is counted from it.
    public var published: CalendarDate
    /// The last day of the call-in period; the decision may be implemented after it.
    public var mayBeImplementedAfter: CalendarDate
    /// The period the date was counted with.
    public var callIn: CallInPeriod
    /// The paragraph of Schedule 12A that makes the item exempt, if it is: such a decision is
    /// only for readers cleared for exempt items.
    public var exemptParagraph: Int?

    /// Whether the decision is on an exempt item (restricted material).
    public var isExempt: Bool { exemptParagraph != nil }
}

/// What part of the register to list: filters, then a page of it.
public struct DecisionsQuery: Sendable, Hashable {
    /// Decisions of meetings held on or after this date.
    public var since: CalendarDate?
    /// Decisions of this board (its name, or its initials as in meeting ids, in any case).
    public var board: String?
    /// Decisions of this meeting.
    public var meeting: String?
    public var callIn: CallInPeriod
    /// At most this many decisions (nil: all).
    public var limit: Int?
    /// Skip this many (for paging).
    public var offset: Int

    /// A query; without filters, the whole register.
    public init(
        since: CalendarDate? = nil, board: String? = nil, meeting: String? = nil, callIn: CallInPeriod = .standard,
        limit: Int? = nil, offset: Int = 0
    ) {
        self.since = since
        self.board = board
        self.meeting = meeting
        self.callIn = callIn
        self.limit = limit
        self.offset = offset
    }
}

/// A page of the register, newest first.
public struct DecisionsPage: Sendable, Hashable {
    /// The decisions on this page, newest first.
    public var decisions: [RegisteredDecision]
    /// How many decisions the reader may see match the filters (on every page).
    public var total: Int
    /// Whether decisions follow this page.
    public var hasMore: Bool
}

/// A decision as the meeting's log records it, with what the register needs of its meeting:
/// the register before a call-in period and a reader are applied.
struct DecisionEntry: Sendable, Hashable {
    var meeting: String
    var board: String
    var meetingDate: CalendarDate
    var itemTitle: String
    var exemptParagraph: Int?
    var decision: BoardDecision
    var recorded: Date
    var recordedBy: String

    /// Newest first: later meetings first, then (for a stable order) meeting ids and item
    /// numbers in descending order.
    static func newestFirst(_ left: DecisionEntry, _ right: DecisionEntry) -> Bool {
        if left.meetingDate != right.meetingDate { return left.meetingDate > right.meetingDate }
        if left.meeting != right.meeting { return left.meeting > right.meeting }
        return left.decision.item > right.decision.item
    }

    func registered(callIn: CallInPeriod, calendar: WorkingCalendar) -> RegisteredDecision {
        let published = calendar.londonDate(of: recorded)
        return RegisteredDecision(
            meeting: meeting, board: board, meetingDate: meetingDate, item: decision.item, itemTitle: itemTitle,
            reference: decision.reference, type: decision.type, resolution: decision.resolution,
            vote: decision.vote, actions: decision.actions, recorded: recorded, recordedBy: recordedBy,
            published: published, mayBeImplementedAfter: callIn.lastDay(publishedOn: published, calendar: calendar),
            callIn: callIn, exemptParagraph: exemptParagraph)
    }
}

/// The register's stable JSON form, the same for `docket decisions --json` and
/// `GET /api/decisions`: dates as `YYYY-MM-DD`, `recorded` as the encoder writes instants.
extension RegisteredDecision: Encodable {
    enum CodingKeys: String, CodingKey {
        case meeting, board, meetingDate, item, itemTitle, reference, type, resolution, vote, actions, recorded
        case published, mayBeImplementedAfter, callInWorkingDays, exempt
    }

    enum VoteKeys: String, CodingKey { case inFavour, against, abstentions }
    enum ActionKeys: String, CodingKey { case id, text, owner, due }

    /// Writes the decision's stable JSON form.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(meeting, forKey: .meeting)
        try container.encode(board, forKey: .board)
        try container.encode(meetingDate.description, forKey: .meetingDate)
        try container.encode(item, forKey: .item)
        try container.encode(itemTitle, forKey: .itemTitle)
        try container.encodeIfPresent(reference, forKey: .reference)
        try container.encode(type.rawValue, forKey: .type)
        try container.encode(resolution, forKey: .resolution)
        if let vote {
            var counts = container.nestedContainer(keyedBy: VoteKeys.self, forKey: .vote)
            try counts.encode(vote.inFavour, forKey: .inFavour)
            try counts.encode(vote.against, forKey: .against)
            try counts.encode(vote.abstentions, forKey: .abstentions)
        }
        var list = container.nestedUnkeyedContainer(forKey: .actions)
        for action in actions {
            var fields = list.nestedContainer(keyedBy: ActionKeys.self)
            try fields.encode(action.id, forKey: .id)
            try fields.encode(action.text, forKey: .text)
            try fields.encode(action.owner, forKey: .owner)
            try fields.encode(action.due.description, forKey: .due)
        }
        try container.encode(recorded, forKey: .recorded)
        try container.encode(published.description, forKey: .published)
        try container.encode(mayBeImplementedAfter.description, forKey: .mayBeImplementedAfter)
        try container.encode(callIn.workingDays, forKey: .callInWorkingDays)
        try container.encode(isExempt, forKey: .exempt)
    }
}
