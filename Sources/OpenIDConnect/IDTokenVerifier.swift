import Foundation
import JWTKit

/// Checks an ID token the way OpenID Connect Core §3.1.3.7 asks: the signature first, by the
/// provider's key the header names and only with RS256 or ES256, then the claims.
public struct IDTokenVerifier: Sendable {
    public var issuer: String
    public var clientID: String
    public var keys: JWKSCache
    /// How far the provider's clock and Docket's may disagree.
    public var leeway: TimeInterval
    public var now: @Sendable () -> Date

    public init(
        issuer: String, clientID: String, keys: JWKSCache, leeway: TimeInterval = 60,
        now: @escaping @Sendable () -> Date = { Date() }
    ) {
        self.issuer = issuer
        self.clientID = clientID
        self.keys = keys
        self.leeway = leeway
        self.now = now
    }

    /// The algorithms accepted. `none` and HMAC (`HS*`) are never: an HMAC "signature" made
    /// with the provider's public key as the secret would otherwise verify.
    static let algorithms: [String: JWK.Algorithm] = ["RS256": .rs256, "ES256": .es256]

    /// Verifies an ID token and returns its claims.
    ///
    /// - Parameter nonce: The nonce sent in this sign-in's authorization request; the token
    ///   must carry exactly it (a token from another sign-in is refused).
    /// - Throws: `OIDCError.invalidToken` naming the check that failed; `OIDCError.provider`
    ///   when the key set cannot be fetched.
    public func verify(_ token: String, nonce: String) async throws(OIDCError) -> [String: ClaimValue] {
        let header = try Self.header(of: token)
        guard let algorithmName = header["alg"]?.text else { throw .invalidToken("its header names no algorithm") }
        guard let algorithm = Self.algorithms[algorithmName] else {
            throw .invalidToken("it is signed with '\(algorithmName)'; only RS256 and ES256 are accepted")
        }
        var key = try await keys.key(id: header["kid"]?.text)
        try Self.check(key, fits: algorithm, name: algorithmName)
        // The key is used with the header's algorithm only after the key's type was checked to fit it.
        key.algorithm = algorithm
        let claims: IDTokenClaims
        do {
            let collection = JWTKeyCollection()
            try await collection.add(jwk: key)
            claims = try await collection.verify(token, as: IDTokenClaims.self)
        } catch let error as JWTError where error.errorType == .signatureVerificationFailed {
            throw .invalidToken("its signature does not verify")
        } catch {
            throw .invalidToken("its signature or payload cannot be checked")
        }
        try check(claims.claims, nonce: nonce)
        return claims.claims
    }

    /// The claim checks, in the order the specification lists them.
    func check(_ claims: [String: ClaimValue], nonce: String) throws(OIDCError) {
        guard claims["iss"]?.text == issuer else { throw .invalidToken("it was issued by another issuer") }
        guard let subject = claims["sub"]?.text, !subject.isEmpty else { throw .invalidToken("it names no subject") }
        let audiences = claims["aud"]?.strings ?? []
        guard audiences.contains(clientID) else { throw .invalidToken("it is meant for another audience") }
        if audiences.count > 1 || claims["azp"] != nil {
            guard claims["azp"]?.text == clientID else {
                throw .invalidToken("it was issued to another party ('azp')")
            }
        }
        let time = now().timeIntervalSince1970
        guard let expiry = claims["exp"]?.seconds else { throw .invalidToken("it has no expiry") }
        guard time < expiry + leeway else { throw .invalidToken("it has expired") }
        if let notBefore = claims["nbf"]?.seconds, notBefore > time + leeway {
            throw .invalidToken("it is not valid yet ('nbf')")
        }
        guard let issuedAt = claims["iat"]?.seconds else { throw .invalidToken("it has no issue time") }
        guard issuedAt <= time + leeway else { throw .invalidToken("it was issued in the future ('iat')") }
        guard let sent = claims["nonce"]?.text, Self.constantTimeEqual(sent, nonce) else {
            throw .invalidToken("its nonce is not this sign-in's")
        }
    }

    /// The JOSE header, read before anything is verified (to choose, or refuse, the algorithm).
    static func header(of token: String) throws(OIDCError) -> [String: ClaimValue] {
        let parts = token.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 3, let data = Self.base64URLDecode(parts[0]),
            let header = try? JSONDecoder().decode([String: ClaimValue].self, from: data)
        else { throw .invalidToken("it is not a signed JWT") }
        if let critical = header["crit"], !critical.strings.isEmpty {
            throw .invalidToken("its header has critical extensions Docket does not understand")
        }
        return header
    }

    /// Refuses a key whose type does not fit the algorithm (an RSA key for ES256), or whose
    /// own `alg`, when the provider gives one, is another.
    static func check(_ key: JWK, fits algorithm: JWK.Algorithm, name: String) throws(OIDCError) {
        if let own = key.algorithm, own != algorithm {
            throw .invalidToken("its header names \(name) but the key is for \(own.rawValue)")
        }
        let fits =
            switch algorithm {
            case .rs256: key.keyType == .rsa
            case .es256: key.keyType == .ecdsa && key.curve == .ecdsa(.p256)
            default: false
            }
        guard fits else { throw .invalidToken("its header names \(name), which the key's type does not fit") }
    }

    static func base64URLDecode(_ text: some StringProtocol) -> Data? {
        var base64 = text.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        base64 += String(repeating: "=", count: (4 - base64.count % 4) % 4)
        return Data(base64Encoded: base64)
    }

    static func constantTimeEqual(_ a: String, _ b: String) -> Bool {
        let left = Array(a.utf8)
        let right = Array(b.utf8)
        guard left.count == right.count else { return false }
        return zip(left, right).reduce(UInt8(0)) { $0 | ($1.0 ^ $1.1) } == 0
    }
}
