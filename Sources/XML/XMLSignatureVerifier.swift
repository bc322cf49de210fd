import CLibXML2
import CXMLSec

/// Verifies the enveloped XML Signatures that `XMLSigner` writes, strictly, against public keys
/// the caller trusts.
///
/// Only one shape is accepted (see `XMLSigner`): exactly one `ds:Signature`, the last child
/// element of the root; exactly one `Reference`, with `URI=""` and the transforms
/// enveloped-signature then exclusive C14N; a `KeyInfo` holding only a `KeyName`. The key is
/// looked up by that name among the trusted keys and nowhere else: key material carried in the
/// document is never used. The shape is checked by Docket first, and xmlsec's own context is
/// restricted to the same algorithms, transforms and URIs (see `SignatureContext`).
public struct XMLSignatureVerifier: Sendable {
    /// The keys signatures may be made with, by name.
    public let trustedKeys: [String: XMLTrustedKey]

    /// - Throws: `XMLSignatureError.duplicateKeyName` if two keys share a name.
    public init(trustedKeys: [XMLTrustedKey]) throws {
        var byName: [String: XMLTrustedKey] = [:]
        for key in trustedKeys {
            guard byName.updateValue(key, forKey: key.name) == nil else {
                throw XMLSignatureError.duplicateKeyName(key.name)
            }
        }
        self.trustedKeys = byName
    }

    /// Parses `bytes` with Docket's hardened parser and verifies their signature.
    ///
    /// - Parameters:
    ///   - bytes: the signed document, exactly as stored.
    ///   - source: the name used in diagnostics, usually the file's path.
    ///   - options: the parser's size and depth limits.
    /// - Returns: the name of the trusted key the signature verified with.
    /// - Throws: `XMLError` if the bytes are not a document Docket accepts (for example one with
    ///   a DOCTYPE); `XMLSignatureError.malformedSignature` for any other shape of signature;
    ///   `.untrustedKey` for a key name not among the trusted keys; `.algorithmMismatch` when
    ///   the key's kind differs from the signature method; `.signatureInvalid` when the content
    ///   or the signature value does not match.
    public func verify(_ bytes: [UInt8], source: String = "(memory)", options: XMLParseOptions = .default) throws
        -> String
    {
        try verify(XMLDocument(parsing: bytes, source: source, options: options))
    }

    /// Verifies the signature of a document already parsed (with Docket's hardened parser, as
    /// `verify(_:source:options:)` does): for a caller that reads the document's content too.
    ///
    /// - Returns: the name of the trusted key the signature verified with.
    /// - Throws: as `verify(_:source:options:)`, but for parsing.
    public func verify(_ document: XMLDocument) throws -> String {
        try XMLSignatureLibrary.ensureInitialized()
        let shape = try SignatureShape.check(document.pointer)
        guard let trusted = trustedKeys[shape.keyName] else {
            throw XMLSignatureError.untrustedKey(name: shape.keyName)
        }
        guard shape.signatureMethod == trusted.algorithm.uri else {
            throw XMLSignatureError.algorithmMismatch(
                keyName: trusted.name, keyAlgorithm: trusted.algorithm.displayName,
                signatureMethod: shape.signatureMethod)
        }
        try checkValue(of: XMLNode(pointer: shape.signature, document: document), with: trusted)
        return trusted.name
    }

    /// Has xmlsec recompute the digest and check the signature value with the trusted key.
    ///
    /// Internal rather than private so that tests can show xmlsec's own restrictions refusing
    /// what `SignatureShape.check` would have refused first.
    func checkValue(of signature: XMLNode, with trusted: XMLTrustedKey) throws {
        let document = signature.document
        let capture = ErrorCapture(source: document.source)
        try capture.run {
            let context = try SignatureContext(
                key: trusted.shared.copy(), algorithm: trusted.algorithm)
            let status = xmlSecDSigCtxVerify(context.pointer, signature.pointer)
            guard status == 0, context.pointer.pointee.status == xmlSecDSigStatusSucceeded else {
                var reasons = capture.diagnostics.map(\.message)
                if status != 0 { reasons.append("xmlsec could not process the signature") }
                throw XMLSignatureError.signatureInvalid(keyName: trusted.name, reasons: reasons)
            }
        }
    }
}
