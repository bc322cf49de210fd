import Archive
import Crypto
import Foundation
import HummingbirdBcrypt
import Workflow

/// A user's sign-in secrets: a bcrypt password hash, the SHA-256 of each API token, and the
/// credential generation.
///
/// Kept in `auth/NAME.json`, in a directory only the archive's owner can enter: operational
/// data, not a record (never exported, not hash-chained), replaced atomically when it changes.
///
/// The generation is how a change made in one process ends sessions held by another: web
/// sessions live in the server's memory, out of a CLI process's reach, so each session and
/// token remembers the generation it was issued at and is honoured only while it is current.
/// Every password or role change moves it on.
struct Credentials: Codable, Sendable {
    struct Token: Codable, Sendable {
        /// The public part of the token, which finds it.
        var id: String
        /// SHA-256 of the secret part, lower-case hex.
        var secretSHA256: String
        var label: String
        var created: Date
        /// The credential generation the token was issued at (absent in files written before
        /// generations existed: read as 0, the generation such a file starts at).
        var generation: Int?
    }

    var user: String
    var passwordHash: String?
    var passwordSet: Date?
    var tokens: [Token]
    /// Moved on by every password or role change (absent in older files: 0).
    var generation: Int?

    init(user: String, passwordHash: String? = nil, passwordSet: Date? = nil, tokens: [Token] = []) {
        self.user = user
        self.passwordHash = passwordHash
        self.passwordSet = passwordSet
        self.tokens = tokens
    }

    /// The current generation (0 until the first change).
    var currentGeneration: Int { generation ?? 0 }
}

/// A personal API token, shown once when it is created.
public struct IssuedToken: Sendable {
    /// `dkt_ID_SECRET`: what the client sends as `Authorization: Bearer …`.
    public var token: String
    public var id: String
}

extension UserAccounts {
    /// The shortest password accepted (NCSC guidance favours length over composition rules).
    public static let minimumPasswordLength = 12
    /// bcrypt's cost: 2^12 rounds, about a quarter of a second here — slow for an attacker,
    /// tolerable once per sign-in.
    static let bcryptCost: UInt8 = 12
    /// bcrypt's lowest cost, for passwords that protect nothing: the demo's, which is printed
    /// wherever the demo is offered (hashing it at full cost made each demo build 1.5 s slower).
    static let publishedPasswordCost: UInt8 = 4

    var credentialsDirectory: String { "\(store.root)/auth" }

    func credentialsPath(_ user: String) -> String { "\(credentialsDirectory)/\(user).json" }

    func readCredentials(_ user: String) throws(DocketError) -> Credentials {
        let path = credentialsPath(user)
        guard DurableFile.exists(path) else { return Credentials(user: user) }
        let bytes = try archive { () throws(ArchiveError) in try DurableFile.read(path, limit: 1 << 20) }
        do {
            let decoder = JSONDecoder()
            decoder.dateDecodingStrategy = .iso8601
            return try decoder.decode(Credentials.self, from: Data(bytes))
        } catch {
            throw .archive(.damaged(path: path, reason: "not a credentials file: \(error)"))
        }
    }

    func writeCredentials(_ credentials: Credentials) throws(DocketError) {
        let encoder = JSONEncoder()
        encoder.dateEncodingStrategy = .iso8601
        encoder.outputFormatting = [.sortedKeys, .prettyPrinted]
        let bytes: [UInt8]
        do {
            bytes = [UInt8](try encoder.encode(credentials))
        } catch {
            throw .invalidInput("the credentials could not be encoded: \(error)")
        }
        try archive { () throws(ArchiveError) in
            try DurableFile.replace(bytes, at: credentialsPath(credentials.user))
        }
    }

    /// Sets a user's password (stored only as a bcrypt hash).
    ///
    /// Ends every session and token the user held (the credential generation moves on), from
    /// whichever process makes the change.
    ///
    /// - Throws: for an unknown user, or a password shorter than `minimumPasswordLength`, or
    ///   longer than bcrypt reads (72 bytes).
    public func setPassword(_ password: String, for user: String) throws(DocketError) {
        try setPassword(password, for: user, cost: Self.bcryptCost)
    }

    /// Sets a password hashed at `cost` (see `publishedPasswordCost`; every real password is
    /// hashed at `bcryptCost`).
    func setPassword(_ password: String, for user: String, cost: UInt8) throws(DocketError) {
        _ = try actor(user)
        try Self.checkPassword(password)
        try updateCredentials(of: user) { credentials in
            credentials.passwordHash = Bcrypt.hash(password, cost: cost)
            credentials.passwordSet = now()
            credentials.generation = credentials.currentGeneration + 1
        }
    }

    /// The user's credential generation: a session or token issued at another generation is
    /// no longer honoured. Nil for a user who does not exist (any more) or is disabled.
    public func credentialGeneration(of user: String) -> Int? {
        guard isActive(user) else { return nil }
        return (try? readCredentials(user))?.currentGeneration
    }

    /// Moves the user's credential generation on, ending their sessions and tokens everywhere
    /// (done before a role change is written: a crash between them ends sessions needlessly,
    /// never leaves one alive with roles it should have lost).
    func endSessionsAndTokens(of user: String) throws(DocketError) {
        try updateCredentials(of: user) { credentials in
            credentials.generation = credentials.currentGeneration + 1
        }
    }

