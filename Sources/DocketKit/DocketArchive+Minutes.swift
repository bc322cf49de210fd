import Archive
import Foundation
import Reports
import Workflow

/// Which part of a meeting's minutes: the public minutes, or the confidential part that holds
/// what the Board decided on exempt items (Schedule 12A to the Local Government Act 1972).
public enum MinutesPart: String, Sendable, Hashable, CaseIterable {
    case `public`
    case confidential
}

/// Where a meeting's minutes stand.
public struct MinutesStatus: Sendable, Hashable {
    /// The submission carrying the minutes (`MIN-` and the meeting's id).
    public var reference: String
    /// Its workflow state: draft, circulated, approved, signed.
    public var state: String
    /// What a person reads for the state.
    public var stateLabel: String
    /// The meeting that approved them, once approved.
    public var approvedAt: String?
    /// Who signed them and when, once signed.
    public var signedBy: String?
    public var signed: Date?
    /// The documents in the minutes' pack (each part, HTML and DOCX) that the asking user may see.
    public var documents: [DocumentMetadata]
}

/// The minutes of meetings, generated from what the meeting's log records, and carried as a
/// submission of their own through `workflows/board-minutes.scxml`: drafted, circulated,
/// approved at a later meeting, signed by the chair. Their history is a submission's history;
/// the meeting's log names the submission (board format 3).
extension DocketArchive {
    /// The minutes' workflow.
    public static let minutesWorkflow = "board-minutes"
    /// The marking of the confidential part: above OFFICIAL, so only cleared roles read it.
    public static let confidentialMinutesMarking = "OFFICIAL-SENSITIVE"
    /// Who drafts the minutes.
    static let minutesRoles: Set<Role> = [.clerk]
    static let circulateMinutesEvent = "circulate"
    static let approveMinutesEvent = "approve"
    static let returnMinutesEvent = "return-for-correction"
    static let signMinutesEvent = "sign"

    /// The reference of a meeting's minutes: fixed by the meeting, so that drafting twice (or
    /// after a crash) finds the same submission.
    public static func minutesReference(of meeting: String) -> String {
        "MIN-\(meeting)"
    }

    // MARK: - The document

