import CLibXML2
import CXMLSec

/// Process-wide xmlsec set-up, done once, after libxml2's (`XMLLibrary`).
///
/// xmlsec's own examples also switch on entity substitution and external DTD loading for
/// every parser in the process; Docket does not: its hardened parser builds the trees xmlsec
/// signs and verifies, and this module stays the only owner of libxml2's settings.
enum XMLSignatureLibrary {
    /// Why xmlsec could not be set up, or nil once it is ready. Swift runs this once, thread-safely.
    private static let failure: String? = {
        XMLLibrary.ensureInitialized()
        if xmlSecInit() < 0 { return "xmlSecInit failed" }
        // Routes xmlsec's messages to the running ErrorCapture rather than to stderr.
        xmlSecErrorsSetCallback(recordXMLSecError)
        if docket_xmlsec_check_version() != 1 {
            return "the xmlsec library loaded at run time is not compatible with the headers Docket was built with"
        }
        // nil: no OpenSSL configuration file beyond the system's default.
        if xmlSecOpenSSLAppInit(nil) < 0 { return "xmlSecOpenSSLAppInit failed" }
        if xmlSecOpenSSLInit() < 0 { return "xmlSecOpenSSLInit failed" }
        return nil
    }()

    /// Call before any xmlsec function.
    ///
    /// - Throws: `XMLSignatureError.libraryUnavailable` if xmlsec could not be initialised.
    static func ensureInitialized() throws {
        if let failure { throw XMLSignatureError.libraryUnavailable(failure) }
    }
}

/// xmlsec's error callback: each report becomes a diagnostic of the capture running on this
/// thread (see `ErrorCapture.run`); with none running, it is dropped rather than printed.
private let recordXMLSecError: xmlSecErrorsCallback = { _, _, function, _, subject, reason, message in
    guard let capture = ErrorCapture.current else { return }
    var parts: [String] = []
    if let subject, subject.pointee != 0 { parts.append(String(cString: subject)) }
    if let message, message.pointee != 0 { parts.append(String(cString: message)) }
    if parts.isEmpty, let function { parts.append("\(String(cString: function)) failed (reason \(reason))") }
    capture.record(XMLDiagnostic(severity: .error, line: 0, column: 0, message: parts.joined(separator: ": ")))
}
