import Archive
import Foundation
import Workflow

/// One record's place in the retention schedule: a document of a submission, its class, and
/// when its period runs out.
public struct RetentionRecord: Sendable, Hashable {
    public var submission: String
    public var submissionTitle: String
    public var sha256: String
    /// The document's title (a placeholder for a reader not cleared for it).
    public var title: String
    public var kind: DocumentKind
    public var retentionClass: RetentionClass
    /// The day the trigger happened (the matter closed, the meeting met, the document's date).
    public var triggerDate: CalendarDate
    /// The day the period ran out.
    public var due: CalendarDate
    /// The hold in force on its submission, if any: while it lasts the record stays.
    public var hold: RetentionLedger.Hold?
    /// The list not yet carried out that names it, if any.
    public var list: String?
    /// Transferred to the record office already (its content stays until a list destroys it).
    public var transferred: Bool
}

/// A record the schedule covers and the archive still holds, as every reader's review starts from.
struct RetentionCandidate: Sendable {
    var record: RetentionRecord
    /// Its document's protective marking, for withholding its title from a reader not cleared.
    var marking: String
}

/// Every submission's candidates, and how many records no rule covers.
struct RetentionCandidates: Sendable {
    var records: [RetentionCandidate]
    var unclassified: Int
}

/// What `retentionReview` found.
public struct RetentionReview: Sendable {
    /// The day the review was made for (today, by the archive's clock).
    public var asOf: CalendarDate
    /// Records whose period has run out and that are still held, by due date.
    public var due: [RetentionRecord]
    /// How many records no rule of the schedule covers (they are kept).
    public var unclassified: Int
    /// The schedule's title, or nil when the archive has no schedule.
    public var scheduleTitle: String?
    public var ledger: RetentionLedger
}

extension DocketArchive {
    /// Records managers propose disposal lists and carry them out.
    public static let recordsRoles: Set<Role> = [.recordsManager]
    /// Holds are placed and released by a records manager or an administrator.
    public static let holdRoles: Set<Role> = [.recordsManager, .admin]
    /// A list is approved by an officer or an administrator, never by its proposer.
    public static let disposalApprovalRoles: Set<Role> = [.officer, .admin]
    /// Who may read what is due, the holds and the lists.
    public static let retentionReaderRoles: Set<Role> = [.recordsManager, .admin, .officer]

    /// The note the index keeps for a destroyed document in place of its text.
    static func destroyedTextNote(_ disposal: DocumentDisposal) -> String {
        destroyedNotePrefix + disposal.list
    }
    static let destroyedNotePrefix = "destroyed under disposal list "

    // MARK: - The schedule

    /// The archive's retention schedule, checked.
    ///
    /// - Throws: `.invalidInput` when the archive has none (with how to add the default).
    public func retentionSchedule() throws(DocketError) -> RetentionSchedule {
        guard let schedule = try archive({ () throws(ArchiveError) in try store.retentionSchedule() }) else {
            throw .invalidInput(
                "this archive has no retention schedule (\(ArchiveStore.retentionScheduleFile)); run 'docket init "
                    + "--upgrade' to add the default one, or 'docket retention import FILE.csv'")
        }
        try schedule.checkPeriods()
        try schedule.checkRules()
        return schedule
    }

    /// Replaces the retention schedule with one read from CSV (see `RetentionScheduleCSV`), for a
    /// records manager or an administrator. The old schedule is replaced whole; certificates
    /// already written keep the class and authority they applied.
    @discardableResult
    public func importRetentionSchedule(csv text: String, title: String, as user: String) throws(DocketError)
        -> RetentionSchedule
    {
        _ = try requireOwnRight(Self.holdRoles, of: user, to: "change the retention schedule")
        let schedule = try RetentionScheduleCSV.parse(text, title: title)
        try archive { () throws(ArchiveError) in try store.writeRetentionSchedule(schedule) }
        noteArchiveChange()  // what is due is cached until the archive changes
        return schedule
    }

