import Archive
import Foundation
import Workflow

/// One line of an agenda.
public struct AgendaItem: Sendable {
    /// A standing item every meeting has, or a submission scheduled for it.
    public enum Kind: Sendable, Hashable { case standing, submission }

    public var kind: Kind
    /// The item number: fixed once published; provisional (what publishing would give) before.
    public var number: Int
    /// Whether `number` is final (the item is on a published agenda).
    public var isPublished: Bool
    /// 0 for the agenda, 1, 2 … for the supplementary agenda it was published on; nil if not
    /// published yet.
    public var supplement: Int?
    public var title: String
    public var reference: String?
    /// The service or lead officer.
    public var service: String?
    /// The paragraph of Schedule 12A to the Local Government Act 1972 that makes its report
    /// and annexes exempt from publication, if any.
    public var exemptParagraph: Int?
    /// Published, then deferred or withdrawn: it keeps its number but will not be taken.
    public var isWithdrawn: Bool

    /// What a reader of the agenda should know about the item, e.g. "provisional number",
    /// "supplement 1", "exempt (Sch. 12A para 3)", "withdrawn".
    public var notes: [String] {
        var notes: [String] = []
        if !isPublished { notes.append("provisional number") }
        if let supplement, supplement > 0 { notes.append("supplement \(supplement)") }
        if let exemptParagraph { notes.append("exempt (Sch. 12A para \(exemptParagraph))") }
        if isWithdrawn { notes.append("withdrawn") }
        return notes
    }
}

/// A Board meeting, its agenda and deadlines.
public struct MeetingView: Sendable {
    public var id: String
    public var definition: MeetingDefinition
    /// In the order the clerk set (standing items first).
    public var items: [AgendaItem]
    /// How many agendas were published: 0 none, 1 the agenda, 2 with one supplement …
    public var publications: Int
    /// Items scheduled since the last publication, waiting for a (supplementary) agenda.
    public var unpublishedCount: Int
    /// Reports for the meeting are due by this date.
    public var reportDeadline: CalendarDate
    /// The agenda must be published by this date.
    public var publicationDeadline: CalendarDate
    public var created: Date
    public var createdBy: String
    /// How many entries its log had when this view was read: pass it back as
    /// `expectedLogLength` so that a change made meanwhile by someone else is refused.
    public var logLength: Int
}

extension DocketArchive {
    /// The standing items at the head of every agenda.
    public static let standingItems = [
        "Apologies for absence", "Declarations of interest", "Minutes of the last meeting",
    ]

    /// Creates a meeting.
    ///
    /// - Returns: its id, the board's initials and the date (`BVPB-2016-10-19`), with `-2`, `-3`
    ///   … for a second meeting of the same board that day.
    public func newMeeting(
        board: String, date: CalendarDate, time: String? = nil, venue: String? = nil,
        reportDeadlineWorkingDays: Int = 7, publicationWorkingDays: Int = 5, as user: String
    ) throws(DocketError) -> String {
        let grant = try require(Self.meetingRoles, of: user, to: "create a meeting")
        let board = try Self.requireText(board, "the board's name")
        guard !board.contains(where: \.isNewline) else { throw .invalidInput("the board's name must be one line") }
        if let time = Self.optionalText(time) {
            let parts = time.split(separator: ":")
            guard parts.count == 2, parts.allSatisfy({ $0.count == 2 }), let hour = Int(parts[0]),
                let minute = Int(parts[1]), (0..<24).contains(hour), (0..<60).contains(minute)
            else { throw .invalidInput("time '\(time)' is not HH:MM (24-hour)") }
        }
        guard (0...60).contains(reportDeadlineWorkingDays), (0...60).contains(publicationWorkingDays) else {
            throw .invalidInput("deadlines are counted in 0 to 60 working days before the meeting")
        }
        let stem = Self.boardInitials(board) + "-" + date.description
        var id = stem
        var suffix = 1
        while store.boardLogExists(.meeting, id) {
            suffix += 1
            id = "\(stem)-\(suffix)"
        }
        let definition = MeetingDefinition(
            board: board, date: date, time: Self.optionalText(time), venue: Self.optionalText(venue),
            reportDeadlineWorkingDays: reportDeadlineWorkingDays, publicationWorkingDays: publicationWorkingDays)
        try appendBoard(.meeting, id, .meetingDefined(definition), user: user, grant: grant, expectingNew: true)
        return id
    }

    static func boardInitials(_ board: String) -> String {
        let small: Set<String> = ["of", "the", "and", "for", "a", "an", "on", "in"]
        let initials = board.split(whereSeparator: { !$0.isLetter && !$0.isNumber })
            .filter { !small.contains($0.lowercased()) }.compactMap(\.first)
            .map { String($0).uppercased() }.joined()
        let ascii = initials.unicodeScalars.filter { ("A"..."Z").contains($0) || ("0"..."9").contains($0) }
        return ascii.isEmpty ? "MEETING" : String(String.UnicodeScalarView(ascii.prefix(12)))
    }

