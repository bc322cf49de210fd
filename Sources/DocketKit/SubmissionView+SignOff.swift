import Archive
import Workflow

extension SubmissionView {
    /// Whether a document added now would undo the sign-off in force: the sign-off bound the
    /// pack's SHA-256s, and an event out of this state needs the pack unchanged since (dispatch
    /// would then be refused until the pack is signed off again).
    public var addingADocumentBreaksTheSignOff: Bool {
        guard signedPack != nil, let current = workflow.state(state) else { return false }
        return current.transitions.contains { $0.packRule == .unchangedSinceSignOff }
    }

    /// How the pack differs from the one signed off, when the difference stops the way on: a
    /// sign-off is in force, an event out of this state needs the pack unchanged since (dispatch),
    /// and documents were added since. Nil when nothing stands in the way.
    public var packChangeBlockingTheSignOff: PackChange? {
        guard addingADocumentBreaksTheSignOff, let signedPack else { return nil }
        let change = PackChange(from: signedPack, to: documents.map(\.packEntry))
        return change.isEmpty ? nil : change
    }

    /// The events from this state that release the sign-off so the pack can change (reopen).
    public var eventsReleasingTheSignOff: [String] {
        (workflow.state(state)?.transitions ?? []).filter { $0.packRule == .release }.map(\.event)
    }

    /// The roles that sign a pack off in this workflow (those of an event that binds it).
    public var signingRoles: [Role] {
        let roles = workflow.states.flatMap(\.transitions).filter { $0.packRule == .bind }.flatMap(\.roles)
        return Array(Set(roles)).sorted()
    }
}