    /// A meeting's minutes as a document, numbered as its published agenda.
    ///
    /// The public part leaves out everything about exempt items beyond their number and
    /// title (decisions, votes, actions, declarations on them); the confidential part holds
    /// exactly that, and nothing else.
    ///
    /// - Returns: nil for the confidential part of a meeting with nothing exempt recorded.
    public func minutesDocument(_ id: String, part: MinutesPart, version: Int = 1) throws(DocketError)
        -> RichDocument?
    {
        let view = try meeting(id)
        let proceedings = try proceedings(of: id)
        let items = view.items.filter(\.isPublished).sorted { $0.number < $1.number }
        let exempt = Set(items.filter { $0.exemptParagraph != nil }.map(\.number))
        if part == .confidential,
            !proceedings.decisions.contains(where: { exempt.contains($0.item) })
                && !proceedings.declarations.contains(where: { $0.item.map(exempt.contains) ?? false })
        {
            return nil
        }
        let definition = view.definition
        var blocks: [RichDocument.Block] = [
            .table(
                header: ["DATE", "TIME", "VENUE"],
                rows: [[Wording.longDate(definition.date), definition.time ?? "", definition.venue ?? ""]])
        ]
        if version > 1 {
            // A correction's redraft says so, and never reads byte for byte as an earlier draft
            // (which, having left the pack, could not come back into it).
            blocks.append(.paragraph(number: nil, text: "Version \(version), after correction."))
        }
        if part == .confidential {
            blocks.append(
                .notice(
                    "NOT FOR PUBLICATION: the confidential part of the minutes. It records the Board's business on "
                        + "items exempt under Schedule 12A to the Local Government Act 1972."))
        }
        if let attendance = proceedings.attendance {
            func names(_ people: [MeetingPerson]) -> String {
                people.isEmpty ? "None." : people.map(\.name).joined(separator: ", ") + "."
            }
            blocks.append(.heading(number: nil, text: "Present", level: 2))
            blocks.append(.paragraph(number: nil, text: names(attendance.present)))
            blocks.append(.heading(number: nil, text: "Apologies for absence", level: 2))
            blocks.append(.paragraph(number: nil, text: names(attendance.apologies)))
            blocks.append(.heading(number: nil, text: "In attendance", level: 2))
            blocks.append(.paragraph(number: nil, text: names(attendance.officers)))
        }
        let declarations = proceedings.declarations.filter { declaration in
            let isExempt = declaration.item.map(exempt.contains) ?? false
            return part == .confidential ? isExempt : !isExempt
        }
        blocks.append(.heading(number: nil, text: "Declarations of interest", level: 2))
        if declarations.isEmpty {
            blocks.append(.paragraph(number: nil, text: "None were declared."))
        } else {
            blocks.append(
                .bulletList(
                    declarations.map { declaration in
                        let item = declaration.item.map { " (item \($0))" } ?? ""
                        return "\(declaration.member.name)\(item): \(declaration.interest)"
                    }))
        }
        for item in items {
            let isExempt = exempt.contains(item.number)
            if part == .confidential && !isExempt { continue }
            blocks.append(.heading(number: "\(item.number)", text: item.title, level: 2))
            if let reference = item.reference {
                blocks.append(.paragraph(number: nil, text: "Reference: \(reference)"))
            }
            if item.isWithdrawn {
                blocks.append(.notice("Withdrawn from this meeting."))
                continue
            }
            if isExempt, part == .public, let paragraph = item.exemptParagraph {
                blocks.append(
                    .notice(
                        "Considered in private: exempt information under paragraph \(paragraph) of Schedule 12A to "
                            + "the Local Government Act 1972. The decision is recorded in the confidential part of "
                            + "the minutes."))
                continue
            }
            if let paragraph = item.exemptParagraph { blocks.append(.notice(Self.exemptNotice(paragraph))) }
            guard let decision = proceedings.decision(forItem: item.number) else {
                blocks.append(.paragraph(number: nil, text: "No decision was recorded on this item."))
                continue
            }
            blocks += Self.minutedDecision(decision)
        }
        let title =
            part == .public
            ? "Minutes: \(definition.board), \(Wording.longDate(definition.date))"
            : "Minutes (confidential part): \(definition.board), \(Wording.longDate(definition.date))"
        return RichDocument(title: title, banner: definition.board, blocks: blocks)
    }

    /// A decision as the minutes word it: the resolution, the vote, the actions.
    static func minutedDecision(_ decision: BoardDecision) -> [RichDocument.Block] {
        var blocks: [RichDocument.Block] = [
            .paragraph(number: nil, text: "Decision: \(decisionWords(decision.type))."),
            .paragraph(number: nil, text: "RESOLVED:"),
        ]
        blocks += resolutionParagraphs(decision.resolution).map { .paragraph(number: nil, text: $0) }
        if let vote = decision.vote {
            blocks.append(
                .paragraph(
                    number: nil,
                    text: "Vote: \(voteWords(vote))."))
        }
        if !decision.actions.isEmpty {
            blocks.append(
                .table(
                    header: ["ACTION", "OWNER", "DUE"],
                    rows: decision.actions.map { ["\($0.id): \($0.text)", $0.owner, Wording.longDate($0.due)] }))
        }
        return blocks
    }

    // MARK: - Drafting

