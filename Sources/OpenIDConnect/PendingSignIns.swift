import Crypto
import Foundation

/// One sign-in between sending the browser to the provider and its return: the secrets only
/// Docket knows, kept server-side under the `state` value.
struct PendingSignIn: Sendable {
    var nonce: String
    /// PKCE (RFC 7636): the verifier whose S256 challenge went with the authorization request.
    var codeVerifier: String
    /// A random value also set in a cookie on the browser that started the sign-in: a `state`
    /// carried to another browser does not complete there.
    var browserBinding: String
    /// The local path the user first asked for.
    var returnTo: String
    var started: Date
}

/// Sign-ins under way, in memory, each usable once and for `lifetime` only. A restart
/// forgets them: the user starts again.
actor PendingSignIns {
    private var pending: [String: PendingSignIn] = [:]
    private let lifetime: TimeInterval
    private let now: @Sendable () -> Date
    /// A bound on memory whatever the number of abandoned sign-ins.
    private let capacity = 10_000

    init(lifetime: TimeInterval = 600, now: @escaping @Sendable () -> Date) {
        self.lifetime = lifetime
        self.now = now
    }

    /// Records a new sign-in and returns its `state`.
    func begin(returnTo: String) -> (state: String, PendingSignIn) {
        let time = now()
        pending = pending.filter { time.timeIntervalSince($0.value.started) < lifetime }
        if pending.count >= capacity, let oldest = pending.min(by: { $0.value.started < $1.value.started }) {
            pending[oldest.key] = nil
        }
        let state = Self.randomToken()
        let sign = PendingSignIn(
            nonce: Self.randomToken(), codeVerifier: Self.randomToken(), browserBinding: Self.randomToken(),
            returnTo: returnTo, started: time)
        pending[state] = sign
        return (state, sign)
    }

    /// Takes the sign-in with this state out (so it cannot be used twice), or nil when there is
    /// none, it has expired, or the browser is not the one that started it.
    func take(state: String, browserBinding: String?) -> PendingSignIn? {
        guard let sign = pending.removeValue(forKey: state) else { return nil }
        guard now().timeIntervalSince(sign.started) < lifetime, let browserBinding,
            IDTokenVerifier.constantTimeEqual(browserBinding, sign.browserBinding)
        else { return nil }
        return sign
    }

    /// 256 random bits, base64url without padding (43 characters: also a valid PKCE verifier).
    static func randomToken() -> String {
        var generator = SystemRandomNumberGenerator()
        let bytes = (0..<32).map { _ in UInt8.random(in: 0...255, using: &generator) }
        return base64URL(Data(bytes))
    }

    /// The S256 code challenge of a verifier: base64url(SHA-256(verifier)).
    static func codeChallenge(for verifier: String) -> String {
        base64URL(Data(SHA256.hash(data: Data(verifier.utf8))))
    }

    static func base64URL(_ data: Data) -> String {
        data.base64EncodedString().replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
    }
}