    // MARK: - What is due

    /// The holds and lists, for someone who reads retention.
    public func retentionLedger(as user: String) throws(DocketError) -> RetentionLedger {
        _ = try require(Self.retentionReaderRoles, of: user, to: "read the holds and disposal lists")
        return try retentionLedger()
    }

    /// The retention log as it stands.
    public func retentionLedger() throws(DocketError) -> RetentionLedger {
        RetentionLedger(log: try archive { () throws(ArchiveError) in try store.retentionLog() })
    }

    /// Every record whose retention period has run out by today and that is still held, with
    /// its class, action and any hold, for someone who reads retention. Restricted documents
    /// listed are recorded in the access log as viewed (one entry per submission), as a
    /// submission's page records them; a reader not cleared sees a placeholder for their titles.
    public func retentionReview(as user: String, from address: String? = nil) throws(DocketError) -> RetentionReview {
        try review(as: user, from: address, recordingViews: true)
    }

    /// The review; `recordingViews` false for a step that shows nothing (proposing, keeping).
    func review(as user: String, from address: String?, recordingViews: Bool) throws(DocketError) -> RetentionReview {
        _ = try require(Self.retentionReaderRoles, of: user, to: "review records due for disposal")
        let permissions = try permissions(for: user)
        let schedule = try retentionSchedule()
        let ledger = try retentionLedger()
        let today = calendar.londonDate(of: now())
        let candidates = try retentionCandidates(schedule)
        let exempt = permissions.isCleared ? [:] : try exemptSubmissions()
        var due: [RetentionRecord] = []
        var restricted: [String: [Withholding]] = [:]
        for candidate in candidates.records where candidate.record.due <= today {
            var record = candidate.record
            guard ledger.keeping(record.submission, record.sha256, on: today) == nil else { continue }
            if let restriction = Self.restriction(candidate, exempt: exempt, clearance: permissions.clearance) {
                restricted[record.submission, default: []].append(restriction)
                if !permissions.isCleared { record.title = WithheldDocument.placeholderName }
            }
            record.hold = ledger.hold(on: record.submission)
            record.list = ledger.openList(naming: record.submission, record.sha256)?.id
            due.append(record)
        }
        // Recorded before anything is shown: if it cannot be, the review is refused.
        if recordingViews {
            for (reference, withholdings) in restricted.sorted(by: { $0.key < $1.key }) {
                let first = withholdings[0]
                let what =
                    withholdings.count == 1
                    ? "\(first.what) listed for retention"
                    : "\(withholdings.count) restricted documents listed for retention"
                try recordRestricted(
                    .view, by: permissions, item: reference, what: what, withholding: first, from: address)
            }
        }
        due.sort { ($0.due, $0.submission, $0.sha256) < ($1.due, $1.submission, $1.sha256) }
        return RetentionReview(
            asOf: today, due: due, unclassified: candidates.unclassified, scheduleTitle: schedule.title, ledger: ledger)
    }

    /// Why a candidate is restricted material (as `restriction(of:in:under:)` says of its document).
    private static func restriction(
        _ candidate: RetentionCandidate, exempt: [String: (meeting: String, paragraph: Int)], clearance: Clearance
    ) -> Withholding? {
        if let item = exempt[candidate.record.submission] {
            return .exempt(meeting: item.meeting, paragraph: item.paragraph)
        }
        return clearance.isOpen(marking: candidate.marking) ? nil : .marked(candidate.marking)
    }

