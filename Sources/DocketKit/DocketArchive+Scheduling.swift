import Archive
import Index
import Workflow

/// A submission that can be put on a meeting's agenda now, and the event that does it.
public struct SchedulingCandidate: Sendable, Hashable {
    public var reference: String
    public var title: String
    /// The event that schedules it: one that takes the meeting as its `meeting` field.
    public var event: String
    /// The submission's last event number, for a form's check that its view is current.
    public var sequence: Int
}

extension DocketArchive {
    /// The submissions `user` may schedule for meeting `id` now: each is in a state with an
    /// event that takes a meeting, open to `user`. None for a meeting already held.
    ///
    /// - Throws: `notFound` for an unknown meeting.
    public func schedulingCandidates(for id: String, as user: String) throws(DocketError) -> [SchedulingCandidate] {
        let meeting = try meeting(id)
        guard meeting.definition.date >= today() else { return [] }
        // The index narrows the search to the states a meeting can be named from by one of the
        // user's roles (none for a viewer: nothing is read); each submission's own pinned
        // workflow then decides.
        let held = Set(try actor(user).grants.map(\.role))
        let states = try workflows().flatMap { definition in
            definition.states.filter { state in
                state.transitions.contains { Self.takesAMeeting($0) && !$0.roles.isDisjoint(with: held) }
            }.map(\.id)
        }
        guard !states.isEmpty else { return [] }
        let index = try index()
        let lines = try indexCall { () throws(IndexError) in
            try index.submissionLines(inStates: Array(Set(states)).sorted(), limit: 500)
        }
        var candidates: [SchedulingCandidate] = []
        for line in lines {
            let view = try submission(line.reference, for: user)
            guard let event = Self.schedulingEvent(of: view) else { continue }
            candidates.append(
                SchedulingCandidate(
                    reference: line.reference, title: view.record.title, event: event, sequence: view.sequence))
        }
        return candidates.sorted { $0.reference < $1.reference }
    }

    /// Schedules a submission for meeting `id`: fires the event of its state that takes a
    /// meeting, as any other event is fired (the workflow checks the role and the rest).
    ///
    /// - Throws: `invalidInput` when no event of its state takes a meeting; otherwise as `fire`.
    @discardableResult
    public func schedule(_ reference: String, for id: String, as user: String, expectedSequence: Int? = nil)
        throws(DocketError) -> FiredEvent
    {
        let view = try submission(reference)
        let transitions = view.workflow.state(view.state)?.transitions ?? []
        guard let event = transitions.first(where: Self.takesAMeeting)?.event else {
            throw .invalidInput("\(reference) is \(view.state): it cannot be scheduled for a meeting now")
        }
        return try fire(
            event, on: reference, as: user, fields: [WorkflowField.meeting: id], expectedSequence: expectedSequence)
    }

    /// The event `view`'s user may fire now that takes a meeting, if any.
    public static func schedulingEvent(of view: SubmissionView) -> String? {
        let transitions = view.workflow.state(view.state)?.transitions ?? []
        return transitions.first { view.allowedNow.contains($0.event) && takesAMeeting($0) }?.event
    }

    static func takesAMeeting(_ transition: WorkflowDefinition.Transition) -> Bool {
        transition.requiredFields.contains { $0.name == WorkflowField.meeting }
    }
}
