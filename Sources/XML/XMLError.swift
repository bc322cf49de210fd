/// Why libxml2 work failed. Every case carries enough to tell the user what was wrong and where.
public enum XMLError: Error, Sendable, CustomStringConvertible {
    /// The input is larger than the configured cap; it was refused before parsing began.
    case inputTooLarge(source: String, size: Int, limit: Int)
    /// The input holds no bytes at all.
    case emptyInput(source: String)
    /// The document declares a DOCTYPE. Refused because a DTD can declare entities
    /// (billion laughs, external files, the network) and Docket's formats need none.
    case doctypeRefused(XMLDiagnostic)
    /// The document uses XInclude, which could pull in other files; Docket never processes it.
    case xincludeRefused(XMLDiagnostic)
    /// libxml2 could not parse the document; every message it reported, in order.
    case notWellFormed([XMLDiagnostic])
    /// The document is well-formed but breaks its schema; every message libxml2 reported.
    case schemaInvalid([XMLDiagnostic])
    /// The schema itself could not be loaded or compiled.
    case schemaUnusable(path: String, [XMLDiagnostic])
    /// A file could not be read.
    case unreadable(path: String, reason: String)
    /// An XPath expression could not be compiled or evaluated.
    case xpathFailed(expression: String, [XMLDiagnostic])
    /// A name or text cannot be written as XML 1.0 (for example a control character).
    case notRepresentable(String)
    /// libxml2 failed to serialise or canonicalise a document.
    case serializationFailed(String, [XMLDiagnostic])

    /// Every diagnostic the error carries, for callers that list them one per line.
    public var diagnostics: [XMLDiagnostic] {
        switch self {
        case .doctypeRefused(let diagnostic), .xincludeRefused(let diagnostic):
            return [diagnostic]
        case .notWellFormed(let list), .schemaInvalid(let list), .schemaUnusable(_, let list),
            .xpathFailed(_, let list), .serializationFailed(_, let list):
            return list
        case .inputTooLarge(let source, let size, let limit):
            return [
                XMLDiagnostic(
                    severity: .fatal, source: source, line: 0, column: 0,
                    message: "input of \(size) bytes is over the \(limit)-byte limit; refused before parsing")
            ]
        case .emptyInput(let source):
            return [
                XMLDiagnostic(severity: .fatal, source: source, line: 0, column: 0, message: "input is empty")
            ]
        case .unreadable(let path, let reason):
            return [
                XMLDiagnostic(severity: .fatal, source: path, line: 0, column: 0, message: "cannot read: \(reason)")
            ]
        case .notRepresentable(let reason):
            return [XMLDiagnostic(severity: .error, line: 0, column: 0, message: reason)]
        }
    }

    public var description: String {
        switch self {
        case .xpathFailed(let expression, let list):
            let details = list.map(\.message).joined(separator: "; ")
            return "XPath expression '\(expression)' failed" + (details.isEmpty ? "" : ": \(details)")
        case .serializationFailed(let what, let list):
            let details = list.map(\.message).joined(separator: "; ")
            return "\(what) failed" + (details.isEmpty ? "" : ": \(details)")
        case .schemaUnusable(let path, let list) where list.isEmpty:
            return "\(path): schema could not be loaded"
        default:
            return diagnostics.map(\.description).joined(separator: "\n")
        }
    }
}