    /// The ids of every meeting, sorted.
    public func meetingIDs() -> [String] {
        store.boardLogIDs(.meeting)
    }

    /// Refuses an id that names no meeting.
    func requireMeeting(_ id: String) throws(DocketError) {
        guard ArchiveStore.isSafeName(id), store.boardLogExists(.meeting, id) else {
            throw .notFound(kind: "meeting", id: id, known: meetingIDs())
        }
    }

    /// Sets the order in which the submission items are taken. Before publication the numbers
    /// follow the order; after it, numbers stay as published and only the order changes.
    public func orderAgenda(
        _ id: String, references: [String], as user: String, expectedLogLength: Int? = nil
    ) throws(DocketError) {
        let grant = try require(Self.meetingRoles, of: user, to: "order an agenda")
        let view = try meeting(id)
        try Self.requireUnchanged(view, expectedLogLength)
        let onAgenda = Set(view.items.compactMap(\.reference))
        guard Set(references).count == references.count else {
            throw .invalidInput("a reference appears twice in the order")
        }
        for reference in references where !onAgenda.contains(reference) {
            throw .invalidInput(
                "\(reference) is not on the agenda of \(id) (on it: "
                    + (onAgenda.isEmpty ? "no submissions" : onAgenda.sorted().joined(separator: ", ")) + ")")
        }
        try appendBoard(
            .meeting, id, .agendaOrder(references), user: user, grant: grant, expectedLength: view.logLength)
    }

    /// Marks an item exempt under a paragraph of Schedule 12A (1–7), or open again (nil).
    public func setExempt(
        _ id: String, reference: String, paragraph: Int?, as user: String, expectedLogLength: Int? = nil
    ) throws(DocketError) {
        let grant = try require(Self.meetingRoles, of: user, to: "mark agenda items exempt")
        let view = try meeting(id)
        try Self.requireUnchanged(view, expectedLogLength)
        guard let item = view.items.first(where: { $0.reference == reference }) else {
            throw .invalidInput("\(reference) is not on the agenda of \(id)")
        }
        // What was minuted, published in the register and given to readers followed the
        // exemption as it stood: changing it afterwards would leave them public (or hidden)
        // against the record.
        let proceedings = try proceedings(of: id)
        if item.isPublished, proceedings.decision(forItem: item.number) != nil || proceedings.minutesReference != nil {
            throw .invalidInput(
                "item \(item.number) of \(id) has its decision recorded (or the meeting's minutes are started): "
                    + "whether it is exempt is decided before the decision and the minutes")
        }
        if let paragraph {
            guard (1...7).contains(paragraph) else {
                throw .invalidInput(
                    "Schedule 12A to the Local Government Act 1972 has paragraphs 1 to 7, not \(paragraph)")
            }
            // Checked against the log as read, so that two clerks deciding at once cannot both write.
            try appendBoard(
                .meeting, id, .itemExempt(reference: reference, paragraph: paragraph), user: user, grant: grant,
                expectedLength: view.logLength)
        } else {
            try appendBoard(
                .meeting, id, .itemOpen(reference: reference), user: user, grant: grant, expectedLength: view.logLength)
        }
    }

    /// Publishes the agenda, or a supplementary agenda for items scheduled since: their numbers
    /// are fixed from now on. Each published submission item's report is then archived as a
    /// `board-report` document of its submission (HTML and DOCX).
    ///
    /// The publication is recorded first and the reports archived after, so a publication
    /// interrupted between the two is finished by publishing again: with nothing new to
    /// number, publishing archives each published item's report that is not archived as it
    /// stands (missing, or changed since), and refuses only when there is nothing to do.
    ///
    /// - Returns: the items this publication numbered (empty when it only archived reports).
    @discardableResult
    public func publishAgenda(_ id: String, as user: String, expectedLogLength: Int? = nil) throws(DocketError)
        -> [AgendaItem]
    {
        let grant = try require(Self.meetingRoles, of: user, to: "publish an agenda")
        let view = try meeting(id)
        try Self.requireUnchanged(view, expectedLogLength)
        let stamp = ActorStamp(user: user, role: grant.role, onBehalfOf: grant.onBehalfOf, systemUser: systemUser)
        let fresh = view.items.filter { !$0.isPublished }
        if !fresh.isEmpty {
            let published = fresh.map {
                PublishedAgendaItem(number: $0.number, reference: $0.reference, title: $0.title)
            }
            try appendBoard(
                .meeting, id, .agendaPublished(supplement: view.publications, items: published), user: user,
                grant: grant, expectedLength: view.logLength)
        }
        // Every published item's report as it stands now; what is already archived unchanged
        // is skipped, so this also finishes a publication that was interrupted.
        var added = 0
        for item in try meeting(id).items where item.kind == .submission && item.isPublished && !item.isWithdrawn {
            if let reference = item.reference { added += try archiveBoardReport(reference, stamp: stamp) }
        }
        guard !fresh.isEmpty || added > 0 else {
            throw .invalidInput("nothing new to publish on \(id): every item has its number and its report is archived")
        }
        return try meeting(id).items.filter { item in fresh.contains { $0.number == item.number } }
    }

