import Archive
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
    var lastSeen: Date
    /// When the user signed in, from which address, and how (for the sessions page).
    let signedIn: Date
    let address: String?
    let method: AccessMethod

    /// Names the session on the administrator's page and in its forms: the SHA-256 of its id,
    /// which cannot be turned back into the id (a page never shows a live cookie's value).
    var handle: String { ArchiveStore.sha256(Array(id.utf8)) }
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

    func create(
        for user: String, generation: Int, address: String? = nil,
        method: AccessMethod = .password
    ) -> Session {
        let time = now()
        let session = Session(
            id: Self.randomToken(), user: user, csrfToken: Self.randomToken(), generation: generation,
            lastSeen: time, signedIn: time, address: address, method: method)
        sessions[session.id] = session
        return session
    }

    /// Every live session, by user and then by sign-in time (idle ones are ended on the way).
    func live() -> [Session] {
        let time = now()
        sessions = sessions.filter { time.timeIntervalSince($0.value.lastSeen) < idleTimeout }
        return sessions.values.sorted { ($0.user, $0.signedIn) < ($1.user, $1.signedIn) }
    }

    /// Ends the session with this handle (see `Session.handle`).
    ///
    /// - Returns: the session ended, or nil if none has the handle (already over).
    func revoke(handle: String) -> Session? {
        guard let session = sessions.values.first(where: { $0.handle == handle }) else { return nil }
        sessions[session.id] = nil
        return session
    }

    /// Ends every session of a user.
    ///
    /// - Returns: the sessions ended.
    func revokeAll(of user: String) -> [Session] {
        let ended = sessions.values.filter { $0.user == user }
        for session in ended { sessions[session.id] = nil }
        return ended
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
