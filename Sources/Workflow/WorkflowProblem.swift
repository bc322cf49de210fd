/// One reason a workflow definition cannot be used, with where it is.
public struct WorkflowProblem: Sendable, Hashable, CustomStringConvertible {
    public var file: String
    /// 1-based; 0 when the problem concerns the whole file.
    public var line: Int
    public var reason: String

    public init(file: String, line: Int, reason: String) {
        self.file = file
        self.line = line
        self.reason = reason
    }

    /// `FILE:LINE: reason`.
    public var description: String { "\(file):\(line): \(reason)" }
}

/// A workflow definition was refused; every problem found is listed.
public struct WorkflowDefinitionError: Error, Sendable, CustomStringConvertible {
    public var problems: [WorkflowProblem]

    public var description: String { problems.map(\.description).joined(separator: "\n") }
}
