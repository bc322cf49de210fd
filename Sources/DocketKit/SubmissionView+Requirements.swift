import Archive
import Workflow

extension SubmissionView {
    /// The document kinds `event` requires in the pack that the pack does not hold yet (empty
    /// once every one is there, or for an event this state does not have).
    public func missingDocuments(for event: String) -> [DocumentKind] {
        guard let transition = workflow.transition(from: state, on: event) else { return [] }
        let held = Set(documents.map(\.kind))
        return transition.requiredDocuments.filter { !held.contains($0) }
    }
}
