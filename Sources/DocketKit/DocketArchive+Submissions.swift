import Archive
import Foundation
import Workflow

/// Everything known about one submission, derived from its files.
public struct SubmissionView: Sendable {
    public var record: SubmissionRecord
    public var workflow: WorkflowDefinition
    /// Derived by replaying the events through the pinned workflow; never stored as truth.
    public var state: String
    public var isFinal: Bool
    /// The number of the last event of any kind (what `--expect-seq` compares with).
    public var sequence: Int
    /// When the current state must be left, if it has a deadline.
    public var deadline: CalendarDate?
    public var isOverdue: Bool
    /// The documents in the pack now.
    public var documents: [DocumentMetadata]
    /// The documents that were in the pack and left it (removed, or replaced by a newer one):
    /// still archived, shown apart.
    public var departedDocuments: [DepartedDocument]
    public var events: [StoredEvent]
    /// The events the asking user may fire now (empty when no user was named).
    public var allowedNow: [String]
    /// The pack bound by the sign-off in force, if any.
    public var signedPack: [PackDocument]?
    /// Documents of this submission (in the pack or departed from it) that the asking user
    /// may not see: left out of `documents` and `departedDocuments`, and their names replaced
    /// by `WithheldDocument.placeholderName` in the events and the signed pack.
    public var withheld: [WithheldDocument] = []
    /// Email filed to the submission, in filing order: recorded in its history, outside its pack.
    public var correspondence: [FiledMessage] = []
}

/// What became of a document under a disposal list (see `SubmissionView.disposals`).
public struct DocumentDisposal: Sendable, Hashable {
    public var list: String
    public var action: DisposalAction
    /// When the disposal was recorded in the submission's chain.
    public var time: Date
    /// For a transfer: the record office, and where the bag went.
    public var transferred: RecordsDisposal.Transferred?
}

extension DocumentDisposal {
    /// Document SHA-256 → its disposal, from a chain's disposal events (a destruction wins over
    /// an earlier transfer).
    static func all(in events: some Sequence<StoredEvent>) -> [String: DocumentDisposal] {
        var result: [String: DocumentDisposal] = [:]
        for event in events {
            guard case .recordsDisposed(let disposal) = event.body else { continue }
            for disposed in disposal.documents where result[disposed.document.sha256]?.action != .destroy {
                result[disposed.document.sha256] = DocumentDisposal(
                    list: disposal.list, action: disposal.action, time: event.time,
                    transferred: disposal.transferred)
            }
        }
        return result
    }
}

extension SubmissionView {
    /// Document SHA-256 → its disposal (see `DocumentDisposal.all(in:)`).
    public var disposals: [String: DocumentDisposal] { DocumentDisposal.all(in: events) }
}

/// A document that left a submission's pack: its metadata and how it left.
public struct DepartedDocument: Sendable {
    public var metadata: DocumentMetadata
    public var departure: PackContents.Departure
}

/// What `fire` recorded.
public struct FiredEvent: Sendable {
    /// The event as written to the archive.
    public var event: StoredEvent
    /// The state the submission is now in.
    public var state: String
    /// The SHA-256 of the event's file: the chain's new head.
    public var fileSHA256: String
}

/// A line of `submission list`.
public struct SubmissionSummary: Sendable {
    public var reference: String
    public var title: String
    public var workflow: String
    /// The state's id (what filters, links and JSON carry).
    public var state: String
    /// What a person reads for the state (`docket:label` in the workflow).
    public var stateLabel: String
    public var deadline: CalendarDate?
    public var isOverdue: Bool
    public var lastActivity: Date
    /// Why it was sent back to its state, where a list says so (`waiting(for:)`); nil otherwise.
    public var returnNote: ReturnNote? = nil
}

/// What a new document is, as an officer describes it.
public struct DocumentDescription: Sendable {
    public var kind: DocumentKind
    public var title: String
    public var originalFileName: String
    public var date: CalendarDate?
    public var creator: Party?
    public var addressees: [Party]
    public var annex: String?
    /// Defaults by kind: submission, cover letter and annex go out; responses and
    /// correspondence come in; reports and minutes are internal.
    public var direction: Direction?
    public var description: String?
    public var protectiveMarking: String
    public var relations: [Relation]

