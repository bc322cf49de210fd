import Archive
import Foundation
import Workflow

/// An action as the clerk gives it with a decision, before Docket numbers it.
public struct ActionRequest: Sendable, Hashable {
    /// An action written on one line as `TEXT|OWNER|YYYY-MM-DD` (the command line's and the
    /// web form's way of giving one).
    ///
    /// - Throws: `invalidInput` for a line without its three parts.
    public static func parse(_ line: String) throws(DocketError) -> ActionRequest {
        let parts = line.split(separator: "|", omittingEmptySubsequences: false).map {
            $0.trimmingCharacters(in: .whitespaces)
        }
        guard parts.count == 3 else { throw .invalidInput("an action is \"TEXT|OWNER|YYYY-MM-DD\", not '\(line)'") }
        return ActionRequest(text: parts[0], owner: parts[1], due: parts[2])
    }

    public var text: String
    /// A Docket user name.
    public var owner: String
    /// `YYYY-MM-DD`.
    public var due: String

    public init(text: String, owner: String, due: String) {
        self.text = text
        self.owner = owner
        self.due = due
    }
}

/// Recording the meeting held: attendance, declarations of interest, and the Board's decisions,
/// each in the meeting's log (board format 2).
extension DocketArchive {
    /// The event a submission's workflow fires for the Board's outcome, and the one for a deferral.
    static let recordOutcomeEvent = "record-outcome"
    static let deferEvent = "defer"

    /// What the meeting's log records of the meeting held.
    public func proceedings(of id: String) throws(DocketError) -> MeetingProceedings {
        try requireMeeting(id)
        return MeetingProceedings(log: try boardLog(.meeting, id).map(\.entry.record))
    }

    /// What the meeting's log records of the meeting held, as `user` may read it: without the
    /// decisions, actions and declarations of exempt items unless they are cleared for them.
    ///
    /// A cleared reader's view of each exempt item's decision is recorded in the access log,
    /// as the register's and the notices' are.
    public func proceedings(of id: String, for user: String, from address: String? = nil) throws(DocketError)
        -> MeetingProceedings
    {
        let whole = try proceedings(of: id)
        let permissions = try permissions(for: user)
        let exempt = try meeting(id).items.filter { $0.exemptParagraph != nil }
        guard permissions.maySeeExemptItems else { return whole.leavingOut(items: Set(exempt.map(\.number))) }
        for item in exempt {
            guard let paragraph = item.exemptParagraph, let decision = whole.decision(forItem: item.number) else {
                continue
            }
            try recordRestricted(
                .view, by: permissions, item: decision.reference ?? id,
                what: Self.restrictedDecisionWhat(item.number, of: id),
                withholding: .exempt(meeting: id, paragraph: paragraph), from: address)
        }
        return whole
    }

    /// Records who attended a meeting (a later recording replaces it, as a correction).
    ///
    /// - Parameter expectedLogSequence: refuse unless the meeting's log still ends at this
    ///   entry (the view the clerk acted on).
    /// - Throws: `invalidInput` for a blank name or an unknown user name; `boardLogChanged`.
    public func recordAttendance(
        _ attendance: MeetingAttendance, at id: String, as user: String, expectedLogSequence: Int? = nil
    ) throws(DocketError) {
        let grant = try require(Self.meetingRoles, of: user, to: "record attendance")
        let view = try meeting(id)
        try Self.requireUnchanged(view, expectedLogSequence)
        try requireProceedingsSchema()
        let known = Set(try users().map(\.name))
        func checked(_ people: [MeetingPerson]) throws(DocketError) -> [MeetingPerson] {
            var result: [MeetingPerson] = []
            for person in people { result.append(try Self.checkedPerson(person, known: known)) }
            return result
        }
        let recorded = MeetingAttendance(
            present: try checked(attendance.present), apologies: try checked(attendance.apologies),
            officers: try checked(attendance.officers))
        guard !recorded.present.isEmpty else { throw .invalidInput("attendance names at least one member present") }
        try appendBoard(.meeting, id, .attendance(recorded), user: user, grant: grant, expectedLength: view.logLength)
    }