    /// Drafts the minutes of a meeting held, or redrafts them: starts the minutes' submission
    /// the first time (and names it in the meeting's log), then archives each part of the
    /// minutes as it reads now, in HTML and DOCX, where the pack does not already hold it. A
    /// redraft replaces the pack's earlier rendering, which stays archived.
    ///
    /// Each step is safe to repeat, so a drafting interrupted at any point completes when run
    /// again.
    ///
    /// - Returns: the minutes' reference and how many documents were added (0: unchanged).
    /// - Throws: `invalidInput` for a meeting not yet held, one with no attendance recorded, or
    ///   minutes no longer in draft (return them for correction first).
    @discardableResult
    public func draftMinutes(_ id: String, as user: String) throws(DocketError) -> (reference: String, added: Int) {
        let grant = try require(Self.minutesRoles, of: user, to: "draft minutes")
        let view = try meeting(id)
        guard view.definition.date <= today() else {
            throw .invalidInput("\(id) meets on \(view.definition.date): minutes are drafted after the meeting")
        }
        let proceedings = try proceedings(of: id)
        guard proceedings.attendance != nil else {
            throw .invalidInput("record who attended \(id) first: the minutes begin with it")
        }
        try archive { () throws(ArchiveError) in
            try store.requireSchema(.board3)
            try store.requireSchema(.archiveFormat2)
            try store.requireSchema(.archiveFormat5)  // the chair's signature, at the end
        }
        let stamp = ActorStamp(user: user, role: grant.role, onBehalfOf: grant.onBehalfOf, systemUser: systemUser)
        let reference = Self.minutesReference(of: id)
        try startMinutes(reference, of: view, stamp: stamp)
        if proceedings.minutesReference == nil {
            // Against the log as read: of two clerks drafting at once, one names the minutes
            // and the other is told the meeting's log changed.
            try appendBoard(
                .meeting, id, .minutes(reference: reference), user: user, grant: grant, expectedLength: view.logLength)
        }
        let minutes = try submission(reference)
        guard minutes.state == minutes.workflow.initialState else {
            throw .invalidInput(
                "the minutes of \(id) are \(minutes.workflow.stateLabel(minutes.state).lowercased()): return them "
                    + "for correction before redrafting")
        }
        var added = 0
        // Each correction starts a new version; every addition checks the pack is still the
        // draft read here (a circulation meanwhile binds it: the redraft is then refused).
        let version =
            1
            + minutes.events.filter { event in
                if case .transition(let transition) = event.body {
                    return transition.to == minutes.workflow.initialState
                }
                return false
            }.count
        var expectedSequence = minutes.sequence
        for part in MinutesPart.allCases {
            guard let document = try minutesDocument(id, part: part, version: version) else { continue }
            for format in ReportFormat.allCases {
                let bytes = try render(document, format: format, created: minutes.record.created)
                let sha = ArchiveStore.sha256(bytes)
                let title = "\(document.title) (\(format.rawValue.uppercased()))"
                guard !minutes.documents.contains(where: { $0.sha256 == sha }) else { continue }
                let previous = try submission(reference).documents.first { $0.kind == .minutes && $0.title == title }
                let suffix = part == .confidential ? "-confidential" : ""
                _ = try addDocument(
                    to: reference, content: bytes,
                    description: DocumentDescription(
                        kind: .minutes, title: title,
                        originalFileName: "minutes-\(id)\(suffix).\(format.rawValue)", date: today(),
                        creator: Party(person: nil, organisation: view.definition.board),
                        direction: .internal,
                        description: part == .public
                            ? "The minutes of \(id), exempt items' decisions left out"
                            : "The confidential part of the minutes of \(id): exempt items only",
                        protectiveMarking: part == .public ? "OFFICIAL" : Self.confidentialMinutesMarking,
                        relations: previous.map { [Relation(kind: .replaces, target: $0.sha256)] } ?? []),
                    stamp: stamp, expectedSequence: expectedSequence)
                expectedSequence += 1
                added += 1
            }
        }
        return (reference, added)
    }

