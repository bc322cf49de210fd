import CLibXML2
import CXMLSec

/// An xmlsec signature context configured to process only the shape Docket writes.
///
/// The key is always chosen by Docket and set before xmlsec runs: the context has no keys
/// manager, so xmlsec never looks for a key in the document (a `KeyValue`, `X509Data` or
/// `RetrievalMethod`), in a store, or by trying "any key that fits".
final class SignatureContext {
    let pointer: xmlSecDSigCtxPtr

    /// - Parameters:
    ///   - key: the key to sign or verify with; the context owns it from here on.
    ///   - algorithm: the only signature method allowed.
    /// - Throws: `XMLSignatureError.libraryUnavailable` if xmlsec cannot make a context.
    init(key: LoadedKey, algorithm: XMLSignatureAlgorithm) throws {
        try XMLSignatureLibrary.ensureInitialized()
        guard let pointer = xmlSecDSigCtxCreate(nil) else {
            throw XMLSignatureError.libraryUnavailable("xmlSecDSigCtxCreate failed")
        }
        self.pointer = pointer
        pointer.pointee.signKey = key.release()
        try restrict(to: algorithm)
    }

    deinit {
        // Also frees signKey and enabledReferenceTransforms.
        xmlSecDSigCtxDestroy(pointer)
    }

    /// Everything beyond Docket's shape is disabled in xmlsec itself, as well as refused by
    /// `SignatureShape.check` beforehand: two independent locks on the same door.
    private func restrict(to algorithm: XMLSignatureAlgorithm) throws {
        let context = pointer
        // Manifests are references xmlsec would otherwise follow without them counting
        // towards the signature's validity.
        context.pointee.flags |= UInt32(XMLSEC_DSIG_FLAGS_IGNORE_MANIFESTS)
        // A Reference may only point at the whole document (URI=""): no "#id" fragment that
        // could be satisfied by a copied element elsewhere, no file or network URI.
        context.pointee.enabledReferenceUris = xmlSecTransformUriType(xmlSecTransformUriTypeEmpty)
        // SignedInfo: exclusive C14N and the key's own signature method, nothing else.
        try enable(
            [xmlSecTransformExclC14NGetKlass(), algorithm.transform],
            in: &context.pointee.transformCtx.enabledTransforms)
        // A Reference: enveloped-signature, exclusive C14N and SHA-256 only (no XPath, XSLT
        // or base64, which could select or fetch other content).
        guard let referenceTransforms = xmlSecPtrListCreate(xmlSecTransformIdListGetKlass()) else {
            throw XMLSignatureError.libraryUnavailable("xmlSecPtrListCreate failed")
        }
        context.pointee.enabledReferenceTransforms = referenceTransforms
        try enable(
            [
                xmlSecTransformEnvelopedGetKlass(), xmlSecTransformExclC14NGetKlass(),
                xmlSecOpenSSLTransformSha256GetKlass(),
            ],
            in: referenceTransforms)
        // KeyInfo is not read at all while a key is set (see the type's comment); should that
        // ever change, only a KeyName may be read, no retrieval may be followed, and anything
        // else in KeyInfo is an error.
        try enable([xmlSecKeyDataNameGetKlass()], in: &context.pointee.keyInfoReadCtx.enabledKeyData)
        context.pointee.keyInfoReadCtx.flags |= UInt32(XMLSEC_KEYINFO_FLAGS_STOP_ON_UNKNOWN_CHILD)
        context.pointee.keyInfoReadCtx.maxRetrievalMethodLevel = 0
        context.pointee.keyInfoReadCtx.maxEncryptedKeyLevel = 0
    }

    private func enable<Klass>(_ ids: [UnsafePointer<Klass>], in list: xmlSecPtrListPtr) throws {
        for id in ids where xmlSecPtrListAdd(list, UnsafeMutableRawPointer(mutating: id)) < 0 {
            throw XMLSignatureError.libraryUnavailable("xmlSecPtrListAdd failed")
        }
    }
}