    /// Records a member's declaration of interest in an item of the published agenda.
    ///
    /// - Parameter item: the item's number or its submission's reference; nil for a
    ///   declaration on the meeting's business generally.
    public func recordDeclaration(
        member: MeetingPerson, item: String?, interest: String, at id: String, as user: String,
        expectedLogSequence: Int? = nil
    ) throws(DocketError) {
        let grant = try require(Self.meetingRoles, of: user, to: "record a declaration of interest")
        let view = try meeting(id)
        try Self.requireUnchanged(view, expectedLogSequence)
        try requireProceedingsSchema()
        let member = try Self.checkedPerson(member, known: Set(try users().map(\.name)))
        let agendaItem = try item.map { (named: String) throws(DocketError) in try Self.publishedItem(named, of: view) }
        let declaration = InterestDeclaration(
            member: member, item: agendaItem?.number, reference: agendaItem?.reference,
            interest: try Self.requireText(interest, "the interest declared"))
        try appendBoard(
            .meeting, id, .declaration(declaration), user: user, grant: grant, expectedLength: view.logLength)
    }

    /// Records the Board's decision on an item of the meeting's published agenda.
    ///
    /// On a submission's item the decision first fires the submission's workflow
    /// (`record-outcome` with the decision's words as its outcome, or `defer`), then records
    /// the decision citing that event's number and file SHA-256: the workflow and the minutes
    /// never disagree. A crash between the two leaves the event without its decision (`verify`
    /// notes it); recording the decision again uses that event rather than firing another.
    ///
    /// - Parameters:
    ///   - item: the item's number, or its submission's reference.
    ///   - actions: each with an owner who is a Docket user and a due date `YYYY-MM-DD`.
    ///   - expectedLogSequence: refuse unless the meeting's log still ends at this entry.
    /// - Returns: the decision as recorded.
    /// - Throws: `invalidInput` for an item not on the published agenda, one already decided,
    ///   an unknown owner or a date that is not one; `boardLogChanged` for a stale view;
    ///   the workflow's refusal if the submission cannot take the outcome now.
    @discardableResult
    public func recordDecision(
        meeting id: String, item: String, type: DecisionType, resolution: String, vote: DecisionVote? = nil,
        actions: [ActionRequest] = [], as user: String, expectedLogSequence: Int? = nil
    ) throws(DocketError) -> BoardDecision {
        let grant = try require(Self.meetingRoles, of: user, to: "record a decision")
        let view = try meeting(id)
        try Self.requireUnchanged(view, expectedLogSequence)
        try requireProceedingsSchema()
        let agendaItem = try Self.publishedItem(item, of: view)
        let proceedings = try proceedings(of: id)
        if proceedings.decision(forItem: agendaItem.number) != nil {
            throw .invalidInput("item \(agendaItem.number) of \(id) is already decided")
        }
        var decision = BoardDecision(
            item: agendaItem.number, reference: agendaItem.reference, type: type,
            resolution: try Self.requireText(resolution, "the resolution"), vote: vote,
            actions: try checkedActions(actions, item: agendaItem.number))
        if let vote, vote.inFavour < 0 || vote.against < 0 || vote.abstentions < 0 {
            throw .invalidInput("a vote counts 0 or more for, against and abstaining")
        }
        // Everything the clerk gave is checked before the submission's workflow is fired.
        if let reference = agendaItem.reference {
            decision.submissionEvent = try outcomeEvent(
                for: reference, at: id, type: type, resolution: decision.resolution, as: user)
        }
        try appendBoard(.meeting, id, .decision(decision), user: user, grant: grant, expectedLength: view.logLength)
        return decision
    }

    // MARK: - Rules

    /// Refuses, before anything is written, an archive without `docket-board-2.xsd`.
    func requireProceedingsSchema() throws(DocketError) {
        try archive { () throws(ArchiveError) in try store.requireSchema(.board2) }
    }

