import Archive
import Workflow

/// Why a submission was sent back to the state it is in: who did it, by which event, and the
/// comment they gave (the Mayor's reasons for a redraft, say).
public struct ReturnNote: Sendable, Hashable {
    public var event: String
    public var user: String
    public var comment: String
}

extension WorkflowDefinition {
    /// Whether `transition` out of `state` goes back: to a state listed before it.
    func goesBack(from state: String, _ transition: Transition) -> Bool {
        let order = states.map(\.id)
        guard let from = order.firstIndex(of: state), let to = order.firstIndex(of: transition.target) else {
            return false
        }
        return to < from
    }

    /// The states a submission can be sent back to with a comment: only a submission in one
    /// of them can carry a `ReturnNote`.
    var statesReturnedTo: Set<String> {
        var result: Set<String> = []
        for state in states {
            for transition in state.transitions where transition.commentRequired && goesBack(from: state.id, transition)
            {
                result.insert(transition.target)
            }
        }
        return result
    }
}

extension SubmissionView {
    /// Why the submission is back in this state, when the event that brought it here sent it
    /// back to an earlier state with a comment; nil otherwise (it moved on, or nobody said).
    public var returnNote: ReturnNote? {
        Self.returnNote(events, in: workflow)
    }

    static func returnNote(_ events: [StoredEvent], in workflow: WorkflowDefinition) -> ReturnNote? {
        for event in events.reversed() {
            guard case .transition(let transition) = event.body else { continue }
            guard let comment = transition.comment, let state = workflow.state(transition.from),
                let taken = state.transitions.first(where: { $0.event == transition.name }),
                workflow.goesBack(from: transition.from, taken)
            else { return nil }
            return ReturnNote(event: transition.name, user: event.actor.user, comment: comment)
        }
        return nil
    }
}
