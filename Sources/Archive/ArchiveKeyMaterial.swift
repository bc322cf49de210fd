import Crypto
import CryptoExtras
import Foundation

/// Makes archive signing keys and reads them: the private key as PEM for the signer, the public
/// half as the key list records it. swift-crypto makes the key; xmlsec (OpenSSL) signs with it.
public enum ArchiveKeyMaterial {
    /// A new key pair.
    ///
    /// - Returns: the private key as PEM PKCS#8 (to keep outside the archive) and its public half.
    public static func generate(_ algorithm: ArchiveKeyAlgorithm) throws(ArchiveError) -> (
        privateKeyPEM: String, key: ArchiveKey
    ) {
        switch algorithm {
        case .ecdsaP256:
            let key = P256.Signing.PrivateKey()
            return (key.pemRepresentation, publicKey(der: key.publicKey.derRepresentation, algorithm: algorithm))
        case .rsa3072:
            do {
                let key = try _RSA.Signing.PrivateKey(keySize: .bits3072)
                return (key.pemRepresentation, publicKey(der: key.publicKey.derRepresentation, algorithm: algorithm))
            } catch {
                throw .invalidInput("cannot make an RSA key: \(error)")
            }
        }
    }

    /// The public half of a private key given as PEM (PKCS#8, or PKCS#1 for RSA).
    ///
    /// - Throws: `.invalidInput` when the PEM is neither an ECDSA P-256 key nor an RSA key of at
    ///   least 3072 bits.
    public static func publicKey(ofPrivateKeyPEM pem: String) throws(ArchiveError) -> ArchiveKey {
        if let key = try? P256.Signing.PrivateKey(pemRepresentation: pem) {
            return publicKey(der: key.publicKey.derRepresentation, algorithm: .ecdsaP256)
        }
        if let key = try? _RSA.Signing.PrivateKey(pemRepresentation: pem) {
            guard key.keySizeInBits >= 3072 else {
                throw .invalidInput("an RSA signing key must have at least 3072 bits, not \(key.keySizeInBits)")
            }
            return publicKey(der: key.publicKey.derRepresentation, algorithm: .rsa3072)
        }
        throw .invalidInput("not a PEM private key Docket signs with (ECDSA P-256 or RSA of 3072 bits or more)")
    }

    /// The key as the key list records it, named after its SPKI fingerprint.
    static func publicKey(der: Data, algorithm: ArchiveKeyAlgorithm) -> ArchiveKey {
        let fingerprint = ArchiveStore.sha256(Array(der))
        return ArchiveKey(
            name: "docket-\(fingerprint.prefix(16))", algorithm: algorithm, publicKeyPEM: pem(der: der),
            spkiSHA256: fingerprint)
    }

    /// PEM `PUBLIC KEY` armour, 64 base64 characters a line, ending with a line break.
    private static func pem(der: Data) -> String {
        let base64 = der.base64EncodedString()
        var lines: [Substring] = []
        var start = base64.startIndex
        while start < base64.endIndex {
            let end = base64.index(start, offsetBy: 64, limitedBy: base64.endIndex) ?? base64.endIndex
            lines.append(base64[start..<end])
            start = end
        }
        return "-----BEGIN PUBLIC KEY-----\n" + lines.joined(separator: "\n") + "\n-----END PUBLIC KEY-----\n"
    }
}
