import CLibXML2
import CXMLSec

/// The signature algorithms Docket signs with and accepts. (xmlsec 1.2 has no Ed25519.)
public enum XMLSignatureAlgorithm: String, Sendable, Hashable, CaseIterable {
    /// ECDSA on P-256 with SHA-256, the one Docket prefers.
    case ecdsaP256SHA256 = "http://www.w3.org/2001/04/xmldsig-more#ecdsa-sha256"
    /// RSA PKCS#1 v1.5 with SHA-256, for keys of 2048 bits or more.
    case rsaSHA256 = "http://www.w3.org/2001/04/xmldsig-more#rsa-sha256"

    /// The `SignatureMethod` algorithm URI.
    public var uri: String { rawValue }

    /// The algorithm's name for people.
    public var displayName: String {
        switch self {
        case .ecdsaP256SHA256: return "ECDSA P-256"
        case .rsaSHA256: return "RSA"
        }
    }

    /// xmlsec's signature transform for the algorithm.
    var transform: xmlSecTransformId {
        switch self {
        case .ecdsaP256SHA256: return xmlSecOpenSSLTransformEcdsaSha256GetKlass()
        case .rsaSHA256: return xmlSecOpenSSLTransformRsaSha256GetKlass()
        }
    }
}

/// A private key to sign with, and the name verifiers know its public half by (written into the
/// signature's `KeyName`).
public struct XMLSigningKey: Sendable {
    /// The name written into `KeyName`.
    public let name: String
    /// What kind of key it is, found from the key itself.
    public let algorithm: XMLSignatureAlgorithm
    /// The key as read once; each signature works on its own copy (see `SharedKey`).
    let shared: SharedKey

    /// Reads a private key from PEM (PKCS#8 `PRIVATE KEY`, `EC PRIVATE KEY` or `RSA PRIVATE KEY`),
    /// unencrypted.
    ///
    /// - Throws: `XMLSignatureError.unusableKey` if the name is not a plain label, the PEM cannot
    ///   be read, or the key is neither ECDSA P-256 nor RSA of at least 2048 bits.
    public init(name: String, privateKeyPEM: String) throws {
        self.name = name
        shared = try SharedKey(LoadedKey(name: name, pem: Array(privateKeyPEM.utf8)))
        self.algorithm = shared.algorithm
    }
}

/// A public key that a verifier trusts, under the name signatures refer to it by.
public struct XMLTrustedKey: Sendable {
    /// The name a signature's `KeyName` must carry to be checked with this key.
    public let name: String
    /// What kind of key it is, found from the key itself.
    public let algorithm: XMLSignatureAlgorithm
    /// The key as read once; each verification works on its own copy (see `SharedKey`).
    let shared: SharedKey

    /// Reads a public key from PEM (`PUBLIC KEY`, as `openssl pkey -pubout` writes it).
    ///
    /// - Throws: `XMLSignatureError.unusableKey` as `XMLSigningKey.init(name:privateKeyPEM:)`.
    public init(name: String, publicKeyPEM: String) throws {
        self.name = name
        shared = try SharedKey(LoadedKey(name: name, pem: Array(publicKeyPEM.utf8)))
        self.algorithm = shared.algorithm
    }
}

/// An xmlsec key read from PEM once and never changed, which tasks share: each signature or
/// verification takes its own duplicate (`copy()`), which the signature context then owns.
///
/// Reading the PEM was most of a signature's cost: OpenSSL 3's decoder took about a millisecond
/// a key, against well under one for the whole signature (BENCHMARKS.md, "Signatures"). The
/// duplicate shares the OpenSSL key by reference count, which is thread-safe, and the original
/// is only ever read.
final class SharedKey: @unchecked Sendable {
    private let original: LoadedKey
    let name: String
    let algorithm: XMLSignatureAlgorithm

    init(_ key: LoadedKey) {
        original = key
        name = key.name
        algorithm = key.algorithm
    }

    /// A key of one's own, for one signature context.
    ///
    /// - Throws: `XMLSignatureError.unusableKey` if xmlsec cannot duplicate it.
    func copy() throws -> LoadedKey {
        guard let pointer = original.pointer, let duplicate = xmlSecKeyDuplicate(pointer) else {
            throw XMLSignatureError.unusableKey(name: name, reason: "xmlsec could not copy the key")
        }
        return LoadedKey(owning: duplicate, name: name, algorithm: algorithm)
    }
}

