import Foundation
import JWTKit
import Testing

@testable import OpenIDConnect

/// ID tokens from a provider on loopback (discovery and JWKS over real HTTP), signed with keys
/// made in the test: what a relying party must accept and everything it must refuse.
@Suite struct IDTokenVerifierTests {
    static let clientID = "docket-client"
    static let nonce = "nonce-of-this-sign-in"
    /// Far above what loopback takes: the whole suite in parallel on two busy cores once made
    /// the server miss Docket's 10 seconds. The time limit itself is not what these tests test.
    static let timeout: TimeInterval = 120
    static let http = ProviderHTTP(timeout: timeout)

    /// One provider with an RSA key and an EC key published, a verifier pointed at it through
    /// discovery, and the clock both read.
    struct Setup: Sendable {
        let provider: TestProvider
        let rsa: TestKey
        let ec: TestKey
        let clock: TestClock

        static func make() async throws -> Setup {
            let provider = TestProvider()
            let setup = Setup(
                provider: provider, rsa: try await TestKey.rsa("rsa-1"), ec: try await TestKey.ec("ec-1"),
                clock: TestClock())
            provider.publish([setup.rsa, setup.ec])
            return setup
        }

        func verifier(issuer: String) async throws -> IDTokenVerifier {
            let metadata = try await ProviderMetadata.discover(issuer: issuer, http: IDTokenVerifierTests.http)
            let keys = JWKSCache(
                url: metadata.jwksURI, refetchInterval: 30, timeout: IDTokenVerifierTests.timeout, now: clock.read)
            return IDTokenVerifier(issuer: issuer, clientID: IDTokenVerifierTests.clientID, keys: keys, now: clock.read)
        }

        func claims(issuer: String, _ change: (inout TestClaims) -> Void = { _ in }) -> TestClaims {
            let now = Int(clock.now.timeIntervalSince1970)
            var claims = TestClaims(
                iss: issuer, sub: "subject-1", aud: [IDTokenVerifierTests.clientID], exp: now + 300, nbf: now,
                iat: now, nonce: IDTokenVerifierTests.nonce, azp: nil, groups: ["g1"],
                preferredUsername: "Jo.Bloggs@council.example")
            change(&claims)
            return claims
        }
    }

    /// Runs `body` against a provider on loopback.
    func withProvider(_ body: @escaping @Sendable (Setup, String, IDTokenVerifier) async throws -> Void) async throws {
        let setup = try await Setup.make()
        try await setup.provider.run { issuer in
            try await body(setup, issuer, try await setup.verifier(issuer: issuer))
        }
    }

    /// Expects the verifier to refuse `token` with a message containing `reason`.
    func expectRefused(
        _ verifier: IDTokenVerifier, _ token: String, because reason: String,
        sourceLocation: SourceLocation = #_sourceLocation
    ) async {
        do {
            _ = try await verifier.verify(token, nonce: Self.nonce)
            Issue.record("accepted a token that should be refused (\(reason))", sourceLocation: sourceLocation)
        } catch {
            #expect("\(error)".contains(reason), "refused for another reason: \(error)", sourceLocation: sourceLocation)
        }
    }

    @Test func rs256AndES256TokensFromThePublishedKeysAreAccepted() async throws {
        try await withProvider { setup, issuer, verifier in
            let rsa = try await verifier.verify(
                try await setup.rsa.sign(setup.claims(issuer: issuer)), nonce: Self.nonce)
            #expect(rsa["sub"] == .string("subject-1"))
            let ec = try await verifier.verify(try await setup.ec.sign(setup.claims(issuer: issuer)), nonce: Self.nonce)
            #expect(ec["groups"] == .array([.string("g1")]))
        }
    }

    @Test func aTamperedPayloadIsRefused() async throws {
        try await withProvider { setup, issuer, verifier in
            let token = try await setup.rsa.sign(setup.claims(issuer: issuer))
            let parts = token.split(separator: ".").map(String.init)
            let forged = try await setup.rsa.sign(setup.claims(issuer: issuer) { $0.sub = "someone-else" })
            let forgedPayload = forged.split(separator: ".").map(String.init)[1]
            await expectRefused(
                verifier, "\(parts[0]).\(forgedPayload).\(parts[2])", because: "signature does not verify")
        }
    }

    @Test func anExpiredTokenAndOneNotYetValidAreRefused() async throws {
        try await withProvider { setup, issuer, verifier in
            let now = Int(setup.clock.now.timeIntervalSince1970)
            let expired = try await setup.rsa.sign(
                setup.claims(issuer: issuer) {
                    $0.iat = now - 3600
                    $0.nbf = now - 3600
                    $0.exp = now - 600
                })
            await expectRefused(verifier, expired, because: "expired")
            let early = try await setup.rsa.sign(setup.claims(issuer: issuer) { $0.nbf = now + 3600 })
            await expectRefused(verifier, early, because: "not valid yet")
            // Within the minute's leeway both clocks may disagree by, a token is still good.
            let skewed = try await setup.rsa.sign(setup.claims(issuer: issuer) { $0.nbf = now + 30 })
            _ = try await verifier.verify(skewed, nonce: Self.nonce)
        }
    }