    /// Creates the minutes' submission unless it exists (completing one a crash left without
    /// its `submission.xml`).
    private func startMinutes(_ reference: String, of view: MeetingView, stamp: ActorStamp) throws(DocketError) {
        guard !store.hasSubmissionRecord(reference) else { return }
        let (definition, bytes) = try workflow(named: Self.minutesWorkflow)
        try archive { () throws(ArchiveError) in
            try store.pinWorkflow(bytes, digest: definition.digest)
            _ = try store.reserveReference(reference)
        }
        do {
            try writeSubmissionRecord(
                SubmissionRecord(
                    reference: reference,
                    title: "Minutes: \(view.definition.board), \(Wording.longDate(view.definition.date))",
                    series: nil, service: view.definition.board, workflowName: definition.name,
                    workflowDigest: definition.digest, created: now(), createdBy: stamp))
        } catch .archive(.alreadyExists) {
            // Another clerk's drafting created it first: theirs is the same submission.
        }
    }

    // MARK: - Reading

    /// The meeting whose minutes a submission carries, if it carries any.
    public func minutedMeeting(of reference: String) throws(DocketError) -> String? {
        guard reference.hasPrefix("MIN-") else { return nil }
        let id = String(reference.dropFirst("MIN-".count))
        guard ArchiveStore.isSafeName(id), store.boardLogExists(.meeting, id) else { return nil }
        return try proceedings(of: id).minutesReference == reference ? id : nil
    }

    /// Where a meeting's minutes stand, nil before they are drafted.
    public func minutesStatus(of id: String, for user: String? = nil) throws(DocketError) -> MinutesStatus? {
        guard let reference = try proceedings(of: id).minutesReference else { return nil }
        let view = try submission(reference, for: user)
        var status = MinutesStatus(
            reference: reference, state: view.state, stateLabel: view.workflow.stateLabel(view.state),
            documents: view.documents)
        for event in view.events {
            guard case .transition(let transition) = event.body else { continue }
            switch transition.name {
            case Self.approveMinutesEvent: status.approvedAt = transition.fields[WorkflowField.approvedAt]
            case Self.signMinutesEvent:
                status.signedBy = event.actor.user
                status.signed = event.time
            default:
                // A correction sends them back to draft: what was approved or signed before no
                // longer stands.
                if transition.to == view.workflow.initialState {
                    status.approvedAt = nil
                    status.signedBy = nil
                    status.signed = nil
                }
            }
        }
        return status
    }

    // MARK: - Rules

    /// Refuses an approval naming a meeting that is not a later meeting of the same board,
    /// held since the minutes were last circulated: minutes are approved as a correct record
    /// by a meeting that has seen them.
    func requireApprovingMeeting(_ named: String, forMinutes reference: String) throws(DocketError) {
        try requireMeeting(named)
        guard let minuted = try minutedMeeting(of: reference) else { return }
        if let refusal = Self.approvalRefusal(
            by: try meeting(named), of: try meeting(minuted), circulated: try latestCirculation(of: reference),
            today: today())
        {
            throw .invalidInput(refusal)
        }
    }

    /// Why `approving` cannot approve the minutes of `minuted`, circulated last on `circulated`;
    /// nil when it can. The one rule behind the refusal and the list a form offers.
    static func approvalRefusal(
        by approving: MeetingView, of minuted: MeetingView, circulated: CalendarDate?, today: CalendarDate
    ) -> String? {
        let (named, date) = (approving.id, approving.definition.date)
        let held = minuted.definition.date
        if approving.definition.board != minuted.definition.board {
            return "minutes of the \(minuted.definition.board) are approved at one of its own meetings, not at "
                + "\(named) (\(approving.definition.board))"
        }
        if let circulated, date < circulated {
            return "\(named) met on \(date), before these minutes were circulated (\(circulated)): they are "
                + "approved at a meeting that has seen them"
        }
        if date <= held {
            return "minutes are approved at a later meeting: \(named) (\(date)) is not after \(minuted.id) (\(held))"
        }
        if date > today { return "\(named) meets on \(date): record the approval once it has met" }
        return nil
    }
}