    /// Every classified record still held, with the day its period runs out — whatever today is,
    /// whoever asks: computed from every submission (on every core), kept until the archive changes.
    func retentionCandidates(_ schedule: RetentionSchedule) throws(DocketError) -> RetentionCandidates {
        // Keyed by the schedule's bytes too: a schedule edited as a file changes nothing the index sees.
        let version = try archive { () throws(ArchiveError) in try store.retentionScheduleSHA256() }
        return try derived("retention-candidates/\(version)") { () throws(DocketError) in
            let references = store.submissionReferences()
            let results = ResultSlots<Result<RetentionCandidates, DocketError>>(count: references.count)
            DispatchQueue.concurrentPerform(iterations: references.count) { position in
                results.set(
                    position,
                    Result { () throws(DocketError) in try candidates(of: references[position], under: schedule) })
            }
            var all = RetentionCandidates(records: [], unclassified: 0)
            for result in results.values {
                let one = try result.get()
                all.records += one.records
                all.unclassified += one.unclassified
            }
            return all
        }
    }

    /// One submission's classified records still held, with their due days.
    private func candidates(of reference: String, under schedule: RetentionSchedule) throws(DocketError)
        -> RetentionCandidates
    {
        let view = try wholeView(try readSubmission(reference), allowedFor: nil)
        let disposals = view.disposals
        var result = RetentionCandidates(records: [], unclassified: 0)
        var seen = Set<String>()
        let filed = view.correspondence.flatMap { [$0.message] + $0.attachments }
        for metadata in view.documents + view.departedDocuments.map(\.metadata) + filed
        where seen.insert(metadata.sha256).inserted {
            let disposal = disposals[metadata.sha256]
            if disposal?.action == .destroy { continue }
            guard
                let retentionClass = schedule.retentionClass(
                    series: view.record.series, workflow: view.record.workflowName, kind: metadata.kind)
            else {
                result.unclassified += 1
                continue
            }
            guard let period = retentionClass.period, retentionClass.action != .keepPermanently,
                !(retentionClass.action == .transfer && disposal?.action == .transfer),
                let trigger = try triggerDate(retentionClass.trigger, of: metadata, in: view)
            else { continue }
            result.records.append(
                RetentionCandidate(
                    record: RetentionRecord(
                        submission: reference, submissionTitle: view.record.title, sha256: metadata.sha256,
                        title: metadata.title, kind: metadata.kind, retentionClass: retentionClass,
                        triggerDate: trigger, due: period.after(trigger), hold: nil, list: nil,
                        transferred: disposal?.action == .transfer),
                    marking: metadata.protectiveMarking))
        }
        return result
    }

    /// The day a class's period starts for one record; nil when it has not happened (the
    /// matter is still open, the submission never went to a meeting).
    private func triggerDate(
        _ trigger: RetentionTrigger, of metadata: DocumentMetadata, in view: SubmissionView
    ) throws(DocketError) -> CalendarDate? {
        switch trigger {
        case .documentDate:
            return metadata.date ?? calendar.londonDate(of: metadata.added)
        case .submissionClosed:
            guard view.isFinal else { return nil }
            let closing = view.events.last { if case .transition = $0.body { true } else { false } }
            return calendar.londonDate(of: closing?.time ?? view.record.created)
        case .meetingDate:
            let meeting =
                try minutedMeeting(of: view.record.reference) ?? Self.scheduling(of: view)?.meeting
            guard let meeting else { return nil }
            return try? self.meeting(meeting).definition.date  // cached until the archive changes
        }
    }

    // MARK: - Holds