    public init(
        kind: DocumentKind, title: String, originalFileName: String, date: CalendarDate? = nil, creator: Party? = nil,
        addressees: [Party] = [], annex: String? = nil, direction: Direction? = nil, description: String? = nil,
        protectiveMarking: String = "OFFICIAL", relations: [Relation] = []
    ) {
        self.kind = kind
        self.title = title
        self.originalFileName = originalFileName
        self.date = date
        self.creator = creator
        self.addressees = addressees
        self.annex = annex
        self.direction = direction
        self.description = description
        self.protectiveMarking = protectiveMarking
        self.relations = relations
    }
}

extension DocketArchive {
    /// Who may add documents to a pack.
    public static let documentRoles: Set<Role> = [.officer, .clerk]
    /// Who may start a submission.
    public static let submissionRoles: Set<Role> = [.officer]
    /// The largest document accepted (bytes).
    public static let maximumDocumentSize = 256 * 1024 * 1024

    // MARK: - Creating

    /// Starts a submission on the current definition of `workflowName`, pinning its digest.
    ///
    /// - Returns: the new reference, `PREFIX-YEAR-NN` (prefix: the series, else the
    ///   workflow's initials).
    public func newSubmission(
        workflow workflowName: String, title: String, series: String? = nil, service: String? = nil,
        as user: String
    ) throws(DocketError) -> String {
        let grant = try require(Self.submissionRoles, of: user, to: "start a submission")
        let title = title.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !title.isEmpty else { throw .invalidInput("the title must not be empty") }
        guard !title.contains(where: \.isNewline) else { throw .invalidInput("the title must be one line") }
        if let series {
            // A series is an obligation someone defined: its submissions follow its workflow.
            let defined = try seriesDefinition(series).definition
            guard defined.workflow == workflowName else {
                throw .invalidInput(
                    "series '\(series)' follows the workflow '\(defined.workflow)', not '\(workflowName)'")
            }
        }
        let (definition, bytes) = try workflow(named: workflowName)
        let created = now()
        let prefix = series?.uppercased() ?? Self.initials(of: definition.name)
        let year = calendar.londonDate(of: created).year
        let reference = try archive { () throws(ArchiveError) in
            try store.pinWorkflow(bytes, digest: definition.digest)
            return try store.allocateReference(prefix: prefix, year: year)
        }
        try writeSubmissionRecord(
            SubmissionRecord(
                reference: reference, title: title, series: series, service: service?.isEmpty == true ? nil : service,
                workflowName: definition.name, workflowDigest: definition.digest, created: created,
                createdBy: ActorStamp(
                    user: user, role: grant.role, onBehalfOf: grant.onBehalfOf, systemUser: systemUser)))
        return reference
    }

    /// Writes a new submission's identity and its head into its reserved directory (the
    /// workflow already pinned), then indexes it.
    func writeSubmissionRecord(_ record: SubmissionRecord) throws(DocketError) {
        try archive { () throws(ArchiveError) in
            try store.createSubmission(record)
            let anchor = try store.submission(record.reference).sha256
            try store.writeHead(record.reference, sequence: 0, sha256: anchor)
        }
        refreshIndex(for: record.reference)
    }

    /// Refuses anyone but a clerk a change to the pack of a set of minutes: what the chair
    /// signs is what the clerk drafted from the meeting's record.
    func requireMinutesRole(_ reference: String, user: String, grant: Actor.Grant) throws(DocketError) {
        guard grant.role != .clerk,
            let record = try? archive({ () throws(ArchiveError) in try store.submission(reference).record }),
            record.workflowName == Self.minutesWorkflow
        else { return }
        throw .notPermitted(user: user, action: "change the pack of minutes", roles: [.clerk])
    }

    static func initials(of name: String) -> String {
        name.split(separator: "-").compactMap(\.first).map { String($0).uppercased() }.joined()
    }

    // MARK: - Documents