    @Test func anotherAudienceIssuerOrNonceIsRefused() async throws {
        try await withProvider { setup, issuer, verifier in
            await expectRefused(
                verifier, try await setup.rsa.sign(setup.claims(issuer: issuer) { $0.aud = ["another-client"] }),
                because: "another audience")
            await expectRefused(
                verifier,
                try await setup.rsa.sign(
                    setup.claims(issuer: issuer) {
                        $0.aud = [Self.clientID, "another-client"]
                        $0.azp = "another-client"
                    }), because: "another party")
            await expectRefused(
                verifier, try await setup.rsa.sign(setup.claims(issuer: issuer) { $0.iss = issuer + "/other" }),
                because: "another issuer")
            await expectRefused(
                verifier, try await setup.rsa.sign(setup.claims(issuer: issuer) { $0.nonce = "an-older-nonce" }),
                because: "nonce")
        }
    }

    @Test func algNoneAndHMACWithThePublicKeyAreRefused() async throws {
        try await withProvider { setup, issuer, verifier in
            let payload = try await setup.rsa.sign(setup.claims(issuer: issuer)).split(separator: ".")[1]
            let none = base64URL(Data(#"{"alg":"none","kid":"rsa-1","typ":"JWT"}"#.utf8))
            await expectRefused(verifier, "\(none).\(payload).", because: "'none'")
            // HS256 with the provider's public key as the secret: would "verify" if the key's
            // bytes were taken as an HMAC secret.
            let hmacKeys = JWTKeyCollection()
            await hmacKeys.add(hmac: HMACKey(from: setup.rsa.publicKeyBytes), digestAlgorithm: .sha256, kid: "rsa-1")
            let hmac = try await hmacKeys.sign(setup.claims(issuer: issuer), kid: "rsa-1")
            await expectRefused(verifier, hmac, because: "'HS256'")
        }
    }

    @Test func aKeyTheSetDoesNotHoldIsRefused() async throws {
        try await withProvider { setup, issuer, verifier in
            let stray = try await TestKey.rsa("stray")
            await expectRefused(
                verifier, try await stray.sign(setup.claims(issuer: issuer)), because: "key set does not hold")
            // A stray key that reuses a published key's id is still not that key.
            let impostor = try await TestKey.rsa("rsa-1")
            await expectRefused(
                verifier, try await impostor.sign(setup.claims(issuer: issuer)), because: "signature does not verify")
            // An EC key's id with an RSA header is not taken for RS256.
            let mislabelled = try await TestKey.rsa("ec-1")
            await expectRefused(
                verifier, try await mislabelled.sign(setup.claims(issuer: issuer)), because: "key's type does not fit")
        }
    }

    @Test func aRotatedInKeyIsFetchedAndARotatedOutKeyRefused() async throws {
        try await withProvider { setup, issuer, verifier in
            let old = try await TestKey.rsa("rsa-old")
            setup.provider.publish([setup.rsa, old])
            _ = try await verifier.verify(try await old.sign(setup.claims(issuer: issuer)), nonce: Self.nonce)
            #expect(setup.provider.fetches.withLock { $0 } == 1)

            // The provider rotates: a new key in, the old one out.
            let new = try await TestKey.rsa("rsa-new")
            setup.provider.publish([setup.rsa, new])
            // Within the refetch interval an unknown key does not make Docket fetch again.
            await expectRefused(
                verifier, try await new.sign(setup.claims(issuer: issuer)), because: "key set does not hold")
            #expect(setup.provider.fetches.withLock { $0 } == 1)
            setup.clock.advance(31)
            _ = try await verifier.verify(try await new.sign(setup.claims(issuer: issuer)), nonce: Self.nonce)
            #expect(setup.provider.fetches.withLock { $0 } == 2)
            #expect(await verifier.keys.keyIDs == ["rsa-1", "rsa-new"])
            await expectRefused(
                verifier, try await old.sign(setup.claims(issuer: issuer)), because: "key set does not hold")
        }
    }

    @Test func discoveryNamingAnotherIssuerIsRefused() async throws {
        try await withProvider { _, issuer, _ in
            await #expect(throws: OIDCError.self) {
                _ = try await ProviderMetadata.discover(issuer: issuer + "/", http: Self.http)
            }
        }
    }

    @Test func anAnswerOverTheSizeLimitIsRefused() async throws {
        try await withProvider { _, issuer, _ in
            let small = ProviderHTTP(timeout: Self.timeout, maximumBytes: 64)
            await #expect {
                _ = try await ProviderMetadata.discover(issuer: issuer, http: small)
            } throws: { error in
                "\(error)".contains("more than 64 bytes")
            }
            // The same document within the limit is read.
            _ = try await ProviderMetadata.discover(issuer: issuer, http: Self.http)
        }
    }

    @Test func whileTheKeySetCannotBeFetchedTheRefusalSaysSo() async throws {
        let clock = TestClock()
        // Nothing listens on the discard port: the fetch fails at once.
        let keys = JWKSCache(url: URL(string: "http://127.0.0.1:9/jwks")!, now: clock.read)
        for _ in 0..<2 {
            await #expect {
                _ = try await keys.key(id: "rsa-1")
            } throws: { error in
                "\(error)".contains("could not be fetched")
            }
        }
    }
}
