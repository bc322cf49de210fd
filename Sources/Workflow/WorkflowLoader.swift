import Crypto
import XML

/// Reads workflow definitions from W3C SCXML and checks them before anything may use them.
///
/// Docket uses the flat subset of SCXML — `<scxml>`, `<state>`, `<final>` and
/// `<transition event target>` — with its own rules as attributes in the Docket workflow
/// namespace (`docket:roles`, `docket:documents`, `docket:fields`, `docket:comment`,
/// `docket:pack`, `docket:deadline-working-days`, `docket:reminder-working-days`, `docket:title`,
/// `docket:label`). Everything else is refused
/// with its line and the reason.
public struct WorkflowLoader: Sendable {
    public static let scxmlNamespace = "http://www.w3.org/2005/07/scxml"
    public static let docketNamespace = "urn:docket:workflow:1"

    private let scxmlSchema: XMLSchema

    /// - Parameter scxmlSchema: the W3C SCXML 1.0 schema (an archive carries it in `schema/scxml/`).
    public init(scxmlSchema: XMLSchema) {
        self.scxmlSchema = scxmlSchema
    }

    /// Parses and checks a definition.
    ///
    /// - Parameters:
    ///   - bytes: the file's content.
    ///   - source: the file's name, used in every problem reported.
    /// - Throws: `WorkflowDefinitionError` listing every problem found, each with its line.
    public func load(_ bytes: [UInt8], source: String) throws(WorkflowDefinitionError) -> WorkflowDefinition {
        let document: XMLDocument
        do {
            document = try XMLDocument(parsing: bytes, source: source)
        } catch let error as XMLError {
            throw WorkflowDefinitionError(problems: error.diagnostics.map { Self.problem($0, in: source) })
        } catch {
            throw WorkflowDefinitionError(problems: [WorkflowProblem(file: source, line: 0, reason: "\(error)")])
        }
        var reader = DefinitionReader(source: source)
        reader.problems += scxmlSchema.problems(in: document).map { Self.problem($0, in: source) }
        let definition = reader.read(document)
        guard reader.problems.isEmpty, var definition else {
            throw WorkflowDefinitionError(problems: reader.problems.sorted { $0.line < $1.line })
        }
        do {
            definition.digest = SHA256.hash(data: try document.canonicalized()).hexadecimal
        } catch {
            throw WorkflowDefinitionError(problems: [WorkflowProblem(file: source, line: 0, reason: "\(error)")])
        }
        return definition
    }

    private static func problem(_ diagnostic: XMLDiagnostic, in source: String) -> WorkflowProblem {
        WorkflowProblem(file: source, line: diagnostic.line, reason: diagnostic.message)
    }
}

/// Walks one parsed SCXML document into a `WorkflowDefinition`, collecting problems.
private struct DefinitionReader {
    let source: String
    var problems: [WorkflowProblem] = []

    private static let scxml = WorkflowLoader.scxmlNamespace
    private static let docket = WorkflowLoader.docketNamespace

    init(source: String) {
        self.source = source
    }

    mutating func report(_ line: Int, _ reason: String) {
        problems.append(WorkflowProblem(file: source, line: line, reason: reason))
    }

    mutating func read(_ document: XMLDocument) -> WorkflowDefinition? {
        guard let root = document.root, root.name == "scxml", root.namespaceURI == Self.scxml else {
            report(document.root?.line ?? 0, "the root element must be <scxml> in the namespace \(Self.scxml)")
            return nil
        }
        checkAttributes(of: root, plain: ["version", "name", "initial"], docket: ["title"])
        let name = root.attribute("name") ?? ""
        if name.isEmpty { report(root.line, "<scxml> needs a name attribute: the workflow's name") }

        var states: [WorkflowDefinition.State] = []
        var seen: [String: Int] = [:]
        for element in root.childElements {
            guard element.namespaceURI == Self.scxml, element.name == "state" || element.name == "final" else {
                report(
                    element.line,
                    "element <\(element.name)> is outside Docket's SCXML subset (state, final, transition)")
                continue
            }
            guard let state = readState(element) else { continue }
            if let first = seen[state.id] {
                report(element.line, "duplicate state id '\(state.id)' (first defined on line \(first))")
                continue
            }
            seen[state.id] = element.line
            states.append(state)
        }

        let initial = root.attribute("initial") ?? ""
        if initial.isEmpty {
            report(root.line, "missing initial state: <scxml> needs an initial attribute")
        } else if seen[initial] == nil {
            report(root.line, "initial state '\(initial)' is not defined")
        }
        checkTransitions(states)
        if problems.isEmpty { checkGraph(states, initial: initial) }
        return WorkflowDefinition(
            name: name, title: root.attribute("title", namespace: Self.docket), initialState: initial, states: states,
            digest: "")
    }