    /// Archives a document in a submission's pack: the file, its metadata, then the event.
    ///
    /// - Parameter expectedSequence: refuse unless the submission's last event has this number,
    ///   checked under the submission's lock (optimistic concurrency for callers that showed
    ///   the user the pack, as `fire` has: two uploads made from the same view cannot both land).
    /// - Returns: the stored metadata (its `sha256` identifies the document).
    /// - Throws: for a role that may not add documents, a submission in a final state (its
    ///   pack is closed), a stale `expectedSequence`, an empty or oversized file, a document
    ///   already in the pack, or a conflict with another writer.
    @discardableResult
    public func addDocument(
        to reference: String, content: [UInt8], description: DocumentDescription, as user: String,
        expectedSequence: Int? = nil
    ) throws(DocketError) -> DocumentMetadata {
        let grant = try require(Self.documentRoles, of: user, to: "add documents")
        try requireMinutesRole(reference, user: user, grant: grant)
        let stamp = ActorStamp(user: user, role: grant.role, onBehalfOf: grant.onBehalfOf, systemUser: systemUser)
        return try addDocument(
            to: reference, content: content, description: description, stamp: stamp, expectedSequence: expectedSequence)
    }

    /// Archives a document for an actor already authorised (the public entry point checks roles;
    /// an import authorises its administrator once for every row). Every path that adds a
    /// document comes through here, so the rules below hold for all of them.
    func addDocument(
        to reference: String, content: [UInt8], description: DocumentDescription, stamp: ActorStamp,
        expectedSequence: Int? = nil
    ) throws(DocketError) -> DocumentMetadata {
        guard !content.isEmpty else { throw .invalidInput("the file is empty; nothing to archive") }
        guard content.count <= Self.maximumDocumentSize else {
            throw .invalidInput(
                Wording.overSizeLimit("the file", bytes: content.count, limit: Self.maximumDocumentSize))
        }
        let title = description.title.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !title.isEmpty else { throw .invalidInput("the document title must not be empty") }
        for relation in description.relations where !ArchiveStore.isSHA256(relation.target) {
            throw .invalidInput("relation target '\(relation.target)' is not a SHA-256")
        }
        let replaced = description.relations.filter { $0.kind == .replaces }.map(\.target)
        guard replaced.count <= 1 else { throw .invalidInput("a document can replace only one other document") }
        let sha = ArchiveStore.sha256(content)
        return try changingPack(of: reference, expectedSequence: expectedSequence) {
            (current) throws(DocketError) -> DocumentMetadata in
            try archiveDocument(
                sha, content: content, title: title, description: description, replaced: replaced.first,
                stamp: stamp, in: current)
        }
    }

    /// The part of adding a document done under the submission's lock, on the pack as read there.
    private func archiveDocument(
        _ sha: String, content: [UInt8], title: String, description: DocumentDescription, replaced: String?,
        stamp: ActorStamp, in current: CurrentSubmission
    ) throws(DocketError) -> DocumentMetadata {
        let reference = current.record.reference
        if current.pack.contains(where: { $0.sha256 == sha }) {
            throw .invalidInput("this file (\(sha)) is already in \(reference)'s pack")
        }
        try requireNeverDeparted(sha, from: current)
        // Destroyed content never comes back: storing it again would rewrite the metadata file
        // its events fixed and undo the disposal.
        if let disposal = DocumentDisposal.all(in: current.events.map(\.event))[sha], disposal.action == .destroy {
            throw .invalidInput(
                "this file (\(sha)) was destroyed in \(reference) under disposal list \(disposal.list); it cannot be "
                    + "archived there again")
        }
        if let target = replaced {
            guard let old = current.pack.first(where: { $0.sha256 == target }) else {
                throw .invalidInput(
                    "the document to replace (\(target)) is not in \(reference)'s pack: only a document in the pack "
                        + "can be replaced")
            }
            guard old.kind == description.kind else {
                throw .invalidInput(
                    "a \(description.kind.rawValue) cannot replace a \(old.kind.rawValue) (“\(old.name)”): "
                        + "replace a document with one of its own kind")
            }
            try archive { () throws(ArchiveError) in try store.requireSchema(.archiveFormat2) }
        }
        let added = now()
        let metadata = DocumentMetadata(
            sha256: sha, submission: reference, title: title, kind: description.kind, date: description.date,
            creator: description.creator, addressees: description.addressees,
            direction: description.direction ?? Self.defaultDirection(description.kind),
            annex: description.annex.flatMap { $0.isEmpty ? nil : $0 },
            format: MediaType.of(fileName: description.originalFileName, content: content), size: content.count,
            originalFileName: Self.baseName(description.originalFileName),
            storedAs: "\(sha).\(MediaType.storedExtension(of: description.originalFileName, content: content))",
            description: description.description, protectiveMarking: description.protectiveMarking,
            relations: description.relations, added: added, addedBy: stamp)
        try archive { () throws(ArchiveError) in
            let metadataSHA256 = try store.storeDocument(content, metadata: metadata)
            let event = StoredEvent(
                sequence: current.events.count + 1, submission: reference, time: added, actor: stamp,
                previous: current.headSHA256,
                body: .documentAdded(
                    metadata.packEntry, metadataSHA256: metadataSHA256, replaces: replaced))
            let written = try store.appendEvent(event)
            store.advanceHead(reference, sequence: event.sequence, sha256: written)
        }
        refreshIndex(for: reference)
        observer?.documentAdded()
        return metadata
    }

