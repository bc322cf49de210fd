import CLibXML2
import CXMLSec

/// Signs XML documents with an enveloped W3C XML Signature (XMLDSig) that `xmlsec1 --verify`
/// and `XMLSignatureVerifier` accept.
///
/// The signature is appended as the last child of the root element:
/// exclusive C14N, ECDSA-SHA256 (or RSA-SHA256 for an RSA key), exactly one `Reference` with
/// `URI=""` and the transforms enveloped-signature then exclusive C14N, a SHA-256 digest, and a
/// `KeyInfo` holding only the key's `KeyName`: the verifier must already have the public key.
public struct XMLSigner: Sendable {
    /// The key signatures are made with.
    public let key: XMLSigningKey

    public init(key: XMLSigningKey) {
        self.key = key
    }

    /// Signs a copy of `document` (the caller's tree is left as it is).
    ///
    /// - Returns: the signed document as UTF-8 bytes, not indented: indenting would change the
    ///   signed content.
    /// - Throws: `XMLSignatureError.signingFailed` if the document has no root element or is
    ///   already signed, or xmlsec fails; `XMLSignatureError.unusableKey` if the key cannot be read.
    public func sign(_ document: XMLDocument) throws -> [UInt8] {
        try XMLSignatureLibrary.ensureInitialized()
        guard let copy = xmlCopyDoc(document.pointer, 1) else {
            throw XMLSignatureError.signingFailed("cannot copy \(document.source)")
        }
        let signed = XMLDocument(owning: copy, source: document.source)
        try appendSignature(to: signed)
        return try signed.serialized(indented: false)
    }

    /// Parses `bytes` with Docket's hardened parser and signs them (see `sign(_:)`).
    ///
    /// - Throws: `XMLError` if the bytes are not a well-formed document Docket accepts (for
    ///   example one with a DOCTYPE), else as `sign(_:)`.
    public func sign(_ bytes: [UInt8], source: String = "(memory)", options: XMLParseOptions = .default) throws
        -> [UInt8]
    {
        try sign(XMLDocument(parsing: bytes, source: source, options: options))
    }

    /// Builds the signature template under the root, then has xmlsec fill in the digest and value.
    private func appendSignature(to document: XMLDocument) throws {
        let capture = ErrorCapture(source: document.source)
        try capture.run {
            guard let root = xmlDocGetRootElement(document.pointer) else {
                throw XMLSignatureError.signingFailed("\(document.source) has no root element")
            }
            guard SignatureShape.signatures(under: root).isEmpty else {
                throw XMLSignatureError.signingFailed("\(document.source) already carries a ds:Signature")
            }
            let context = try SignatureContext(key: key.shared.copy(), algorithm: key.algorithm)
            let signature = try makeTemplate(in: document.pointer)
            xmlAddChild(root, signature)
            guard xmlSecDSigCtxSign(context.pointer, signature) == 0 else {
                let details = capture.diagnostics.map(\.message).joined(separator: "; ")
                throw XMLSignatureError.signingFailed("xmlsec could not sign \(document.source): \(details)")
            }
        }
    }

    /// The unsigned `ds:Signature` element, not yet attached to the tree.
    private func makeTemplate(in document: xmlDocPtr) throws -> xmlNodePtr {
        guard
            let signature = xmlSecTmplSignatureCreateNsPref(
                document, xmlSecTransformExclC14NGetKlass(), key.algorithm.transform, nil, "ds")
        else { throw XMLSignatureError.signingFailed("cannot create the signature template") }
        guard
            let reference = xmlSecTmplSignatureAddReference(
                signature, xmlSecOpenSSLTransformSha256GetKlass(), nil, "", nil),
            xmlSecTmplReferenceAddTransform(reference, xmlSecTransformEnvelopedGetKlass()) != nil,
            xmlSecTmplReferenceAddTransform(reference, xmlSecTransformExclC14NGetKlass()) != nil,
            let keyInfo = xmlSecTmplSignatureEnsureKeyInfo(signature, nil),
            let keyName = xmlSecTmplKeyInfoAddKeyName(keyInfo, nil)
        else {
            xmlFreeNode(signature)
            throw XMLSignatureError.signingFailed("cannot create the signature template")
        }
        // Added as a text node, so that the name is escaped rather than read as markup.
        xmlNodeAddContent(keyName, key.name)
        return signature
    }
}