    /// Reads, changes and writes a user's credentials under one lock, so that two processes
    /// changing them at once (a password set while a token is issued) cannot lose either.
    func updateCredentials(of user: String, _ change: (inout Credentials) -> Void) throws(DocketError) {
        try archive { () throws(ArchiveError) in
            if try DurableFile.makeDirectory(credentialsDirectory) {
                chmod(credentialsDirectory, 0o700)
            }
        }
        let lock = try archive { () throws(ArchiveError) in try store.lockCredentials() }
        defer { lock.release() }
        var credentials = try readCredentials(user)
        change(&credentials)
        try writeCredentials(credentials)
    }

    /// Refuses a password too short to be safe or too long for bcrypt (which reads 72 bytes).
    static func checkPassword(_ password: String) throws(DocketError) {
        guard password.count >= Self.minimumPasswordLength else {
            throw .invalidInput("the password must have at least \(Self.minimumPasswordLength) characters")
        }
        guard password.utf8.count <= 72 else {
            throw .invalidInput("the password must be at most 72 bytes (bcrypt ignores the rest)")
        }
    }

    /// Whether `password` is the user's password. False for an unknown user or one without a
    /// password — after the same bcrypt work, so that timing does not tell which.
    public func verifyPassword(_ password: String, for user: String) -> Bool {
        authenticate(user, password: password) != nil
    }

    /// Checks a password at sign-in: the credential generation a new session must carry when
    /// `password` is the user's password (read with the hash it was checked against, so a
    /// password changed a moment later still ends the session), else nil — after the same
    /// bcrypt work for an unknown user, so that timing does not tell which.
    public func authenticate(_ user: String, password: String) -> Int? {
        guard isActive(user), let credentials = try? readCredentials(user),
            let hash = credentials.passwordHash
        else {
            _ = Bcrypt.verify(password, hash: Self.decoyHash)
            return nil
        }
        return Bcrypt.verify(password, hash: hash) ? credentials.currentGeneration : nil
    }

    /// A hash of nothing anyone knows, verified against when there is no real one.
    private static let decoyHash = Bcrypt.hash(UUID().uuidString, cost: bcryptCost)

    /// Creates a personal API token for a user; only its SHA-256 is kept.
    public func createToken(for user: String, label: String) throws(DocketError) -> IssuedToken {
        _ = try actor(user)
        let id = Self.randomHex(bytes: 6)
        let secret = Self.randomHex(bytes: 32)
        let created = now()
        try updateCredentials(of: user) { credentials in
            credentials.tokens.append(
                Credentials.Token(
                    id: id, secretSHA256: ArchiveStore.sha256(Array(secret.utf8)),
                    label: label.isEmpty ? "token" : label, created: created,
                    generation: credentials.currentGeneration))
        }
        return IssuedToken(token: "dkt_\(id)_\(secret)", id: id)
    }

    /// The user a token belongs to, or nil for a malformed, unknown or revoked token, or one
    /// issued before the user's last password or role change.
    public func user(forToken token: String) -> String? {
        let parts = token.split(separator: "_")
        guard parts.count == 3, parts[0] == "dkt", parts[1].count == 12, parts[2].count == 64 else { return nil }
        let id = String(parts[1])
        let secretHash = ArchiveStore.sha256(Array(parts[2].utf8))
        // The user it was found with last time first: one credentials file read instead of
        // every user's, on each request a script makes. The file read decides, as below.
        let hinted = tokenOwners.owner(of: id)
        if let hinted {
            switch match(id, secretHash, in: hinted) {
            case .owner(let user): return user
            case .refused: return nil
            case .absent: tokenOwners.forget(id)
            }
        }
        for name in DurableFile.list(credentialsDirectory) where name.hasSuffix(".json") {
            let user = String(name.dropLast(5))
            guard user != hinted else { continue }
            switch match(id, secretHash, in: user) {
            case .owner(let user):
                tokenOwners.remember(id, user)
                return user
            case .refused: return nil
            case .absent: continue
            }
        }
        return nil
    }

    private enum TokenMatch {
        /// The user holds no token of that id.
        case absent
        /// The user holds it but it does not open: wrong secret, an older generation, inactive.
        case refused
        case owner(String)
    }

    private func match(_ id: String, _ secretHash: String, in user: String) -> TokenMatch {
        guard let credentials = try? readCredentials(user),
            let stored = credentials.tokens.first(where: { $0.id == id })
        else { return .absent }
        // Compare digests in constant time.
        let equal = zip(stored.secretSHA256.utf8, secretHash.utf8).reduce(UInt8(0)) { $0 | ($1.0 ^ $1.1) } == 0
        guard equal, stored.secretSHA256.utf8.count == secretHash.utf8.count,
            (stored.generation ?? 0) == credentials.currentGeneration, isActive(user)
        else { return .refused }
        return .owner(user)
    }

    /// Revokes a token by its id.
    public func revokeToken(_ id: String, of user: String) throws(DocketError) {
        let known = try readCredentials(user).tokens.map(\.id)
        guard known.contains(id) else { throw .notFound(kind: "token", id: id, known: known) }
        try updateCredentials(of: user) { credentials in credentials.tokens.removeAll { $0.id == id } }
    }

    /// `count` random bytes from the system's generator, as hexadecimal.
    static func randomHex(bytes count: Int) -> String {
        var generator = SystemRandomNumberGenerator()
        return (0..<count).map { _ in UInt8.random(in: 0...255, using: &generator) }.hexadecimal
    }
}
