import Archive
import Foundation
import Workflow

/// A person the council's identity provider vouched for at sign-in: the checked ID token's
/// issuer and subject, what it says about them, and the Docket roles its group or role claims
/// map to (every claim value, not the first).
public struct ProviderIdentity: Sendable, Hashable {
    /// The provider's issuer (`iss`), exactly as configured.
    public var issuer: String
    /// The provider's stable identifier for the person (`sub`).
    public var subject: String
    /// What the Docket user name is derived from at the first sign-in (the configured claim,
    /// e.g. `preferred_username`); nil: "user".
    public var nameHint: String?
    public var fullName: String?
    public var email: String?
    /// The roles the provider's claims map to now; may be empty.
    public var roles: Set<Role>

    public init(
        issuer: String, subject: String, nameHint: String? = nil, fullName: String? = nil, email: String? = nil,
        roles: Set<Role>
    ) {
        self.issuer = issuer
        self.subject = subject
        self.nameHint = nameHint
        self.fullName = fullName
        self.email = email
        self.roles = roles
    }
}

/// The outcome of a sign-in through the identity provider.
public struct ProviderSignIn: Sendable, Hashable {
    /// The Docket user signed in.
    public var user: String
    /// The credential generation the new session carries (see `credentialGeneration(of:)`).
    public var generation: Int
    /// The account was created by this sign-in.
    public var created: Bool
    /// The roles now held (those the provider mapped).
    public var roles: [Role]
}

extension UserAccounts {
    /// Signs in a person the identity provider vouched for: finds the account linked to
    /// (issuer, subject), or creates one at the first sign-in with a user name derived from
    /// `nameHint` (lower-cased, cut to Docket's rules, made unique), and makes its roles the
    /// ones the provider's claims map to now, possibly none.
    ///
    /// Roles follow the provider: a role the provider no longer grants is taken away at the
    /// next sign-in, and the change ends the user's other sessions and tokens (as any role
    /// change does). The link is by issuer and subject only: an existing local account with
    /// the same name is never taken over.
    ///
    /// - Throws: for a disabled account (the refusal names who disabled it), or an archive
    ///   without format 3 (`docket init --upgrade` adds it).
    public func signIn(with identity: ProviderIdentity) throws(DocketError) -> ProviderSignIn {
        try archive { () throws(ArchiveError) in try store.requireSchema(.archiveFormat3) }
        // Two first sign-ins of one person at once must not make two accounts.
        let lock = try archive { () throws(ArchiveError) in try store.lockIdentities() }
        defer { lock.release() }
        let roles = identity.roles.sorted()
        if let existing = try linkedUser(issuer: identity.issuer, subject: identity.subject) {
            if let disabled = existing.disabled {
                throw .accountDisabled(user: existing.name, by: disabled.by, reason: disabled.reason)
            }
            if existing.roles != roles {
                try endSessionsAndTokens(of: existing.name)
                try archive { () throws(ArchiveError) in
                    try store.updateUser(existing.name) { (user: inout UserRecord) throws(ArchiveError) in
                        user.roles = roles
                    }
                }
            }
            return ProviderSignIn(
                user: existing.name, generation: try readCredentials(existing.name).currentGeneration, created: false,
                roles: roles)
        }
        let taken = Set(try users().map(\.name))
        let name = Self.derivedUserName(from: identity.nameHint, taken: taken)
        let fullName = identity.fullName?.trimmingCharacters(in: .whitespacesAndNewlines)
        let email = identity.email.flatMap { EmailAddress.isValid($0) ? $0 : nil }
        let record = UserRecord(
            name: name, fullName: (fullName?.isEmpty ?? true) ? nil : fullName, email: email,
            identity: IdentityLink(issuer: identity.issuer, subject: identity.subject, linked: now()), roles: roles,
            delegations: [], created: now(), createdBy: "identity-provider")
        try archive { () throws(ArchiveError) in try store.createUser(record) }
        return ProviderSignIn(
            user: name, generation: try readCredentials(name).currentGeneration, created: true, roles: roles)
    }

    /// The account linked to (issuer, subject), if any.
    public func linkedUser(issuer: String, subject: String) throws(DocketError) -> UserRecord? {
        try users().first { $0.identity?.issuer == issuer && $0.identity?.subject == subject }
    }

    /// A Docket user name for a new account: the hint's part before any `@`, lower-cased,
    /// every other character mapped into `[a-z0-9._-]`, starting with a letter, at most 32,
    /// and not in `taken` (a number is added: `jo.bloggs`, `jo.bloggs-2`, …).
    static func derivedUserName(from hint: String?, taken: Set<String>) -> String {
        let local = (hint ?? "").split(separator: "@", maxSplits: 1).first.map(String.init) ?? ""
        var base = String(
            String.UnicodeScalarView(
                local.lowercased().unicodeScalars.map { scalar in
                    ("a"..."z").contains(scalar) || ("0"..."9").contains(scalar)
                        || "._-".unicodeScalars.contains(scalar)
                        ? scalar : "-"
                }))
        while let first = base.unicodeScalars.first, !("a"..."z").contains(first) { base.removeFirst() }
        if base.isEmpty { base = "user" }
        base = String(base.prefix(28))
        if !taken.contains(base) { return base }
        var number = 2
        while taken.contains("\(base)-\(number)") { number += 1 }
        return "\(base)-\(number)"
    }

    /// Disables an account: it can no longer sign in (by password or the identity provider)
    /// or use a token, and every session and token it holds ends at once, in every process.
    ///
    /// - Throws: for an unknown user, a blank reason, an account already disabled, or an
    ///   archive without format 3.
    public func disableUser(_ name: String, reason: String, by actor: String) throws(DocketError) {
        let reason = reason.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !reason.isEmpty else { throw .invalidInput("give a reason for disabling \(name)") }
        try archive { () throws(ArchiveError) in try store.requireSchema(.archiveFormat3) }
        let current = try archive { () throws(ArchiveError) in try store.user(name) }
        if let disabled = current.disabled {
            throw .invalidInput("\(name) is already disabled (by \(disabled.by): \(disabled.reason))")
        }
        // Sessions end first: a crash between the two leaves them ended, never alive.
        try endSessionsAndTokens(of: name)
        let stamp = Disabling(at: now(), by: actor, reason: reason)
        try archive { () throws(ArchiveError) in
            try store.updateUser(name) { (user: inout UserRecord) throws(ArchiveError) in user.disabled = stamp }
        }
    }

    /// Lets a disabled account sign in again (its old sessions and tokens stay ended).
    ///
    /// - Throws: for an unknown user or one not disabled.
    public func enableUser(_ name: String) throws(DocketError) {
        let current = try archive { () throws(ArchiveError) in try store.user(name) }
        guard current.disabled != nil else { throw .invalidInput("\(name) is not disabled") }
        try archive { () throws(ArchiveError) in
            try store.updateUser(name) { (user: inout UserRecord) throws(ArchiveError) in user.disabled = nil }
        }
    }

    /// Whether the account exists and is not disabled.
    func isActive(_ name: String) -> Bool {
        guard Self.isValidUserName(name), let user = try? store.user(name) else { return false }
        return user.disabled == nil
    }
}
