import Archive
import Foundation
import Workflow

/// A submission scheduled for a meeting, as its agenda needs to know it.
public struct ScheduledSubmission: Sendable, Hashable {
    public var reference: String
    public var title: String
    /// The service or lead officer.
    public var service: String?
    /// When it was scheduled for the meeting: items the clerk has not ordered are taken in
    /// this order.
    public var scheduledAt: Date
    /// The Schedule 12A paragraph it brings from an earlier meeting it was scheduled for (see
    /// `MeetingAgenda.exemptionDecision(of:in:)`); it applies only while this meeting's log
    /// decides nothing for it.
    public var carriedExemption: Int?

    public init(
        reference: String, title: String, service: String? = nil, scheduledAt: Date, carriedExemption: Int? = nil
    ) {
        self.reference = reference
        self.title = title
        self.service = service
        self.scheduledAt = scheduledAt
        self.carriedExemption = carriedExemption
    }
}

/// What a meeting's log last decided about an item's exemption from publication.
public enum ExemptionDecision: Sendable, Hashable {
    /// Exempt under this paragraph of Schedule 12A to the Local Government Act 1972.
    case exempt(paragraph: Int)
    /// Open: its papers may be published.
    case open

    /// The paragraph that makes it exempt, nil when open.
    public var paragraph: Int? {
        switch self {
        case .exempt(let paragraph): return paragraph
        case .open: return nil
        }
    }
}

/// A meeting's agenda as its log makes it: a pure fold over the log's records, with the
/// submissions scheduled for the meeting passed in as values. No archive, no clock, so the
/// numbering rules (publication fixes numbers, late items go to a supplementary agenda,
/// reordering after publication never renumbers) are tested as plain values.
///
/// `DocketArchive` reads the log and the scheduled submissions, then asks `view(scheduled:calendar:)`.
public struct MeetingAgenda: Sendable {
    public let id: String
    public let definition: MeetingDefinition
    public let created: Date
    public let createdBy: String
    /// How many log entries were folded in.
    public private(set) var logLength: Int
    /// The clerk's latest order of submission items.
    private var order: [String] = []
    /// Exempt or open, per reference, as this meeting's log last decided.
    private var decisions: [String: ExemptionDecision] = [:]
    /// Every item published, in publication order.
    private var published: [PublishedAgendaItem] = []
    /// The supplement (0 the agenda) that published each item number.
    private var supplementOf: [Int: Int] = [:]
    private var publications = 0

    /// Folds a meeting's log.
    ///
    /// - Returns: nil when the log does not start with the meeting's definition (it is damaged).
    public init?(id: String, log: [BoardEntry]) {
        guard let first = log.first, case .meetingDefined(let definition) = first.record else { return nil }
        self.id = id
        self.definition = definition
        self.created = first.time
        self.createdBy = first.actor.user
        self.logLength = 1
        for entry in log.dropFirst() { apply(entry.record) }
    }

    /// Folds in one more record of the log.
    public mutating func apply(_ record: BoardRecord) {
        logLength += 1
        switch record {
        case .agendaOrder(let references): order = references
        case .itemExempt(let reference, let paragraph): decisions[reference] = .exempt(paragraph: paragraph)
        case .itemOpen(let reference): decisions[reference] = .open
        case .agendaPublished(let supplement, let items):
            published += items
            for item in items { supplementOf[item.number] = supplement }
            publications = max(publications, supplement + 1)
        case .meetingDefined, .seriesDefined, .sectionDefault, .sectionText, .attendance, .declaration, .decision,
            .actionUpdate, .minutes:
            // A meeting is defined once, by the first entry; series and report logs hold the
            // next three; the rest record the meeting held and what followed. None changes an agenda.
            break
        }
    }

    /// Whether this meeting's log marks `reference` exempt or open: when it does, an
    /// exemption carried from an earlier meeting no longer applies (and need not be looked up).
    public func decidesExemption(of reference: String) -> Bool {
        decisions[reference] != nil
    }

