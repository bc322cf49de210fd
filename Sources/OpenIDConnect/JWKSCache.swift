import Foundation
import JWTKit

/// The provider's signing keys, fetched from its `jwks_uri` and kept.
///
/// Providers rotate keys: a new key appears in the set before tokens are signed with it, and an
/// old one is removed once no token signed with it should be accepted. A token naming a key id
/// the cache does not hold triggers one refetch (at most one per `refetchInterval`, so a flood
/// of made-up key ids cannot turn Docket into a load on the provider); the refetched set
/// replaces the old one whole, so a key the provider has removed is refused from then on.
public actor JWKSCache {
    private let url: URL
    private let http: ProviderHTTP
    private let refetchInterval: TimeInterval
    private let now: @Sendable () -> Date
    private var keys: [String: JWK] = [:]
    private var fetchedAt: Date?
    private var lastFailure: OIDCError?
    private var refreshing: Task<Result<[String: JWK], OIDCError>, Never>?

    /// - Parameters:
    ///   - url: The provider's `jwks_uri`.
    ///   - refetchInterval: The least time between two fetches caused by unknown key ids.
    ///   - now: The clock (tests move it on instead of waiting).
    public init(
        url: URL, refetchInterval: TimeInterval = 30, timeout: TimeInterval = 10,
        now: @escaping @Sendable () -> Date = { Date() }
    ) {
        self.url = url
        self.http = ProviderHTTP(timeout: timeout)
        self.refetchInterval = refetchInterval
        self.now = now
    }

    /// The key with this id: from the cache, or after one refetch when the cache does not
    /// hold it (and has not been refreshed within `refetchInterval`). Without an id, the
    /// provider's only key.
    ///
    /// - Throws: `OIDCError.invalidToken` when the provider's set does not hold the key;
    ///   `OIDCError.provider` when the set cannot be fetched.
    public func key(id: String?) async throws(OIDCError) -> JWK {
        if fetchedAt == nil { try await refresh() }
        // A token may leave out `kid` only where the provider publishes a single key (RFC 7517 §4.5).
        guard let id else {
            guard keys.count == 1, let only = keys.values.first else {
                throw .invalidToken("its header names no key ('kid') and the provider publishes several")
            }
            return only
        }
        if let key = keys[id] { return key }
        if let fetchedAt, now().timeIntervalSince(fetchedAt) < refetchInterval {
            // Say that the provider could not be reached, not that the key is unknown, while the
            // last fetch's failure is what keeps the cache from knowing.
            if let lastFailure { throw lastFailure }
            throw .invalidToken("it is signed with a key ('\(id)') the provider's key set does not hold")
        }
        try await refresh()
        guard let key = keys[id] else {
            throw .invalidToken("it is signed with a key ('\(id)') the provider's key set does not hold")
        }
        return key
    }

    /// The key ids held now (tests, diagnostics).
    public var keyIDs: Set<String> { Set(keys.keys) }

    /// Fetches the set again and replaces the cache with it. Sign-ins that need a fetch while
    /// one is under way wait for that one instead of starting another.
    public func refresh() async throws(OIDCError) {
        if let refreshing {
            keys = try await refreshing.value.get()
            return
        }
        fetchedAt = now()
        let task = Task { [url, http] () -> Result<[String: JWK], OIDCError> in
            do throws(OIDCError) {
                let set = try await http.getJSON(url, as: JWKS.self, what: "the provider's key set")
                var fresh: [String: JWK] = [:]
                // A key without an id is used only where it is the provider's one key.
                for (index, key) in set.keys.enumerated() {
                    fresh[key.keyIdentifier?.string ?? "\u{0}unnamed-\(index)"] = key
                }
                return .success(fresh)
            } catch {
                return .failure(error)
            }
        }
        refreshing = task
        defer { refreshing = nil }
        switch await task.value {
        case .success(let fresh):
            keys = fresh
            lastFailure = nil
        case .failure(let error):
            lastFailure = error
            throw error
        }
    }
}