    /// Takes a document out of a submission's pack, with the reason. Its files stay archived
    /// and every event that cited it still does; the pack (and what a sign-off must bind) no
    /// longer holds it.
    ///
    /// - Parameter expectedSequence: as for `addDocument`, checked under the submission's lock.
    /// - Returns: the event recorded.
    /// - Throws: for a role that may not add documents, a closed pack, a stale sequence, a
    ///   document not in the pack, an empty reason, or an archive without format 2.
    @discardableResult
    public func removeDocument(
        _ sha256: String, from reference: String, reason: String, as user: String, expectedSequence: Int? = nil
    ) throws(DocketError) -> StoredEvent {
        let grant = try require(Self.documentRoles, of: user, to: "remove documents from a pack")
        try requireMinutesRole(reference, user: user, grant: grant)
        let reason = LineEndings.normalised(reason).trimmingCharacters(in: .whitespacesAndNewlines)
        guard !reason.isEmpty else {
            throw .invalidInput("say why the document leaves the pack: the reason is kept in the record")
        }
        let event = try changingPack(of: reference, expectedSequence: expectedSequence) {
            (current) throws(DocketError) -> StoredEvent in
            guard let document = current.pack.first(where: { $0.sha256 == sha256 }) else {
                throw .invalidInput("document \(sha256) is not in \(reference)'s pack")
            }
            let event = StoredEvent(
                sequence: current.events.count + 1, submission: reference, time: now(),
                actor: ActorStamp(user: user, role: grant.role, onBehalfOf: grant.onBehalfOf, systemUser: systemUser),
                previous: current.headSHA256, body: .documentRemoved(document, reason: reason))
            try archive { () throws(ArchiveError) in
                try store.requireSchema(.archiveFormat2)
                let written = try store.appendEvent(event)
                store.advanceHead(reference, sequence: event.sequence, sha256: written)
            }
            return event
        }
        refreshIndex(for: reference)
        return event
    }

    /// Runs a change to a submission's pack under the submission's lock, on the pack as read
    /// there: two changes never interleave between reading the pack and writing what they
    /// decided from it. Refuses a stale `expectedSequence` and a pack closed by a final state.
    private func changingPack<Result>(
        of reference: String, expectedSequence: Int?,
        _ change: (CurrentSubmission) throws(DocketError) -> Result
    ) throws(DocketError) -> Result {
        let lock = try archive { () throws(ArchiveError) in try store.lockSubmission(reference) }
        defer { lock.release() }
        let current = try readSubmission(reference)
        if let expectedSequence, expectedSequence != current.events.count {
            throw .archive(
                .staleSequence(reference: reference, expected: expectedSequence, actual: current.events.count))
        }
        if let state = try finalState(of: current) { throw .packClosed(reference: reference, state: state) }
        return try change(current)
    }

    /// A document that joined the pack once cannot join again: its metadata file is cited by
    /// the event that added it, and storing it anew would change what that event fixed.
    private func requireNeverDeparted(_ sha256: String, from current: CurrentSubmission) throws(DocketError) {
        guard let departure = current.contents.departures.first(where: { $0.document.sha256 == sha256 }) else {
            return
        }
        throw .invalidInput(
            "this file was in \(current.record.reference)'s pack as “\(departure.document.name)” and left it "
                + "(event \(departure.sequence)); it stays archived there and cannot be added again")
    }