/// An xmlsec key read from PEM, owned until it is handed to a signature context (which frees it).
///
/// The public types keep one read key each (`SharedKey`) and hand every operation a duplicate:
/// an xmlsec key is a mutable C object that a signature context takes over and frees.
final class LoadedKey {
    private(set) var pointer: xmlSecKeyPtr?
    let algorithm: XMLSignatureAlgorithm
    let name: String

    /// Takes ownership of a key already checked (a duplicate of one read by `init(name:pem:)`).
    init(owning pointer: xmlSecKeyPtr, name: String, algorithm: XMLSignatureAlgorithm) {
        self.pointer = pointer
        self.name = name
        self.algorithm = algorithm
    }

    /// - Throws: `XMLSignatureError.unusableKey`.
    init(name: String, pem: [UInt8]) throws {
        self.name = name
        try XMLSignatureLibrary.ensureInitialized()
        try LoadedKey.checkName(name)
        let capture = ErrorCapture(source: "key '\(name)'")
        guard pem.count <= LoadedKey.maximumPEMSize else {
            throw XMLSignatureError.unusableKey(name: name, reason: "\(pem.count) bytes is too large for a PEM key")
        }
        let loaded = capture.run {
            pem.withUnsafeBufferPointer { bytes in
                // xmlSecSize is `unsigned int` under XMLSEC_NO_SIZE_T (CXMLSec's shim), hence UInt32:
                // were the define lost, this would stop compiling instead of passing the wrong width.
                xmlSecOpenSSLAppKeyLoadMemory(
                    bytes.baseAddress, UInt32(bytes.count), xmlSecKeyDataFormatPem, nil, nil, nil)
            }
        }
        guard let key = loaded else {
            let details = capture.diagnostics.map(\.message).joined(separator: "; ")
            throw XMLSignatureError.unusableKey(
                name: name, reason: "not a readable unencrypted PEM key" + (details.isEmpty ? "" : " (\(details))"))
        }
        do {
            algorithm = try LoadedKey.algorithm(of: key, name: name)
            guard xmlSecKeySetName(key, name) == 0 else {
                throw XMLSignatureError.unusableKey(name: name, reason: "xmlsec could not name the key")
            }
        } catch {
            xmlSecKeyDestroy(key)
            throw error
        }
        pointer = key
    }

    /// Far above any RSA or ECDSA key in PEM; anything larger is not a key.
    static let maximumPEMSize = 64 * 1024

    deinit {
        if let pointer { xmlSecKeyDestroy(pointer) }
    }

    /// Hands the key over to an owner that frees it (a signature context's `signKey`).
    func release() -> xmlSecKeyPtr? {
        defer { pointer = nil }
        return pointer
    }

    /// ECDSA on P-256 (256 bits) or RSA of 2048 bits or more; everything else is refused.
    private static func algorithm(of key: xmlSecKeyPtr, name: String) throws -> XMLSignatureAlgorithm {
        guard let value = xmlSecKeyGetValue(key) else {
            throw XMLSignatureError.unusableKey(name: name, reason: "the PEM holds no key value")
        }
        let size = Int(xmlSecKeyDataGetSize(value))
        switch value.pointee.id {
        case xmlSecOpenSSLKeyDataEcdsaGetKlass():
            // xmlsec 1.2 gives an ECDSA key's size in bytes (measured: 32 for P-256, 48 for
            // P-384), not in bits as for RSA.
            guard size == 32 else {
                throw XMLSignatureError.unusableKey(
                    name: name, reason: "an ECDSA key of \(size * 8) bits; Docket uses P-256 only")
            }
            return .ecdsaP256SHA256
        case xmlSecOpenSSLKeyDataRsaGetKlass():
            let bits = size
            guard bits >= 2048 else {
                throw XMLSignatureError.unusableKey(
                    name: name, reason: "an RSA key of \(bits) bits; at least 2048 are needed")
            }
            return .rsaSHA256
        default:
            let kind = value.pointee.id.pointee.name.map { String(cString: $0) } ?? "unknown"
            throw XMLSignatureError.unusableKey(
                name: name, reason: "a \(kind) key; Docket signs with ECDSA P-256 or RSA only")
        }
    }

    /// A key name is a label both sides agree on: no surrounding spaces, no control characters.
    private static func checkName(_ name: String) throws {
        let scalars = name.unicodeScalars
        guard let first = scalars.first, let last = scalars.last,
            !first.properties.isWhitespace, !last.properties.isWhitespace,
            !scalars.contains(where: { $0.properties.generalCategory == .control })
        else {
            throw XMLSignatureError.unusableKey(
                name: name, reason: "a key name must be non-empty, without surrounding spaces or control characters")
        }
    }
}
