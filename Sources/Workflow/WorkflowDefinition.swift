/// A workflow: the states a submission moves through and the rules on each transition.
///
/// Loaded from a W3C SCXML file (see `WorkflowLoader`); immutable and `Sendable`.
public struct WorkflowDefinition: Sendable, Hashable {
    /// The `name` attribute of `<scxml>`, e.g. `best-value-submission`.
    public var name: String
    /// A human title (`docket:title`), if given.
    public var title: String?
    public var initialState: String
    /// States in file order.
    public var states: [State]
    /// SHA-256 (lower-case hex) of the definition's exclusive canonical XML: the identity a
    /// submission is pinned to.
    public var digest: String

    /// One state: a `<state>` or a `<final>`.
    public struct State: Sendable, Hashable {
        public var id: String
        /// What a person reads for this state (`docket:label`, or the id made readable when the
        /// file gives none: definitions pinned before labels existed have none).
        public var label: String
        public var isFinal: Bool
        /// Working days allowed in this state before it is overdue.
        public var deadlineWorkingDays: Int?
        /// Working days before the deadline that a "due soon" reminder is sent
        /// (`docket:reminder-working-days`); nil: Docket's default.
        public var reminderWorkingDays: Int? = nil
        public var transitions: [Transition]
        /// The line of the element in its file, for messages.
        public var line: Int

        public init(
            id: String, label: String? = nil, isFinal: Bool, deadlineWorkingDays: Int?, transitions: [Transition],
            line: Int
        ) {
            self.id = id
            self.label = label ?? WorkflowDefinition.readable(id)
            self.isFinal = isFinal
            self.deadlineWorkingDays = deadlineWorkingDays
            self.transitions = transitions
            self.line = line
        }
    }

    /// One `<transition event target>` and the rules Docket attaches to it.
    public struct Transition: Sendable, Hashable {
        public var event: String
        /// What a person reads for this transition, e.g. on its button (`docket:label`, or the
        /// event name made readable when the file gives none).
        public var label: String
        public var source: String
        public var target: String
        public var roles: Set<Role>
        public var requiredDocuments: [DocumentKind]
        public var requiredFields: [FieldRequirement]
        public var commentRequired: Bool
        public var packRule: PackRule?
        public var line: Int

        public init(
            event: String, label: String? = nil, source: String, target: String, roles: Set<Role>,
            requiredDocuments: [DocumentKind] = [], requiredFields: [FieldRequirement] = [],
            commentRequired: Bool = false, packRule: PackRule? = nil, line: Int = 0
        ) {
            self.event = event
            self.label = label ?? WorkflowDefinition.readable(event)
            self.source = source
            self.target = target
            self.roles = roles
            self.requiredDocuments = requiredDocuments
            self.requiredFields = requiredFields
            self.commentRequired = commentRequired
            self.packRule = packRule
            self.line = line
        }
    }

    public init(name: String, title: String?, initialState: String, states: [State], digest: String) {
        self.name = name
        self.title = title
        self.initialState = initialState
        self.states = states
        self.digest = digest
    }

    /// The state with this id.
    public func state(_ id: String) -> State? {
        states.first { $0.id == id }
    }

    /// Every event name the workflow knows, in file order, without repeats.
    public var eventNames: [String] {
        var seen = Set<String>()
        return states.flatMap(\.transitions).map(\.event).filter { seen.insert($0).inserted }
    }

    /// The transition taken by `event` from `state`, if any.
    public func transition(from state: String, on event: String) -> Transition? {
        self.state(state)?.transitions.first { $0.event == event }
    }

    /// What a person reads for the state `id`: its label, or the id made readable when this
    /// definition has no such state (a name recorded by an older definition).
    public func stateLabel(_ id: String) -> String {
        state(id)?.label ?? Self.readable(id)
    }

    /// What a person reads for `event` fired from `state`: the transition's label, Docket's own
    /// wording for its reserved events, or the event name made readable.
    public func eventLabel(_ event: String, from state: String) -> String {
        if event == WorkflowEngine.importEvent { return "Imported" }
        return transition(from: state, on: event)?.label ?? Self.readable(event)
    }

    /// An id as words when no label was given: hyphens as spaces, the first letter capitalised
    /// (`awaiting-sign-off` → "Awaiting sign off").
    public static func readable(_ id: String) -> String {
        let words = id.replacingOccurrences(of: "-", with: " ")
        return words.prefix(1).uppercased() + words.dropFirst()
    }
}