    static func requireUnchanged(_ view: MeetingView, _ expected: Int?) throws(DocketError) {
        if let expected, expected != view.logLength {
            throw .boardLogChanged(kind: "meeting", id: view.id, expected: expected, actual: view.logLength)
        }
    }

    /// Submissions on a meeting's agenda now (see `scheduling(of:)`), found through the index
    /// and confirmed from the archive; if the index cannot be used, by reading every submission.
    func scheduledSubmissions(for id: String) throws(DocketError) -> [(view: SubmissionView, scheduled: Date)] {
        let candidates: [String]
        if let indexed = try? index().references(scheduledFor: id) {
            candidates = indexed
        } else {
            candidates = store.submissionReferences()
        }
        var result: [(SubmissionView, Date)] = []
        for reference in candidates {
            let view = try submission(reference)
            if let scheduled = Self.scheduling(of: view), scheduled.meeting == id {
                result.append((view, scheduled.time))
            }
        }
        return result
    }

    /// Where a submission stands with the Board: the meeting it is scheduled for, its item, and
    /// the date its report is due (nil once the report for that meeting is archived); nil
    /// when it is not scheduled.
    public func boardSchedule(of view: SubmissionView) throws(DocketError) -> (
        meeting: MeetingView, item: AgendaItem?, reportDue: CalendarDate?
    )? {
        guard let scheduling = Self.scheduling(of: view) else { return nil }
        let meeting = try meeting(scheduling.meeting)
        let reportDue = Self.hasArchivedReport(view, for: meeting.id) ? nil : meeting.reportDeadline
        return (meeting, meeting.items.first { $0.reference == view.record.reference }, reportDue)
    }

    /// The Schedule 12A paragraph an item brings from the meetings it was scheduled for before
    /// `meeting` (most recent first): the last decision any of them recorded, or nil when
    /// none made it exempt or the latest opened it.
    func carriedExemption(of view: SubmissionView, to meeting: String) throws(DocketError) -> Int? {
        var earlier: [String] = []
        for event in view.events {
            guard case .transition(let transition) = event.body, let named = transition.fields[WorkflowField.meeting],
                named != meeting
            else { continue }
            earlier.removeAll { $0 == named }  // a meeting scheduled again counts where it was last
            earlier.append(named)
        }
        for previous in earlier.reversed() where store.boardLogExists(.meeting, previous) {
            let log = try boardLog(.meeting, previous).map(\.entry.record)
            if let decision = MeetingAgenda.exemptionDecision(of: view.record.reference, in: log) {
                return decision.paragraph
            }
        }
        return nil
    }

    /// The meeting a submission is scheduled for now, and when it was scheduled: the last
    /// transition that named a meeting in its `meeting` field, unless a later transition took
    /// the submission into a state that is not final (a deferral, a return for more work). A
    /// final state after scheduling (the Board's outcome) keeps it on that meeting's agenda.
    static func scheduling(of view: SubmissionView) -> (meeting: String, time: Date)? {
        var found: (meeting: String, time: Date)?
        for event in view.events {
            guard case .transition(let transition) = event.body else { continue }
            if let meeting = transition.fields[WorkflowField.meeting] {
                found = (meeting, event.time)
            } else if found != nil, !(view.workflow.state(transition.to)?.isFinal ?? false) {
                found = nil
            }
        }
        return found
    }

    /// A meeting with its agenda as it stands (computed again only after the archive changed).
    public func meeting(_ id: String) throws(DocketError) -> MeetingView {
        try derived("meeting/\(id)") { () throws(DocketError) in try computeMeeting(id) }
    }

    private func computeMeeting(_ id: String) throws(DocketError) -> MeetingView {
        try requireMeeting(id)
        guard let agenda = MeetingAgenda(id: id, log: try boardLog(.meeting, id).map(\.entry)) else {
            throw .archive(
                .damaged(path: store.boardLogDirectory(.meeting, id), reason: "does not start with a meeting"))
        }
        var scheduled: [ScheduledSubmission] = []
        for (view, time) in try scheduledSubmissions(for: id) {
            let reference = view.record.reference
            // Looked up only where this meeting's log decides nothing: it reads earlier meetings' logs.
            let carried = agenda.decidesExemption(of: reference) ? nil : try carriedExemption(of: view, to: id)
            scheduled.append(
                ScheduledSubmission(
                    reference: reference, title: view.record.title, service: view.record.service, scheduledAt: time,
                    carriedExemption: carried))
        }
        return agenda.view(scheduled: scheduled, calendar: calendar)
    }
}
