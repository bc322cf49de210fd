import CLibXML2

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Collects every message libxml2 reports during one synchronous operation.
///
/// libxml2 reports through several channels: a parser context's structured handler, the
/// schema contexts' handlers, and — for a few messages such as refused network entities —
/// only the per-thread global handlers. An `ErrorCapture` is installed on all of them for the
/// duration of one call (`run`), so nothing reaches stderr and nothing leaks between callers:
/// the globals in this libxml2 build are per thread, and the call does not suspend.
final class ErrorCapture {
    /// The name used as `source` in diagnostics (a path or a label).
    let source: String?
    /// A directory from which the entity loader may read local files (trusted schemas only).
    let trustedDirectory: String?
    private(set) var diagnostics: [XMLDiagnostic] = []

    init(source: String?, trustedDirectory: String? = nil) {
        self.source = source
        self.trustedDirectory = trustedDirectory
    }

    func record(_ diagnostic: XMLDiagnostic) {
        var diagnostic = diagnostic
        if diagnostic.source == nil { diagnostic.source = source }
        diagnostics.append(diagnostic)
    }

    /// Records a libxml2 structured error, keeping its line and column.
    func record(_ error: xmlError) {
        let severity: XMLDiagnostic.Severity
        switch error.level {
        case XML_ERR_WARNING: severity = .warning
        case XML_ERR_FATAL: severity = .fatal
        default: severity = .error
        }
        var message = error.message.map { String(cString: $0) } ?? "unknown libxml2 error \(error.code)"
        while message.last == "\n" || message.last == " " { message.removeLast() }
        var column = Int(error.int2)
        if column == 0, let node = error.node?.assumingMemoryBound(to: xmlNode.self) {
            column = XMLDocument.recordedColumn(of: node)
        }
        record(
            XMLDiagnostic(
                severity: severity, source: source, line: Int(error.line),
                column: column, message: message))
    }

    /// Whether anything at error level or above was reported.
    var hasErrors: Bool { diagnostics.contains { $0.severity != .warning } }

    /// Runs `body` with this capture installed as the thread's libxml2 error sink and as the
    /// context the entity loader consults; restores the previous sinks afterwards.
    func run<Result>(_ body: () throws -> Result) rethrows -> Result {
        XMLLibrary.ensureInitialized()
        let unmanaged = Unmanaged.passRetained(self)
        defer { unmanaged.release() }
        let previousScope = pthread_getspecific(ErrorCapture.scopeKey)
        let previousStructured = __xmlStructuredError().pointee
        let previousStructuredContext = __xmlStructuredErrorContext().pointee
        let previousGeneric = __xmlGenericError().pointee
        let previousGenericContext = __xmlGenericErrorContext().pointee
        var sink = docket_generic_error_sink(callback: genericErrorCallback, context: unmanaged.toOpaque())

        pthread_setspecific(ErrorCapture.scopeKey, unmanaged.toOpaque())
        xmlSetStructuredErrorFunc(unmanaged.toOpaque(), captureStructuredError)
        return try withUnsafeMutablePointer(to: &sink) { sinkPointer in
            docket_set_generic_error_sink(sinkPointer)
            defer {
                xmlSetGenericErrorFunc(previousGenericContext, previousGeneric)
                xmlSetStructuredErrorFunc(previousStructuredContext, previousStructured)
                pthread_setspecific(ErrorCapture.scopeKey, previousScope)
            }
            return try body()
        }
    }

    /// The capture running on this thread, if any (used by the entity loader).
    static var current: ErrorCapture? {
        pthread_getspecific(scopeKey).map { Unmanaged<ErrorCapture>.fromOpaque($0).takeUnretainedValue() }
    }

    private static let scopeKey: pthread_key_t = {
        var key = pthread_key_t()
        let status = pthread_key_create(&key, nil)
        precondition(status == 0, "pthread_key_create failed: \(status)")
        return key
    }()
}

/// Structured handler whose context is an `ErrorCapture` (schema contexts, thread globals).
let captureStructuredError: xmlStructuredErrorFunc = { context, error in
    guard let context, let error else { return }
    Unmanaged<ErrorCapture>.fromOpaque(context).takeUnretainedValue().record(error.pointee)
}

/// Structured handler for parser contexts: libxml2 passes the parser context itself (SAX2
/// needs `userData` to stay the context), and the capture rides in its `_private` field.
let captureParserError: xmlStructuredErrorFunc = { context, error in
    guard let context, let error else { return }
    let parser = context.assumingMemoryBound(to: xmlParserCtxt.self)
    guard let capture = parser.pointee._private else { return }
    Unmanaged<ErrorCapture>.fromOpaque(capture).takeUnretainedValue().record(error.pointee)
}

private let genericErrorCallback: docket_generic_error_callback = { context, message in
    guard let context, let message else { return }
    var text = String(cString: message)
    while text.last == "\n" { text.removeLast() }
    guard !text.isEmpty else { return }
    Unmanaged<ErrorCapture>.fromOpaque(context).takeUnretainedValue().record(
        XMLDiagnostic(severity: .error, line: 0, column: 0, message: text))
}
