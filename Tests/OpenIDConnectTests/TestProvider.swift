import Crypto
import CryptoExtras
import Foundation
import Hummingbird
import HummingbirdTesting
import JWTKit
import Synchronization

@testable import OpenIDConnect

/// A clock the tests move on instead of waiting.
final class TestClock: Sendable {
    private let time = Mutex(Date(timeIntervalSince1970: 1_800_000_000))
    var now: Date { time.withLock { $0 } }
    func advance(_ seconds: TimeInterval) { time.withLock { $0 += seconds } }
    var read: @Sendable () -> Date { { self.now } }
}

/// A signing key of the test provider, and its public half as a JWK.
struct TestKey: Sendable {
    let id: String
    let algorithm: String
    let signer: JWTKeyCollection
    let publicJWK: [String: String]

    static func rsa(_ id: String) async throws -> TestKey {
        let key = try Insecure.RSA.PrivateKey(backing: _RSA.Signing.PrivateKey(keySize: .bits2048))
        let (modulus, exponent) = try key.publicKey.getKeyPrimitives()
        let collection = JWTKeyCollection()
        await collection.add(rsa: key, digestAlgorithm: .sha256, kid: JWKIdentifier(string: id))
        return TestKey(
            id: id, algorithm: "RS256", signer: collection,
            publicJWK: ["kty": "RSA", "kid": id, "n": base64URL(modulus), "e": base64URL(exponent), "use": "sig"])
    }

    static func ec(_ id: String) async throws -> TestKey {
        let key = try ECDSA.PrivateKey<P256>(backing: P256.Signing.PrivateKey())
        guard let parameters = key.parameters else { throw TestFailure("no EC parameters") }
        let collection = JWTKeyCollection()
        await collection.add(ecdsa: key, kid: JWKIdentifier(string: id))
        return TestKey(
            id: id, algorithm: "ES256", signer: collection,
            publicJWK: ["kty": "EC", "kid": id, "crv": "P-256", "x": parameters.x, "y": parameters.y])
    }

    /// A token with these claims, signed by this key.
    func sign(_ claims: TestClaims) async throws -> String {
        try await signer.sign(claims, kid: JWKIdentifier(string: id))
    }

    /// The public key's bytes as an HMAC secret would take them (the classic confusion).
    var publicKeyBytes: Data { Data((publicJWK["n"] ?? publicJWK["x"] ?? "").utf8) }
}

struct TestFailure: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}

func base64URL(_ data: Data) -> String {
    data.base64EncodedString().replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
        .replacingOccurrences(of: "=", with: "")
}

/// The claims a test token carries (numbers as NumericDate seconds).
struct TestClaims: JWTPayload {
    var iss: String
    var sub: String
    var aud: [String]
    var exp: Int
    var nbf: Int?
    var iat: Int
    var nonce: String
    var azp: String?
    var groups: [String]?
    var preferredUsername: String?

    enum CodingKeys: String, CodingKey {
        case iss, sub, aud, exp, nbf, iat, nonce, azp, groups
        case preferredUsername = "preferred_username"
    }

    func verify(using algorithm: some JWTAlgorithm) async throws {}
}

/// The provider's discovery document and key set, served by a real HTTP server on loopback;
/// the published keys can be changed while it runs (rotation).
final class TestProvider: Sendable {
    let published = Mutex<[TestKey]>([])
    let fetches = Mutex(0)

    func publish(_ keys: [TestKey]) { published.withLock { $0 = keys } }

    func router(issuer: @escaping @Sendable () -> String) -> Router<BasicRequestContext> {
        let router = Router()
        router.get(".well-known/openid-configuration") { _, _ -> Response in
            let base = issuer()
            return Self.json([
                "issuer": base, "authorization_endpoint": base + "/authorize", "token_endpoint": base + "/token",
                "jwks_uri": base + "/jwks",
            ])
        }
        router.get("jwks") { [self] _, _ -> Response in
            fetches.withLock { $0 += 1 }
            let keys = published.withLock { $0.map(\.publicJWK) }
            return Self.json(["keys": keys])
        }
        return router
    }

    static func json(_ value: some Encodable) -> Response {
        let data = (try? JSONEncoder().encode(value)) ?? Data()
        return Response(
            status: .ok, headers: [.contentType: "application/json"], body: .init(byteBuffer: ByteBuffer(data: data)))
    }

    /// Runs `body` with the provider listening on 127.0.0.1 (a port the system chose).
    func run(_ body: @escaping @Sendable (_ issuer: String) async throws -> Void) async throws {
        let port = Mutex(0)
        let app = Application(
            router: router(issuer: { "http://127.0.0.1:\(port.withLock { $0 })" }),
            configuration: .init(address: .hostname("127.0.0.1", port: 0)))
        try await app.test(.live) { client in
            guard let bound = client.port else { throw TestFailure("the test provider has no port") }
            port.withLock { $0 = bound }
            try await body("http://127.0.0.1:\(bound)")
        }
    }
}
