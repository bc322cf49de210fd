import Foundation

/// Draws a workflow as a Graphviz DOT graph: states as nodes named by their ids and labelled
/// with their labels (finals double-circled), transitions as edges labelled with their labels
/// and roles.
public enum WorkflowGraph {
    /// The DOT text for `definition`; `current` is highlighted when given.
    public static func dot(_ definition: WorkflowDefinition, current: String? = nil) -> String {
        var lines = ["digraph \(quote(definition.name)) {", "  rankdir=LR;", "  node [shape=box, style=rounded];"]
        lines.append("  \"__start\" [shape=point];")
        lines.append("  \"__start\" -> \(quote(definition.initialState));")
        for state in definition.states {
            var attributes = state.isFinal ? ["shape=doublecircle"] : []
            let deadline = state.deadlineWorkingDays.map { "\n(\($0) working days)" } ?? ""
            attributes.append("label=\(quote(state.label + deadline))")
            if state.id == current { attributes.append("style=\"rounded,filled\", fillcolor=\"#ffe08a\"") }
            lines.append(
                "  \(quote(state.id))" + (attributes.isEmpty ? "" : " [\(attributes.joined(separator: ", "))]") + ";")
        }
        for state in definition.states {
            for transition in state.transitions {
                let label =
                    "\(transition.label)\n[\(transition.roles.sorted().map(\.rawValue).joined(separator: ", "))]"
                lines.append("  \(quote(state.id)) -> \(quote(transition.target)) [label=\(quote(label))];")
            }
        }
        lines.append("}")
        return lines.joined(separator: "\n")
    }

    /// A DOT quoted string.
    static func quote(_ text: String) -> String {
        "\""
            + text.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"")
            .replacingOccurrences(of: "\n", with: "\\n") + "\""
    }
}