    /// Places a hold on submissions: none of their records may be destroyed or transferred
    /// until it is released, whatever the schedule says. For a records manager or an
    /// administrator; recorded in the retention log.
    @discardableResult
    public func placeHold(reason: String, on references: [String], caseReference: String? = nil, as user: String)
        throws(DocketError) -> RetentionLedger.Hold
    {
        let grant = try requireOwnRight(Self.holdRoles, of: user, to: "place a hold on records")
        let reason = try Self.requiredText(reason, "say why the records are held (an inquiry, litigation, a request)")
        var seen = Set<String>()
        let references = references.filter { seen.insert($0).inserted }
        guard !references.isEmpty else { throw .invalidInput("name at least one submission to hold") }
        for reference in references where !store.hasSubmissionRecord(reference) {
            throw .archive(.noSuchSubmission(reference: reference))
        }
        let caseReference = caseReference.map { $0.trimmingCharacters(in: .whitespacesAndNewlines) }
        // Under the retention lock: a disposal checks for holds under it, just before each write.
        let lock = try archive { () throws(ArchiveError) in try store.lockRetention() }
        defer { lock.release() }
        let ledger = try retentionLedger()
        let id = ledger.nextHoldID
        try appendRetention(
            .holdPlaced(
                id: id, reason: reason, submissions: references,
                caseReference: caseReference?.isEmpty == false ? caseReference : nil), ledger, grant, user)
        return try retentionLedger().holds.first { $0.id == id }!
    }

    /// Releases a hold, saying why.
    public func releaseHold(_ id: String, reason: String, as user: String) throws(DocketError) {
        let grant = try requireOwnRight(Self.holdRoles, of: user, to: "release a hold")
        let reason = try Self.requiredText(reason, "say why the hold is released")
        let ledger = try retentionLedger()
        guard let hold = ledger.holds.first(where: { $0.id == id }) else {
            throw .notFound(kind: "hold", id: id, known: ledger.holds.map(\.id))
        }
        guard hold.isInForce else { throw .invalidInput("hold \(id) was released already") }
        try appendRetention(.holdReleased(hold: id, reason: reason), ledger, grant, user)
    }

    // MARK: - Review

    /// Records a review's decision to keep due records (of some classes or submissions, or all
    /// due for review) until a later day, saying why: they are not due again before it. For a
    /// records manager.
    ///
    /// - Returns: how many records are kept.
    @discardableResult
    public func keepRecords(
        classes: [String] = [], submissions: [String] = [], until: CalendarDate, reason: String, as user: String
    ) throws(DocketError) -> Int {
        let grant = try requireOwnRight(Self.recordsRoles, of: user, to: "decide to keep records on review")
        let reason = try Self.requiredText(reason, "say why the records are kept")
        let review = try review(as: user, from: nil, recordingViews: false)
        guard until > review.asOf else { throw .invalidInput("keep them until a day after today (\(review.asOf))") }
        let chosen = review.due.filter { record in
            record.list == nil
                && (classes.isEmpty
                    ? record.retentionClass.action == .review : classes.contains(record.retentionClass.id))
                && (submissions.isEmpty || submissions.contains(record.submission))
        }
        guard !chosen.isEmpty else { throw .invalidInput("no due record (not on an open list) matches") }
        try appendRetention(
            .recordsKept(
                until: until, reason: reason, classes: Self.appliedClasses(chosen), records: Self.listed(chosen)),
            review.ledger, grant, user)
        return chosen.count
    }

    // MARK: - Disposal lists