/// The minutes' steps, named by their meeting: each fires the minutes' workflow as any event
/// is fired (the workflow checks the role, the pack and the fields).
extension DocketArchive {
    /// Where the minutes' workflow stands for a meeting, or why there is nothing to act on.
    func requireMinutes(of id: String) throws(DocketError) -> String {
        guard let reference = try proceedings(of: id).minutesReference else {
            throw .invalidInput("the minutes of \(id) are not drafted yet (docket minutes draft \(id))")
        }
        return reference
    }

    /// Circulates the draft minutes to members, binding their pack.
    @discardableResult
    public func circulateMinutes(of id: String, as user: String, expectedSequence: Int? = nil) throws(DocketError)
        -> FiredEvent
    {
        try fire(
            Self.circulateMinutesEvent, on: try requireMinutes(of: id), as: user, expectedSequence: expectedSequence)
    }

    /// Records that a later meeting approved the circulated minutes as a correct record.
    @discardableResult
    public func approveMinutes(of id: String, at meeting: String, as user: String, expectedSequence: Int? = nil)
        throws(DocketError) -> FiredEvent
    {
        try fire(
            Self.approveMinutesEvent, on: try requireMinutes(of: id), as: user,
            fields: [WorkflowField.approvedAt: meeting], expectedSequence: expectedSequence)
    }

    /// The chair signs the approved minutes: the event records the SHA-256 of every document.
    @discardableResult
    public func signMinutes(of id: String, as user: String, expectedSequence: Int? = nil) throws(DocketError)
        -> FiredEvent
    {
        try fire(Self.signMinutesEvent, on: try requireMinutes(of: id), as: user, expectedSequence: expectedSequence)
    }

    /// Sends circulated or approved minutes back to draft for correction, saying what is wrong.
    @discardableResult
    public func returnMinutes(of id: String, comment: String, as user: String, expectedSequence: Int? = nil)
        throws(DocketError) -> FiredEvent
    {
        try fire(
            Self.returnMinutesEvent, on: try requireMinutes(of: id), as: user, comment: comment,
            expectedSequence: expectedSequence)
    }
}

extension DocketArchive {
    /// The meetings that can approve a set of minutes (see `approvalRefusal`), the most recent
    /// first. Empty for a submission that is not minutes.
    public func approvingMeetings(forMinutes reference: String) throws(DocketError) -> [MeetingView] {
        guard let minuted = try minutedMeeting(of: reference) else { return [] }
        let minutedView = try meeting(minuted)
        let circulated = try latestCirculation(of: reference)
        let today = today()
        var meetings: [MeetingView] = []
        for id in meetingIDs() {
            let view = try meeting(id)
            if Self.approvalRefusal(by: view, of: minutedView, circulated: circulated, today: today) == nil {
                meetings.append(view)
            }
        }
        return meetings.sorted { $0.definition.date > $1.definition.date }
    }
}

extension DocketArchive {
    /// Whether `user` may draft (or redraft) a meeting's minutes now: a clerk, the meeting
    /// held, the minutes not started or still in draft. (Attendance not yet recorded is said
    /// when they try.)
    public func mayDraftMinutes(of id: String, as user: String) throws(DocketError) -> Bool {
        guard (try? require(Self.minutesRoles, of: user, to: "draft minutes")) != nil else { return false }
        guard try meeting(id).definition.date <= today() else { return false }
        guard let status = try minutesStatus(of: id) else { return true }
        return status.state == (try workflow(named: Self.minutesWorkflow)).definition.initialState
    }
}

extension DocketArchive {
    /// The London date of the minutes' latest circulation, nil before any.
    func latestCirculation(of reference: String) throws(DocketError) -> CalendarDate? {
        let view = try submission(reference)
        let circulation = view.events.last { event in
            if case .transition(let transition) = event.body { return transition.name == Self.circulateMinutesEvent }
            return false
        }
        return circulation.map { calendar.londonDate(of: $0.time) }
    }
}
