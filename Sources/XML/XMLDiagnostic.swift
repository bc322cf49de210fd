/// One message from libxml2 (or from Docket's own hardening checks), with where it points.
///
/// Lines and columns are 1-based; `0` means libxml2 did not say.
public struct XMLDiagnostic: Sendable, Hashable, CustomStringConvertible {
    /// How serious libxml2 considered the message.
    public enum Severity: String, Sendable, Hashable {
        case warning, error, fatal
    }

    public var severity: Severity
    /// The document's name as given to the parser (a path or a label), if any.
    public var source: String?
    public var line: Int
    public var column: Int
    /// The message, trimmed of libxml2's trailing newline.
    public var message: String

    public init(severity: Severity, source: String? = nil, line: Int, column: Int, message: String) {
        self.severity = severity
        self.source = source
        self.line = line
        self.column = column
        self.message = message
    }

    /// `SOURCE:LINE:COLUMN: message`, the form compilers and editors understand, or
    /// `SOURCE: message` for a problem with the whole input (no line).
    public var description: String {
        let name = source ?? "-"
        return line > 0 ? "\(name):\(line):\(column): \(message)" : "\(name): \(message)"
    }
}
