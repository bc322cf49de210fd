import Workflow

/// What a person reads for a state on pages and listings that show many submissions at once,
/// from the archive's current workflow definitions.
///
/// A submission's own page reads its labels from the definition it is pinned to; a list reads
/// them from the current definitions, so a state that the current file no longer has (or a
/// workflow no longer installed) falls back to its id made readable.
public struct StateLabels: Sendable {
    private var byWorkflow: [String: WorkflowDefinition]
    private var anyWorkflow: [String: String]

    /// The labels of `definitions`; where two workflows share a state id without a workflow
    /// named, the first definition's label is used.
    public init(_ definitions: [WorkflowDefinition]) {
        byWorkflow = [:]
        anyWorkflow = [:]
        for definition in definitions {
            byWorkflow[definition.name] = definition
            for state in definition.states where anyWorkflow[state.id] == nil {
                anyWorkflow[state.id] = state.label
            }
        }
    }

    /// The label of `state` in `workflow` (or in whichever workflow has it, when nil).
    public func label(of state: String, in workflow: String? = nil) -> String {
        if let workflow, let definition = byWorkflow[workflow] { return definition.stateLabel(state) }
        return anyWorkflow[state] ?? WorkflowDefinition.readable(state)
    }
}

extension DocketArchive {
    /// The state labels of the archive's current workflows (read once per call: a page asks
    /// once, then labels every row).
    public func stateLabels() throws(DocketError) -> StateLabels {
        StateLabels(try workflows())
    }
}
