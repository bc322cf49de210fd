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
        if docket_xmlsec_check_version() != 1 {
            return "the xmlsec library loaded at run time is not compatible with the headers Docket was built with"
        }
        // nil: no OpenSSL configuration file beyond the system's default.
        if xmlSecOpenSSLAppInit(nil) < 0 { return "xmlSecOpenSSLAppInit failed" }
        if xmlSecOpenSSLInit() < 0 { return "xmlSecOpenSSLInit failed" }
        // Routes xmlsec's messages to the running ErrorCapture rather than to stderr.
        xmlSecErrorsSetCallback(recordXMLSecError)
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
///
/// A failure deep inside xmlsec is reported again by every caller on the way out, as "xmlsec
/// library function failed" with nothing to add; those echoes are left out.
private let recordXMLSecError: xmlSecErrorsCallback = { _, _, _, _, _, reason, message in
    guard let capture = ErrorCapture.current else { return }
    let details = message.map { String(cString: $0) }?.trimmingSpaces ?? ""
    if reason == XMLSEC_ERRORS_R_XMLSEC_FAILED && details.isEmpty { return }
    let text = [reasonText(reason), details].filter { !$0.isEmpty }.joined(separator: ": ")
    capture.record(XMLDiagnostic(severity: .error, line: 0, column: 0, message: text))
}

/// xmlsec's words for an error code ("invalid URI type", "transform is disabled").
private func reasonText(_ reason: Int32) -> String {
    var position: UInt32 = 0
    while let message = xmlSecErrorsGetMsg(position) {
        if xmlSecErrorsGetCode(position) == reason { return String(cString: message) }
        position += 1
    }
    return "xmlsec error \(reason)"
}

extension String {
    /// The string without leading and trailing spaces (the XML module does without Foundation).
    fileprivate var trimmingSpaces: String {
        String(drop { $0 == " " }.reversed().drop { $0 == " " }.reversed())
    }
}