    /// A document's metadata and the path of its (read-only) content file.
    public func document(_ reference: String, sha256: String) throws(DocketError) -> (
        metadata: DocumentMetadata, path: String
    ) {
        let metadata = try archive { () throws(ArchiveError) in try store.documentMetadata(reference, sha256: sha256) }
        let path = store.documentPath(reference, storedAs: metadata.storedAs)
        // The chain decides, not the file: between a disposal's event and the file's removal
        // (or if a run was interrupted there), the document is already destroyed.
        if let disposal = try destruction(of: sha256, in: reference) {
            throw .destroyed(
                reference: reference, sha256: sha256, list: disposal.list,
                on: calendar.londonDate(of: disposal.time).description)
        }
        return (metadata, path)
    }

    /// The destruction of a document recorded in its submission's chain, if any.
    func destruction(of sha256: String, in reference: String) throws(DocketError) -> DocumentDisposal? {
        let disposal = DocumentDisposal.all(in: try readSubmission(reference).events.map(\.event))[sha256]
        return disposal?.action == .destroy ? disposal : nil
    }

    static func defaultDirection(_ kind: DocumentKind) -> Direction {
        switch kind {
        case .submission, .coverLetter, .annex: return .outgoing
        case .response, .correspondence: return .incoming
        case .boardReport, .minutes: return .internal
        }
    }

    static func baseName(_ path: String) -> String {
        String(path.split(separator: "/").last ?? Substring(path))
    }

    // MARK: - Firing events

    /// Fires a workflow event: checks it with the engine against the pinned definition and the
    /// current pack, then appends it to the chain.
    ///
    /// - Parameter expectedSequence: refuse unless the submission's last event has this number
    ///   (optimistic concurrency for callers that showed the user a state).
    /// - Returns: what was recorded and the state it led to. (Call `submission(_:for:)` for
    ///   the whole view: a write does no reading it does not need.)
    @discardableResult
    public func fire(
        _ event: String, on reference: String, as user: String, fields: [String: String] = [:],
        comment: String? = nil, expectedSequence: Int? = nil
    ) throws(DocketError) -> FiredEvent {
        let actor = try actor(user)
        let current = try readSubmission(reference)
        if let expectedSequence, expectedSequence != current.events.count {
            throw .archive(
                .staleSequence(reference: reference, expected: expectedSequence, actual: current.events.count))
        }
        let engine = WorkflowEngine(definition: current.definition)
        let time = now()
        let request = FireRequest(
            event: event, actor: actor, fields: fields, comment: comment, time: time, pack: current.pack,
            today: calendar.londonDate(of: time))
        let record: EventRecord
        switch engine.fire(request, from: try current.replayed(), sequence: current.events.count + 1) {
        case .success(let decided):
            record = decided
        case .failure(.wrongRole(let name, let roles, let held)):
            if let expired = expiredDelegation(of: user, for: Set(roles)) {
                throw .delegationExpired(user: user, role: expired.role, from: expired.from, until: expired.until)
            }
            throw .rejected(.wrongRole(event: name, allowedRoles: roles, actorRoles: held))
        case .failure(let rejection):
            throw .rejected(rejection)
        }
        // A field naming a meeting must name one that exists: agendas are built from these.
        if let meeting = record.fields[WorkflowField.meeting] { try requireMeeting(meeting) }
        if let meeting = record.fields[WorkflowField.approvedAt] {
            try requireApprovingMeeting(meeting, forMinutes: reference)
        }
        let stored = StoredEvent(
            sequence: record.sequence, submission: reference, time: time,
            actor: ActorStamp(user: user, role: record.role, onBehalfOf: record.onBehalfOf, systemUser: systemUser),
            previous: current.headSHA256,
            body: .transition(
                StoredEvent.TransitionBody(
                    name: record.event, from: record.fromState, to: record.toState,
                    workflowName: current.definition.name, workflowDigest: current.definition.digest,
                    comment: record.comment, fields: record.fields, documents: record.documents)))
        let written = try archive { () throws(ArchiveError) -> String in
            let written = try store.appendEvent(stored)
            store.advanceHead(reference, sequence: stored.sequence, sha256: written)
            return written
        }
        // The index is given what this fire read and the event it linked after it, not a second
        // read of the whole chain (a `stat` of every event file again: about 8% of the server's
        // CPU with 50 clients firing).
        var after = current
        after.append([
            ArchiveStore.ReadEvent(
                event: stored, fileSHA256: written, path: store.eventPath(reference, stored.sequence))
        ])
        refreshIndex(for: reference, written: after)
        observer?.eventFired(record.event)
        return FiredEvent(event: stored, state: record.toState, fileSHA256: written)
    }

