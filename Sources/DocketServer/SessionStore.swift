import Foundation
import Workflow

/// A signed-in browser: who, and the token its forms must carry.
struct Session: Sendable {
    /// 256 random bits, hex: the cookie's value.
    let id: String
    let user: String
    /// 256 random bits, hex: every form posts it back; a cross-site form cannot know it.
    let csrfToken: String
    /// The user's credential generation at sign-in: once a password or role change moves it
    /// on (from any process), the session is over.
    let generation: Int
    /// Whether the user held any role at sign-in. A role change moves the generation on and so
    /// ends the session; one without a role sees only the page that says so.
    let hasRole: Bool
    var lastSeen: Date
}

/// Sessions in memory. A restart signs everyone out, which for a council's internal tool
/// is the safe failure. A new id is issued at every sign-in (no fixation); an idle session
/// ends; sign-out ends it at once.
actor SessionStore {
    private var sessions: [String: Session] = [:]
    private let idleTimeout: TimeInterval
    private let now: @Sendable () -> Date

    init(idleTimeout: TimeInterval, now: @escaping @Sendable () -> Date = { Date() }) {
        self.idleTimeout = idleTimeout
        self.now = now
    }

    func create(for user: String, generation: Int, hasRole: Bool) -> Session {
        let session = Session(
            id: Self.randomToken(), user: user, csrfToken: Self.randomToken(), generation: generation,
            hasRole: hasRole, lastSeen: now())
        sessions[session.id] = session
        return session
    }

    /// The live session with this id (its idle clock restarted), or nil.
    func session(_ id: String) -> Session? {
        guard var session = sessions[id] else { return nil }
        let time = now()
        guard time.timeIntervalSince(session.lastSeen) < idleTimeout else {
            sessions[id] = nil
            return nil
        }
        session.lastSeen = time
        sessions[id] = session
        return session
    }

    func end(_ id: String) {
        sessions[id] = nil
    }

    /// 256 random bits from the system's generator, as hexadecimal.
    static func randomToken() -> String {
        var generator = SystemRandomNumberGenerator()
        return (0..<32).map { _ in UInt8.random(in: 0...255, using: &generator) }.hexadecimal
    }
}

/// Counts failed sign-ins per user name, so that guessing passwords is slow whatever the
/// attacker's address.
actor SignInThrottle {
    private var failures: [String: [Date]] = [:]
    private let limit: Int
    private let window: TimeInterval
    private let now: @Sendable () -> Date

    init(limit: Int, window: TimeInterval, now: @escaping @Sendable () -> Date = { Date() }) {
        self.limit = limit
        self.window = window
        self.now = now
    }

    /// Seconds to wait before another attempt is allowed for this name (0: go ahead).
    func wait(for name: String) -> Int {
        let time = now()
        let recent = (failures[name.lowercased()] ?? []).filter { time.timeIntervalSince($0) < window }
        failures[name.lowercased()] = recent
        guard recent.count >= limit, let oldest = recent.first else { return 0 }
        return max(1, Int((window - time.timeIntervalSince(oldest)).rounded(.up)))
    }

    func recordFailure(for name: String) {
        failures[name.lowercased(), default: []].append(now())
    }

    func recordSuccess(for name: String) {
        failures[name.lowercased()] = nil
    }
}