    private mutating func readState(_ element: XMLNode) -> WorkflowDefinition.State? {
        let isFinal = element.name == "final"
        checkAttributes(
            of: element, plain: ["id"],
            docket: isFinal ? ["label"] : ["label", "deadline-working-days", "reminder-working-days"])
        guard let id = element.attribute("id"), !id.isEmpty else {
            report(element.line, "<\(element.name)> needs an id")
            return nil
        }
        var deadline: Int?
        if let text = element.attribute("deadline-working-days", namespace: Self.docket) {
            if let days = Int(text), days > 0 {
                deadline = days
            } else {
                report(
                    element.line,
                    "docket:deadline-working-days of '\(id)' must be a positive whole number, not '\(text)'")
            }
        }
        var reminder: Int?
        if let text = element.attribute("reminder-working-days", namespace: Self.docket) {
            if let days = Int(text), days >= 0, deadline != nil {
                reminder = days
            } else {
                report(
                    element.line,
                    "docket:reminder-working-days of '\(id)' must be a whole number of days (0 or more) before a "
                        + "docket:deadline-working-days the state has, not '\(text)'")
            }
        }
        var transitions: [WorkflowDefinition.Transition] = []
        for child in element.childElements {
            guard !isFinal, child.namespaceURI == Self.scxml, child.name == "transition" else {
                report(
                    child.line,
                    isFinal
                        ? "final state '\(id)' may not contain <\(child.name)>"
                        : "element <\(child.name)> is outside Docket's SCXML subset (state, final, transition)")
                continue
            }
            if let transition = readTransition(child, from: id) { transitions.append(transition) }
        }
        var state = WorkflowDefinition.State(
            id: id, label: label(of: element, naming: "state '\(id)'"), isFinal: isFinal, deadlineWorkingDays: deadline,
            transitions: transitions, line: element.line)
        state.reminderWorkingDays = reminder
        return state
    }

    private mutating func readTransition(_ element: XMLNode, from source: String) -> WorkflowDefinition.Transition? {
        checkAttributes(
            of: element, plain: ["event", "target"],
            docket: ["label", "roles", "documents", "fields", "comment", "pack"])
        let line = element.line
        let events = tokens(element.attribute("event"))
        let targets = tokens(element.attribute("target"))
        guard events.count == 1 else {
            report(line, "a transition needs exactly one event name (found \(events.count))")
            return nil
        }
        guard targets.count == 1 else {
            report(line, "transition '\(events[0])' needs exactly one target (found \(targets.count))")
            return nil
        }
        guard !events[0].hasPrefix("docket.") else {
            report(line, "event names starting 'docket.' are reserved for Docket's own events ('\(events[0])')")
            return nil
        }
        var roles = Set<Role>()
        for token in tokens(element.attribute("roles", namespace: Self.docket)) {
            if let role = Role(rawValue: token) {
                roles.insert(role)
            } else {
                report(
                    line, "unknown role '\(token)' (roles: \(Role.allCases.map(\.rawValue).joined(separator: ", ")))")
            }
        }
        if roles.isEmpty, element.attribute("roles", namespace: Self.docket) == nil {
            report(line, "transition '\(events[0])' needs docket:roles: who may fire it")
        }
        var documents: [DocumentKind] = []
        for token in tokens(element.attribute("documents", namespace: Self.docket)) {
            if let kind = DocumentKind(rawValue: token) {
                documents.append(kind)
            } else {
                let kinds = DocumentKind.allCases.map(\.rawValue).joined(separator: ", ")
                report(line, "unknown document kind '\(token)' (kinds: \(kinds))")
            }
        }
        var fields: [FieldRequirement] = []
        for token in tokens(element.attribute("fields", namespace: Self.docket)) {
            let parts = token.split(separator: ":", omittingEmptySubsequences: false).map(String.init)
            if parts.count == 2, !parts[0].isEmpty, let type = FieldType(rawValue: parts[1]) {
                fields.append(FieldRequirement(name: parts[0], type: type))
            } else {
                let types = FieldType.allCases.map(\.rawValue).joined(separator: ", ")
                report(line, "field '\(token)' must be written name:type (types: \(types))")
            }
        }
        var commentRequired = false
        if let comment = element.attribute("comment", namespace: Self.docket) {
            switch comment {
            case "required": commentRequired = true
            case "optional": commentRequired = false
            default: report(line, "docket:comment must be 'required' or 'optional', not '\(comment)'")
            }
        }
        var packRule: PackRule?
        if let text = element.attribute("pack", namespace: Self.docket) {
            packRule = PackRule(rawValue: text)
            if packRule == nil {
                report(line, "docket:pack must be bind, unchanged-since-sign-off or release, not '\(text)'")
            }
        }
        return WorkflowDefinition.Transition(
            event: events[0], label: label(of: element, naming: "transition '\(events[0])'"), source: source,
            target: targets[0], roles: roles, requiredDocuments: documents,
            requiredFields: fields, commentRequired: commentRequired, packRule: packRule, line: line)
    }