    /// The submission's state if it is final (its pack closed), else nil.
    func finalState(of current: CurrentSubmission) throws(DocketError) -> String? {
        let status = try current.replayed()
        return current.definition.state(status.state)?.isFinal == true ? status.state : nil
    }

    // MARK: - Reading

    /// A submission as it stands, with the events `user` may fire now.
    public func submission(_ reference: String, for user: String? = nil) throws(DocketError) -> SubmissionView {
        try makeView(try readSubmission(reference), for: user)
    }

    func makeView(_ current: CurrentSubmission, for user: String?) throws(DocketError) -> SubmissionView {
        let view = try wholeView(current, allowedFor: user)
        guard let user else { return view }
        return try withholdingFrom(view, permissions: try permissions(for: user))
    }

    /// The submission with every document, and the events `user` may fire now (none without one).
    func wholeView(_ current: CurrentSubmission, allowedFor user: String?) throws(DocketError) -> SubmissionView {
        let reference = current.record.reference
        let engine = WorkflowEngine(definition: current.definition)
        let status = try current.replayed()
        var documents: [DocumentMetadata] = []
        for entry in current.pack {
            documents.append(
                try archive { () throws(ArchiveError) in try store.documentMetadata(reference, sha256: entry.sha256) })
        }
        var departed: [DepartedDocument] = []
        for departure in current.contents.departures {
            let metadata = try archive { () throws(ArchiveError) in
                try store.documentMetadata(reference, sha256: departure.document.sha256)
            }
            departed.append(DepartedDocument(metadata: metadata, departure: departure))
        }
        let state = current.definition.state(status.state)
        let entered = status.enteredStateAt?.time ?? current.record.created
        let deadline = state?.deadlineWorkingDays.map {
            calendar.adding(workingDays: $0, to: calendar.londonDate(of: entered))
        }
        let allowed = try user.map { (name: String) throws(DocketError) in
            engine.allowedEvents(for: try actor(name), in: status)
        }
        return SubmissionView(
            record: current.record, workflow: current.definition, state: status.state, isFinal: state?.isFinal ?? false,
            sequence: current.events.count, deadline: deadline,
            isOverdue: deadline.map { calendar.londonDate(of: now()) > $0 } ?? false, documents: documents,
            departedDocuments: departed,
            events: current.events.map(\.event), allowedNow: allowed ?? [], signedPack: status.signedPack,
            correspondence: try filedMessages(current))
    }

    /// Every submission, optionally only those in `state`, by reference.
    public func submissions(inState state: String? = nil) throws(DocketError) -> [SubmissionSummary] {
        var result: [SubmissionSummary] = []
        for reference in store.submissionReferences() {
            let view = try submission(reference)
            if let state, view.state != state { continue }
            result.append(
                SubmissionSummary(
                    reference: reference, title: view.record.title, workflow: view.record.workflowName,
                    state: view.state, stateLabel: view.workflow.stateLabel(view.state), deadline: view.deadline,
                    isOverdue: view.isOverdue,
                    lastActivity: view.events.last?.time ?? view.record.created))
        }
        return result
    }

    /// What a write needs to know about a submission: identity, events (chain checked), the
    /// pinned definition, the transitions, the pack and where the transitions leave it (built
    /// event by event, so that `ReplayCache` can apply newer events to a kept one).
    struct CurrentSubmission: Sendable {
        var record: SubmissionRecord
        var events: [ArchiveStore.ReadEvent]
        var headSHA256: String
        var definition: WorkflowDefinition
        var transitions: [EventRecord]
        var contents: PackContents
        /// Where the transitions leave the submission, or why they do not replay (see `replayed()`).
        var status: Result<WorkflowEngine.Status, Rejection>
        /// The documents in the pack now.
        var pack: [PackDocument] { contents.documents }
    }
}