    /// Proposes a list of due records for one action, for a records manager: records whose
    /// class says that action (or review: proposing is the review's decision), optionally only
    /// of some classes or submissions; none on hold and none already on an open list.
    ///
    /// - Throws: `.onHold` when a submission named is under a hold; `.invalidInput` when
    ///   nothing is due for the action.
    @discardableResult
    public func proposeDisposal(
        _ action: DisposalAction, classes: [String] = [], submissions: [String] = [], comment: String? = nil,
        as user: String
    ) throws(DocketError) -> RetentionLedger.DisposalList {
        let grant = try requireOwnRight(Self.recordsRoles, of: user, to: "propose records for disposal")
        let review = try review(as: user, from: nil, recordingViews: false)
        for reference in submissions {
            guard store.hasSubmissionRecord(reference) else { throw .archive(.noSuchSubmission(reference: reference)) }
            if let hold = review.ledger.hold(on: reference) {
                throw .onHold(reference: reference, hold: hold.id, reason: hold.reason)
            }
        }
        var chosen = review.due.filter { record in
            let fits =
                record.retentionClass.action.rawValue == action.rawValue || record.retentionClass.action == .review
            return fits && record.hold == nil && record.list == nil
                && (classes.isEmpty || classes.contains(record.retentionClass.id))
                && (submissions.isEmpty || submissions.contains(record.submission))
                && !(action == .transfer && record.transferred)
        }
        if action == .destroy { chosen = try withoutAttachmentsOfKeptMessages(chosen) }
        guard !chosen.isEmpty else {
            throw .invalidInput(
                "no record is due to \(action.rawValue)\(classes.isEmpty ? "" : " in " + classes.joined(separator: ", ")) "
                    + "that is not on hold or on an open list (see 'docket retention due')")
        }
        let id = review.ledger.nextListID(action, year: review.asOf.year)
        let note = comment.map { LineEndings.normalised($0).trimmingCharacters(in: .whitespacesAndNewlines) }
        let schedule = try archive { () throws(ArchiveError) in try store.retentionScheduleSHA256() }
        try appendRetention(
            .listProposed(
                id: id, action: action, comment: note?.isEmpty == false ? note : nil, schedule: schedule,
                classes: Self.appliedClasses(chosen), records: Self.listed(chosen)),
            review.ledger, grant, user)
        return try retentionLedger().list(id)!
    }

    /// Approves a proposed list, for an officer or an administrator who did not propose it,
    /// naming the service they answer for.
    ///
    /// - Throws: `.notPermitted` for the proposer; `.onHold` when a record's submission has
    ///   been put on hold since the list was proposed.
    public func approveDisposal(_ id: String, service: String, comment: String? = nil, as user: String)
        throws(DocketError)
    {
        let grant = try requireOwnRight(Self.disposalApprovalRoles, of: user, to: "approve a disposal list")
        let service = try Self.requiredText(service, "name the service you answer for in approving this list")
        let ledger = try retentionLedger()
        let list = try openList(id, in: ledger)
        guard list.status == .proposed else { throw .invalidInput("\(id) is approved already") }
        guard list.proposedBy.user != user else {
            throw .notPermitted(
                user: user, action: "approve \(id), which they proposed (a second person must)",
                roles: Self.disposalApprovalRoles.sorted())
        }
        try requireNoHold(on: list, ledger)
        let note = comment.map { LineEndings.normalised($0).trimmingCharacters(in: .whitespacesAndNewlines) }
        try appendRetention(
            .listApproved(list: id, service: service, comment: note?.isEmpty == false ? note : nil), ledger, grant, user
        )
    }

    /// Cancels a list not yet carried out, saying why (a records manager or an administrator).
    public func cancelDisposal(_ id: String, reason: String, as user: String) throws(DocketError) {
        let grant = try requireOwnRight(Self.holdRoles, of: user, to: "cancel a disposal list")
        let reason = try Self.requiredText(reason, "say why the list is cancelled")
        let lock = try archive { () throws(ArchiveError) in try store.lockRetention() }
        defer { lock.release() }
        let ledger = try retentionLedger()
        let list = try openList(id, in: ledger)
        // Once any record is disposed of, the list must be finished: a cancelled list would leave
        // content gone without its certificate.
        for reference in list.submissions where Self.disposalEvent(for: id, in: try readSubmission(reference)) != nil {
            throw .invalidInput(
                "\(id) has been started (\(reference)'s records are recorded as disposed of): finish it with "
                    + "'docket retention dispose \(id)'; it cannot be cancelled")
        }
        try appendRetention(.listCancelled(list: id, reason: reason), ledger, grant, user)
    }