    static func checkedPerson(_ person: MeetingPerson, known: Set<String>) throws(DocketError) -> MeetingPerson {
        let name = try requireText(person.name, "a name")
        guard !name.contains(where: \.isNewline) else { throw .invalidInput("a name must be one line: \(name)") }
        if let user = person.user, !known.contains(user) {
            throw .invalidInput("'\(user)' is not a Docket user")
        }
        return MeetingPerson(name: name, user: person.user)
    }

    /// The item of the published agenda named by its number or its submission's reference.
    static func publishedItem(_ named: String, of view: MeetingView) throws(DocketError) -> AgendaItem {
        let published = view.items.filter(\.isPublished)
        let found = published.first { item in
            if let number = Int(named) { return item.number == number }
            return item.reference == named
        }
        guard let found else {
            let listed = published.map { "\($0.number) \($0.reference ?? $0.title)" }
            throw .invalidInput(
                "\(named) is not an item of the published agenda of \(view.id) (on it: "
                    + (listed.isEmpty ? "nothing yet: publish the agenda first" : listed.joined(separator: ", ")) + ")")
        }
        return found
    }

    func checkedActions(_ requests: [ActionRequest], item: Int) throws(DocketError) -> [DecisionAction] {
        let known = Set(try users().map(\.name))
        var actions: [DecisionAction] = []
        for (index, request) in requests.enumerated() {
            let text = try Self.requireText(request.text, "an action's text")
            guard known.contains(request.owner) else {
                throw .invalidInput("the owner of '\(text)', '\(request.owner)', is not a Docket user")
            }
            guard let due = CalendarDate(iso: request.due), due.description == request.due else {
                throw .invalidInput("the due date of '\(text)', '\(request.due)', is not a date (YYYY-MM-DD)")
            }
            actions.append(
                DecisionAction(id: "A\(item).\(index + 1)", item: item, text: text, owner: request.owner, due: due))
        }
        return actions
    }

    /// The submission's event that records this meeting's outcome: the one a crashed recording
    /// left (it must say the same), or one fired now.
    private func outcomeEvent(
        for reference: String, at id: String, type: DecisionType, resolution: String, as user: String
    ) throws(DocketError) -> SubmissionEventCitation {
        let submission = try submission(reference)
        if let left = Self.outcomeEvent(of: submission, at: id) {
            guard case .transition(let transition) = left.body, Self.matches(transition, type) else {
                throw .invalidInput(
                    "\(reference)'s event \(left.sequence) already records the Board's outcome at \(id) differently: "
                        + "record the decision as it did")
            }
            let sha = try archive { () throws(ArchiveError) in try store.eventFileSHA256(reference, left.sequence) }
            return SubmissionEventCitation(sequence: left.sequence, sha256: sha)
        }
        let fired: FiredEvent
        if type == .deferred {
            fired = try fire(
                Self.deferEvent, on: reference, as: user, comment: resolution, expectedSequence: submission.sequence)
        } else {
            fired = try fire(
                Self.recordOutcomeEvent, on: reference, as: user, fields: [WorkflowField.outcome: type.words],
                expectedSequence: submission.sequence)
        }
        return SubmissionEventCitation(sequence: fired.event.sequence, sha256: fired.fileSHA256)
    }

    static func matches(_ transition: StoredEvent.TransitionBody, _ type: DecisionType) -> Bool {
        type == .deferred
            ? transition.name == deferEvent
            : transition.name == recordOutcomeEvent && transition.fields[WorkflowField.outcome] == type.words
    }

    /// The event that took the Board's outcome (or deferral) after the submission was last
    /// scheduled for meeting `id`, if any.
    static func outcomeEvent(of view: SubmissionView, at id: String) -> StoredEvent? {
        var found: StoredEvent?
        var scheduledHere = false
        for event in view.events {
            guard case .transition(let transition) = event.body else { continue }
            if let meeting = transition.fields[WorkflowField.meeting] {
                // Scheduled here again, the earlier outcome was a deferral from this meeting:
                // the next one is what counts. Scheduled elsewhere, later outcomes are that meeting's.
                scheduledHere = meeting == id
                if scheduledHere { found = nil }
            } else if scheduledHere, transition.name == recordOutcomeEvent || transition.name == deferEvent {
                found = event
                scheduledHere = false
            }
        }
        return found
    }
}
