/// The pure state machine: replays a submission's recorded events through its workflow and
/// decides whether a new event may be recorded. No I/O, no clock — time comes in the request.
///
/// The caller persists what `fire` returns, then performs any effects (the shape of
/// swift-nio's state machines: decide here, act elsewhere).
public struct WorkflowEngine: Sendable {
    public let definition: WorkflowDefinition

    public init(definition: WorkflowDefinition) {
        self.definition = definition
    }

    /// The event recorded when a submission is brought in from outside Docket (`docket import`)
    /// already in some state: it moves the submission from the initial state straight there,
    /// and attests the pack as it stood. The `docket.` prefix is reserved, so no workflow can
    /// define an event of that name.
    public static let importEvent = "docket.import"

    /// Where a submission stands after its recorded events.
    public struct Status: Sendable, Hashable {
        public var state: String
        /// The sequence number of the last transition replayed (0 before the first).
        public var sequence: Int
        /// The pack bound by the sign-off in force, if any.
        public var signedPack: [PackDocument]?
        /// When the current state was entered (nil before the first event).
        public var enteredStateAt: EventRecord?
    }

    /// Replays `history` and returns where it leaves the submission.
    ///
    /// - Throws: `Rejection.historyDoesNotReplay` if an event does not follow from the one
    ///   before it under this workflow (out of sequence, wrong source state, unknown event).
    public func replay(_ history: [EventRecord]) throws(Rejection) -> Status {
        try replay(history, from: initialStatus)
    }

    /// Where a submission stands before any event.
    public var initialStatus: Status {
        Status(state: definition.initialState, sequence: 0, signedPack: nil, enteredStateAt: nil)
    }

    /// Replays `history`, the transitions recorded after those that led to `start`: a caller
    /// that kept where a submission stood replays only what is newer.
    public func replay(_ history: [EventRecord], from start: Status) throws(Rejection) -> Status {
        var status = start
        for record in history {
            // Other records (documents added) may sit between transitions in the archive, so
            // sequence numbers rise but need not be consecutive here.
            guard record.sequence > status.sequence else {
                throw .historyDoesNotReplay(
                    sequence: record.sequence, reason: "sequence number not after \(status.sequence)")
            }
            guard record.fromState == status.state else {
                throw .historyDoesNotReplay(
                    sequence: record.sequence,
                    reason: "recorded from '\(record.fromState)' but the submission was in '\(status.state)'")
            }
            if record.event == Self.importEvent {
                // Only as the first transition, into a state the workflow has.
                guard status.sequence == 0, record.fromState == definition.initialState,
                    definition.state(record.toState) != nil
                else {
                    throw .historyDoesNotReplay(
                        sequence: record.sequence,
                        reason: "an import must be the first transition, from '\(definition.initialState)' into a "
                            + "state of the workflow")
                }
                status.state = record.toState
                status.sequence = record.sequence
                status.enteredStateAt = record
                status.signedPack = record.documents
                continue
            }
            guard let transition = definition.transition(from: record.fromState, on: record.event),
                transition.target == record.toState
            else {
                throw .historyDoesNotReplay(
                    sequence: record.sequence,
                    reason: "the workflow has no transition '\(record.event)' from '\(record.fromState)' "
                        + "to '\(record.toState)'")
            }
            switch transition.packRule {
            case .bind?: status.signedPack = record.documents
            case .release?: status.signedPack = nil
            case .unchangedSinceSignOff?, nil: break
            }
            status.state = record.toState
            status.sequence = record.sequence
            status.enteredStateAt = record
        }
        return status
    }

    /// The events `actor` may fire now, in workflow order (requirements aside).
    public func allowedEvents(for actor: Actor, in status: Status) -> [String] {
        (definition.state(status.state)?.transitions ?? [])
            .filter { actor.grant(for: $0.roles) != nil }
            .map(\.event)
    }

    /// Decides one event: the record to append, or exactly why not.
    ///
    /// Checks in this order, so the first answer is the most useful one: the event exists;
    /// it leaves the current state; the actor holds a role it is open to; documents, fields
    /// and comment are all there (every missing one is listed); the pack is the one signed.
    ///
    /// - Parameters:
    ///   - request: the event, actor, fields, comment, time and current pack.
    ///   - history: the transitions recorded so far, in order.
    ///   - sequence: the number the new record gets (default: one after the last transition;
    ///     the archive passes its own, as it numbers other records too).
    public func fire(_ request: FireRequest, after history: [EventRecord], sequence: Int? = nil)
        -> Result<EventRecord, Rejection>
    {
        do {
            return fire(request, from: try replay(history), sequence: sequence)
        } catch {
            return .failure(error)
        }
    }

    /// Decides one event from where the submission stands (`replay` of its transitions), with
    /// the same checks as `fire(_:after:sequence:)`.
    public func fire(_ request: FireRequest, from status: Status, sequence: Int? = nil) -> Result<
        EventRecord, Rejection
    > {
        let allowedNow = allowedEvents(for: request.actor, in: status)
        guard definition.eventNames.contains(request.event) else {
            return .failure(.unknownEvent(event: request.event, allowedNow: allowedNow))
        }
        guard let transition = definition.transition(from: status.state, on: request.event) else {
            return .failure(.wrongState(event: request.event, state: status.state, allowedNow: allowedNow))
        }
        guard let grant = request.actor.grant(for: transition.roles) else {
            return .failure(
                .wrongRole(
                    event: request.event, allowedRoles: transition.roles.sorted(),
                    actorRoles: Array(Set(request.actor.grants.map(\.role))).sorted()))
        }
        let unmet = unmetRequirements(of: transition, in: request)
        guard unmet.isEmpty else {
            return .failure(.unmetRequirements(event: request.event, unmet))
        }
        if transition.packRule == .unchangedSinceSignOff {
            guard let signed = status.signedPack else {
                return .failure(.notSignedOff(event: request.event))
            }
            let change = PackChange(from: signed, to: request.pack)
            guard change.isEmpty else {
                return .failure(.packChangedSinceSignOff(change))
            }
        }
        let recordsPack = transition.packRule == .bind || transition.packRule == .unchangedSinceSignOff
        let comment = request.comment.flatMap { $0.allSatisfy(\.isWhitespace) ? nil : $0 }
        return .success(
            EventRecord(
                sequence: sequence ?? status.sequence + 1, event: request.event, fromState: status.state,
                toState: transition.target, actor: request.actor.user, onBehalfOf: grant.onBehalfOf, role: grant.role,
                time: request.time, comment: comment, fields: request.fields,
                documents: recordsPack ? request.pack.sorted() : []))
    }

    private func unmetRequirements(of transition: WorkflowDefinition.Transition, in request: FireRequest)
        -> [UnmetRequirement]
    {
        var unmet: [UnmetRequirement] = []
        let kinds = Set(request.pack.map(\.kind))
        unmet += transition.requiredDocuments.filter { !kinds.contains($0) }.map(UnmetRequirement.document)
        for field in transition.requiredFields {
            guard let value = request.fields[field.name] else {
                unmet.append(.field(field))
                continue
            }
            if let problem = field.type.problem(with: value, today: request.dateToday) {
                unmet.append(.invalidField(name: field.name, value: value, reason: problem))
            }
        }
        let known = Set(transition.requiredFields.map(\.name))
        unmet += request.fields.keys.sorted().filter { !known.contains($0) }.map { .unexpectedField(name: $0) }
        if transition.commentRequired, (request.comment ?? "").allSatisfy(\.isWhitespace) {
            unmet.append(.comment)
        }
        return unmet
    }
}