    /// An email's attachment travels inside the email's own bytes: destroying it while the
    /// email is kept would leave its content in the archive. It goes only with its email (in the
    /// same list, or destroyed already).
    private func withoutAttachmentsOfKeptMessages(_ records: [RetentionRecord]) throws(DocketError) -> [RetentionRecord]
    {
        let chosen = Set(records.map { "\($0.submission)/\($0.sha256)" })
        var destroyedBy: [String: Set<String>] = [:]
        var kept: [RetentionRecord] = []
        for record in records {
            let metadata = try archive { () throws(ArchiveError) in
                try store.documentMetadata(record.submission, sha256: record.sha256)
            }
            let messages = metadata.relations.filter { $0.kind == .partOf }.map(\.target)
            if !messages.isEmpty, destroyedBy[record.submission] == nil {
                let disposals = try submission(record.submission).disposals
                destroyedBy[record.submission] = Set(disposals.filter { $0.value.action == .destroy }.keys)
            }
            let withItsMessage = messages.allSatisfy {
                chosen.contains("\(record.submission)/\($0)") || destroyedBy[record.submission]?.contains($0) == true
            }
            if withItsMessage { kept.append(record) }
        }
        return kept
    }

    /// The records as a list names them.
    static func listed(_ records: [RetentionRecord]) -> [ListedRecord] {
        records.map {
            ListedRecord(
                submission: $0.submission, sha256: $0.sha256, retentionClass: $0.retentionClass.id, due: $0.due)
        }
    }

    /// The classes of `records`, as the schedule states them now, once each.
    static func appliedClasses(_ records: [RetentionRecord]) -> [AppliedClass] {
        var seen = Set<String>()
        return records.map(\.retentionClass).filter { seen.insert($0.id).inserted }.map(AppliedClass.init)
    }

    /// A list that may still be acted on.
    private func openList(_ id: String, in ledger: RetentionLedger) throws(DocketError) -> RetentionLedger.DisposalList
    {
        guard let list = ledger.list(id) else {
            throw .notFound(kind: "disposal list", id: id, known: ledger.lists.map(\.id))
        }
        switch list.status {
        case .cancelled: throw .invalidInput("\(id) was cancelled (\(list.cancellationReason ?? ""))")
        case .carriedOut: throw .invalidInput("\(id) was carried out already; see 'docket retention report'")
        case .proposed, .approved: return list
        }
    }

    /// Refuses while any submission of the list is under a hold, naming the hold and its reason.
    func requireNoHold(on list: RetentionLedger.DisposalList, _ ledger: RetentionLedger) throws(DocketError) {
        for reference in list.submissions {
            if let hold = ledger.hold(on: reference) {
                throw .onHold(reference: reference, hold: hold.id, reason: hold.reason)
            }
        }
    }

    // MARK: - Plumbing

    /// Appends to the retention log after `ledger`: if another entry was written since it was
    /// read, the write is refused as a conflict (look again, retry), never interleaved.
    func appendRetention(
        _ body: RetentionLogEntry.Body, _ ledger: RetentionLedger, _ grant: Actor.Grant, _ user: String
    ) throws(DocketError) {
        let entry = RetentionLogEntry(
            sequence: ledger.length + 1, previous: ledger.headSHA256, at: now(),
            actor: ActorStamp(user: user, role: grant.role, systemUser: systemUser), body: body)
        try archive { () throws(ArchiveError) in
            try store.requireSchema(.retention)
            try store.appendRetentionLogEntry(entry)
        }
    }

    /// A role held in one's own right: retention steps name the person who answers for them,
    /// so a delegated role does not serve.
    func requireOwnRight(_ roles: Set<Role>, of user: String, to action: String) throws(DocketError) -> Actor.Grant {
        let grant = try require(roles, of: user, to: action)
        guard grant.onBehalfOf == nil else {
            throw .notPermitted(user: user, action: "\(action) on someone else's behalf", roles: roles.sorted())
        }
        return grant
    }

    static func requiredText(_ text: String, _ refusal: String) throws(DocketError) -> String {
        let trimmed = LineEndings.normalised(text).trimmingCharacters(in: .whitespacesAndNewlines)
        guard !trimmed.isEmpty else { throw .invalidInput(refusal) }
        return trimmed
    }
}
