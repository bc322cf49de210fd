import Archive
import Crypto
import Foundation
import HummingbirdBcrypt
import Workflow

/// A user's sign-in secrets: a bcrypt password hash and the SHA-256 of each API token.
///
/// Kept in `auth/NAME.json`, in a directory only the archive's owner can enter: operational
/// data, not a record (never exported, not hash-chained), replaced atomically when it changes.
struct Credentials: Codable, Sendable {
    struct Token: Codable, Sendable {
        /// The public part of the token, which finds it.
        var id: String
        /// SHA-256 of the secret part, lower-case hex.
        var secretSHA256: String
        var label: String
        var created: Date
    }

    var user: String
    var passwordHash: String?
    var passwordSet: Date?
    var tokens: [Token]
}

/// A personal API token, shown once when it is created.
public struct IssuedToken: Sendable {
    /// `dkt_ID_SECRET`: what the client sends as `Authorization: Bearer …`.
    public var token: String
    public var id: String
}

extension DocketArchive {
    /// The shortest password accepted (NCSC guidance favours length over composition rules).
    public static let minimumPasswordLength = 12
    /// bcrypt's cost: 2^12 rounds, about a quarter of a second here — slow for an attacker,
    /// tolerable once per sign-in.
    static let bcryptCost: UInt8 = 12

    var credentialsDirectory: String { "\(store.root)/auth" }

    func credentialsPath(_ user: String) -> String { "\(credentialsDirectory)/\(user).json" }

    func readCredentials(_ user: String) throws(DocketError) -> Credentials {
        let path = credentialsPath(user)
        guard DurableFile.exists(path) else { return Credentials(user: user, passwordHash: nil, tokens: []) }
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
            if try DurableFile.makeDirectory(credentialsDirectory) {
                chmod(credentialsDirectory, 0o700)
            }
            try DurableFile.replace(bytes, at: credentialsPath(credentials.user))
        }
    }

    /// Sets a user's password (stored only as a bcrypt hash).
    ///
    /// - Throws: for an unknown user, or a password shorter than `minimumPasswordLength`, or
    ///   longer than bcrypt reads (72 bytes).
    public func setPassword(_ password: String, for user: String) throws(DocketError) {
        _ = try actor(user)
        try Self.checkPassword(password)
        var credentials = try readCredentials(user)
        credentials.passwordHash = Bcrypt.hash(password, cost: Self.bcryptCost)
        credentials.passwordSet = now()
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
        guard Self.isValidUserName(user), (try? actor(user)) != nil,
            let hash = try? readCredentials(user).passwordHash
        else {
            _ = Bcrypt.verify(password, hash: Self.decoyHash)
            return false
        }
        return Bcrypt.verify(password, hash: hash)
    }

    /// A hash of nothing anyone knows, verified against when there is no real one.
    private static let decoyHash = Bcrypt.hash(UUID().uuidString, cost: bcryptCost)

    /// Creates a personal API token for a user; only its SHA-256 is kept.
    public func createToken(for user: String, label: String) throws(DocketError) -> IssuedToken {
        _ = try actor(user)
        var credentials = try readCredentials(user)
        let id = Self.randomHex(bytes: 6)
        let secret = Self.randomHex(bytes: 32)
        credentials.tokens.append(
            Credentials.Token(
                id: id, secretSHA256: ArchiveStore.sha256(Array(secret.utf8)),
                label: label.isEmpty ? "token" : label, created: now()))
        try writeCredentials(credentials)
        return IssuedToken(token: "dkt_\(id)_\(secret)", id: id)
    }

    /// The user a token belongs to, or nil for a malformed, unknown or revoked token.
    public func user(forToken token: String) -> String? {
        let parts = token.split(separator: "_")
        guard parts.count == 3, parts[0] == "dkt", parts[1].count == 12, parts[2].count == 64 else { return nil }
        let id = String(parts[1])
        let secretHash = ArchiveStore.sha256(Array(parts[2].utf8))
        for name in DurableFile.list(credentialsDirectory) where name.hasSuffix(".json") {
            let user = String(name.dropLast(5))
            guard let credentials = try? readCredentials(user) else { continue }
            for stored in credentials.tokens where stored.id == id {
                // Compare digests in constant time.
                let equal = zip(stored.secretSHA256.utf8, secretHash.utf8).reduce(UInt8(0)) { $0 | ($1.0 ^ $1.1) } == 0
                return equal && stored.secretSHA256.utf8.count == secretHash.utf8.count ? user : nil
            }
        }
        return nil
    }

    /// Revokes a token by its id.
    public func revokeToken(_ id: String, of user: String) throws(DocketError) {
        var credentials = try readCredentials(user)
        guard credentials.tokens.contains(where: { $0.id == id }) else {
            throw .notFound(kind: "token", id: id, known: credentials.tokens.map(\.id))
        }
        credentials.tokens.removeAll { $0.id == id }
        try writeCredentials(credentials)
    }

    static func randomHex(bytes count: Int) -> String {
        var generator = SystemRandomNumberGenerator()
        return (0..<count).map { _ in
            let byte = UInt8.random(in: 0...255, using: &generator)
            return String(byte >> 4, radix: 16) + String(byte & 0xF, radix: 16)
        }.joined()
    }
}
