/// Why signing or verifying an XML Signature failed. Each case says what was wrong in words a
/// person can act on; a document that is not well-formed (or declares a DOCTYPE) fails earlier,
/// with an `XMLError` from the hardened parser.
public enum XMLSignatureError: Error, Sendable, Equatable, CustomStringConvertible {
    /// xmlsec could not be initialised (a broken installation, not a bad document).
    case libraryUnavailable(String)
    /// A key could not be read, or is of a kind Docket does not sign with.
    case unusableKey(name: String, reason: String)
    /// Two trusted keys carry the same name, so a signature's `KeyName` could not pick one.
    case duplicateKeyName(String)
    /// The document cannot be signed (no root element, already signed, or xmlsec failed).
    case signingFailed(String)
    /// The signature is not in the one shape Docket writes and accepts (see `XMLSignatureVerifier`).
    case malformedSignature(String)
    /// The signature names a key that is not among the trusted ones.
    case untrustedKey(name: String)
    /// The signature names a trusted key of another algorithm than its `SignatureMethod`.
    case algorithmMismatch(keyName: String, keyAlgorithm: String, signatureMethod: String)
    /// xmlsec refused the signature: the signed content or the signature value does not match
    /// (the document was changed after signing, or another key signed it), or xmlsec's own
    /// restrictions refused what it was asked to process.
    case signatureInvalid(keyName: String, reasons: [String])

    public var description: String {
        switch self {
        case .libraryUnavailable(let reason):
            return "XML signatures are unavailable: \(reason)"
        case .unusableKey(let name, let reason):
            return "key '\(name)' cannot be used: \(reason)"
        case .duplicateKeyName(let name):
            return "more than one trusted key is named '\(name)'"
        case .signingFailed(let reason):
            return "cannot sign: \(reason)"
        case .malformedSignature(let reason):
            return "signature refused: \(reason)"
        case .untrustedKey(let name):
            return "signature refused: key '\(name)' is not a trusted key"
        case .algorithmMismatch(let keyName, let keyAlgorithm, let signatureMethod):
            return "signature refused: key '\(keyName)' is a \(keyAlgorithm) key but the signature method is "
                + signatureMethod
        case .signatureInvalid(let keyName, let reasons):
            let details = reasons.isEmpty ? "" : " (\(reasons.joined(separator: "; ")))"
            return "signature by key '\(keyName)' does not verify" + details
        }
    }
}