    /// The element's `docket:label` with its white space collapsed (a long label may wrap in the
    /// file), or nil when it has none; an empty one is a mistake worth naming.
    private mutating func label(of element: XMLNode, naming what: String) -> String? {
        guard let text = element.attribute("label", namespace: Self.docket) else { return nil }
        let label = tokens(text).joined(separator: " ")
        if label.isEmpty { report(element.line, "docket:label of \(what) is empty") }
        return label.isEmpty ? nil : label
    }

    /// Refuses attributes outside the subset: plain ones not listed, Docket ones not listed,
    /// and any in another namespace.
    private mutating func checkAttributes(of element: XMLNode, plain: Set<String>, docket: Set<String>) {
        for attribute in element.attributes {
            switch attribute.namespaceURI {
            case nil where plain.contains(attribute.name), Self.docket? where docket.contains(attribute.name):
                continue
            case Self.docket?:
                report(element.line, "unknown Docket attribute docket:\(attribute.name) on <\(element.name)>")
            default:
                report(
                    element.line,
                    "attribute \(attribute.name) on <\(element.name)> is outside Docket's SCXML subset")
            }
        }
    }

    private mutating func checkTransitions(_ states: [WorkflowDefinition.State]) {
        let ids = Set(states.map(\.id))
        for state in states {
            var events: [String: Int] = [:]
            for transition in state.transitions {
                if !ids.contains(transition.target) {
                    report(
                        transition.line, "transition '\(transition.event)' targets unknown state '\(transition.target)'"
                    )
                }
                if let first = events[transition.event] {
                    report(
                        transition.line,
                        "state '\(state.id)' has two transitions on event '\(transition.event)' (first on line \(first))"
                    )
                }
                events[transition.event] = events[transition.event] ?? transition.line
            }
        }
    }

    /// Every state must be reachable from the initial one and able to reach a final state.
    private mutating func checkGraph(_ states: [WorkflowDefinition.State], initial: String) {
        var successors: [String: [String]] = [:]
        var predecessors: [String: [String]] = [:]
        for state in states {
            for transition in state.transitions {
                successors[state.id, default: []].append(transition.target)
                predecessors[transition.target, default: []].append(state.id)
            }
        }
        let reachable = Self.closure(from: [initial], along: successors)
        let finals = states.filter(\.isFinal).map(\.id)
        if finals.isEmpty {
            report(0, "the workflow has no <final> state")
        }
        let canFinish = Self.closure(from: finals, along: predecessors)
        for state in states {
            if !reachable.contains(state.id) {
                report(state.line, "state '\(state.id)' is unreachable from the initial state '\(initial)'")
            } else if !canFinish.contains(state.id) {
                report(state.line, "state '\(state.id)' has no path to a final state")
            }
        }
    }

    private static func closure(from starts: [String], along edges: [String: [String]]) -> Set<String> {
        var seen = Set(starts)
        var queue = starts
        while let next = queue.popLast() {
            for neighbour in edges[next, default: []] where seen.insert(neighbour).inserted {
                queue.append(neighbour)
            }
        }
        return seen
    }

    private func tokens(_ value: String?) -> [String] {
        (value ?? "").split(whereSeparator: { $0 == " " || $0 == "\t" || $0 == "\n" || $0 == "\r" }).map(String.init)
    }
}