    /// The last exemption decision `records` (a meeting's log) make for `reference`, if any:
    /// what an item deferred from that meeting carries to the next.
    public static func exemptionDecision(
        of reference: String, in records: some Sequence<BoardRecord>
    ) -> ExemptionDecision? {
        var decision: ExemptionDecision?
        for record in records {
            switch record {
            case .itemExempt(let named, let paragraph) where named == reference:
                decision = .exempt(paragraph: paragraph)
            case .itemOpen(let named) where named == reference: decision = .open
            case .itemExempt, .itemOpen, .agendaOrder, .agendaPublished, .meetingDefined, .seriesDefined,
                .sectionDefault, .sectionText, .attendance, .declaration, .decision, .actionUpdate, .minutes:
                // Another item's decision, or no exemption decision at all.
                break
            }
        }
        return decision
    }

    /// The meeting and its agenda as it stands.
    ///
    /// Published items keep the numbers they were published with, grouped by the agenda that
    /// published them and within it taken in the clerk's latest order; a published item no
    /// longer in `scheduled` is withdrawn (deferred or withdrawn: it keeps its number). Then
    /// what publishing now would add: the standing items (first publication only), then the
    /// unpublished submissions in the clerk's order, then by when they were scheduled.
    ///
    /// - Parameters:
    ///   - scheduled: the submissions scheduled for this meeting now.
    ///   - calendar: the working days the deadlines are counted in.
    public func view(scheduled: [ScheduledSubmission], calendar: WorkingCalendar) -> MeetingView {
        var byReference: [String: ScheduledSubmission] = [:]
        for submission in scheduled { byReference[submission.reference] = submission }
        func exemptParagraph(_ reference: String) -> Int? {
            // An item deferred from an earlier meeting where it was exempt stays exempt here until
            // the clerk opens it: forgetting to mark it again must not put it in the public pack.
            if let decision = decisions[reference] { return decision.paragraph }
            return byReference[reference]?.carriedExemption
        }

        var items: [AgendaItem] = []
        let publishedReferences = Set(published.compactMap(\.reference))
        for item in published {
            items.append(
                AgendaItem(
                    kind: item.reference == nil ? .standing : .submission, number: item.number, isPublished: true,
                    supplement: supplementOf[item.number], title: item.title, reference: item.reference,
                    service: item.reference.flatMap { byReference[$0]?.service },
                    exemptParagraph: item.reference.flatMap(exemptParagraph),
                    isWithdrawn: item.reference.map { byReference[$0] == nil } ?? false))
        }
        var next = (published.map(\.number).max() ?? 0) + 1
        if published.isEmpty {
            for title in DocketArchive.standingItems {
                items.append(
                    AgendaItem(
                        kind: .standing, number: next, isPublished: false, supplement: nil, title: title,
                        reference: nil, service: nil, exemptParagraph: nil, isWithdrawn: false))
                next += 1
            }
        }
        let waiting = scheduled.filter { !publishedReferences.contains($0.reference) }
            .sorted { lhs, rhs in
                let left = order.firstIndex(of: lhs.reference) ?? Int.max
                let right = order.firstIndex(of: rhs.reference) ?? Int.max
                return (left, lhs.scheduledAt, lhs.reference) < (right, rhs.scheduledAt, rhs.reference)
            }
        for submission in waiting {
            items.append(
                AgendaItem(
                    kind: .submission, number: next, isPublished: false, supplement: nil, title: submission.title,
                    reference: submission.reference, service: submission.service,
                    exemptParagraph: exemptParagraph(submission.reference), isWithdrawn: false))
            next += 1
        }
        let publishedItems = items.filter(\.isPublished).sorted { lhs, rhs in
            if lhs.supplement != rhs.supplement { return (lhs.supplement ?? 0) < (rhs.supplement ?? 0) }
            if lhs.kind != rhs.kind { return lhs.kind == .standing }
            let left = lhs.reference.flatMap { order.firstIndex(of: $0) } ?? Int.max
            let right = rhs.reference.flatMap { order.firstIndex(of: $0) } ?? Int.max
            return (left, lhs.number) < (right, rhs.number)
        }
        items = publishedItems + items.filter { !$0.isPublished }
        return MeetingView(
            id: id, definition: definition, items: items, publications: publications,
            unpublishedCount: items.filter { !$0.isPublished }.count,
            reportDeadline: calendar.subtracting(
                workingDays: definition.reportDeadlineWorkingDays, from: definition.date),
            publicationDeadline: calendar.subtracting(
                workingDays: definition.publicationWorkingDays, from: definition.date),
            created: created, createdBy: createdBy, logLength: logLength)
    }
}
