import Archive
import Foundation
import Synchronization
import Workflow

/// Users: who they are, the roles they hold and lend, their passwords and API tokens, and
/// what they may do.
///
/// The first of DocketKit's feature services: a value over the archive context it shares with
/// the others, reached from `DocketArchive.accounts` (whose methods of the same names forward
/// here, so callers did not change when it moved out of `DocketArchive`).
public struct UserAccounts: Sendable {
    let context: ArchiveContext
    /// Whose credentials file each token was last found in (see `user(forToken:)`).
    let tokenOwners = TokenOwners()

    var store: ArchiveStore { context.store }
    var calendar: WorkingCalendar { context.calendar }
    var systemUser: String { context.systemUser }
    func now() -> Date { context.now() }
    func archive<Value>(_ body: () throws(ArchiveError) -> Value) throws(DocketError) -> Value {
        try context.archive(body)
    }
}

extension UserAccounts {
    /// Adds a user.
    ///
    /// - Throws: for a name that is not lower-case letters, digits, `.`, `_`, `-` (starting
    ///   with a letter, at most 32), no roles, or a name already taken.
    @discardableResult
    public func addUser(
        _ name: String, roles: [Role], fullName: String? = nil, email: String? = nil, notify: NotifyChoice? = nil
    ) throws(DocketError) -> UserRecord {
        try addUser(name, roles: roles, fullName: fullName, email: email, notify: notify, createdBy: systemUser)
    }

    /// Adds a user, recording who added them (the operating-system user for the CLI, the
    /// administrator for the web app).
    func addUser(
        _ name: String, roles: [Role], fullName: String?, email: String? = nil, notify: NotifyChoice? = nil,
        createdBy: String
    ) throws(DocketError) -> UserRecord {
        let address = try email.map(Self.checkedAddress)
        guard Self.isValidUserName(name) else {
            throw .invalidInput(
                "user name '\(name)' must start with a lower-case letter and hold only a-z, 0-9, '.', '_', '-' "
                    + "(at most 32)")
        }
        guard !roles.isEmpty else { throw .invalidInput("give the user at least one role") }
        let fullName = fullName?.trimmingCharacters(in: .whitespacesAndNewlines)
        let record = UserRecord(
            name: name, fullName: (fullName?.isEmpty ?? true) ? nil : fullName,
            email: (address?.isEmpty ?? true) ? nil : address, notify: notify, roles: Array(Set(roles)).sorted(),
            delegations: [], created: now(), createdBy: createdBy)
        try archive { () throws(ArchiveError) in try store.createUser(record) }
        return record
    }

    /// Gives a user the roles in `adding` and takes away those in `removing`.
    ///
    /// Any change ends the user's sessions and API tokens, in every process (see
    /// `credentialGeneration(of:)`): someone who lost a role must sign in again rather than
    /// keep a page open under the old one.
    ///
    /// - Returns: the user as now recorded.
    /// - Throws: for an unknown user, nothing to change, a role both added and removed, a role
    ///   to remove that the user does not hold, or a change that would leave no role (the
    ///   archive's user records require one).
    @discardableResult
    public func changeRoles(of name: String, adding: [Role], removing: [Role]) throws(DocketError) -> UserRecord {
        let added = Set(adding)
        let removed = Set(removing)
        guard !added.isEmpty || !removed.isEmpty else {
            throw .invalidInput("nothing to change: name a role to add or a role to take away")
        }
        if let both = added.intersection(removed).sorted().first {
            throw .invalidInput("the role \(both.rawValue) cannot be both added and removed")
        }
        let current = try archive { () throws(ArchiveError) in try store.user(name) }
        if let missing = removed.subtracting(current.roles).sorted().first {
            throw .invalidInput(
                "\(name) does not hold the role \(missing.rawValue) (holds "
                    + current.roles.map(\.rawValue).joined(separator: ", ") + ")")
        }
        let roles = Set(current.roles).union(added).subtracting(removed)
        guard !roles.isEmpty else {
            throw .invalidInput("\(name) must keep at least one role; add another before removing the last")
        }
        guard roles != Set(current.roles) else { return current }
        try endSessionsAndTokens(of: name)
        var changed = current
        try archive { () throws(ArchiveError) in
            try store.updateUser(name) { (user: inout UserRecord) throws(ArchiveError) in
                // Recomputed under the users' lock from the record as it is now: a change made
                // by another process since it was read above is kept.
                user.roles = Set(user.roles).union(added).subtracting(removed).sorted()
                if user.roles.isEmpty { throw .invalidInput("\(name) must keep at least one role") }
                changed = user
            }
        }
        return changed
    }

    /// Every user, by name.
    public func users() throws(DocketError) -> [UserRecord] {
        try archive { () throws(ArchiveError) in try store.users() }
    }

    /// Lends `role` from `from` (who must hold it) to `to` until `until` (inclusive).
    ///
    /// - Throws: for unknown users, a role `from` does not hold, delegating to oneself, or a
    ///   date already past in London.
    public func delegate(from: String, to: String, role: Role, until: CalendarDate) throws(DocketError) {
        guard from != to else { throw .invalidInput("a user cannot delegate to themselves") }
        let lender = try archive { () throws(ArchiveError) in try store.user(from) }
        guard lender.roles.contains(role) else {
            throw .invalidInput("\(from) does not hold the \(role.rawValue) role, so cannot delegate it")
        }
        let today = calendar.londonDate(of: now())
        guard until >= today else {
            throw .invalidInput(
                "the delegation would end on \(until), which is already past (today is \(today) in London)")
        }
        let granted = now()
        let grantedBy = systemUser
        try archive { () throws(ArchiveError) in
            try store.updateUser(to) { (user: inout UserRecord) throws(ArchiveError) in
                user.delegations.removeAll { $0.from == from && $0.role == role }
                user.delegations.append(
                    Delegation(from: from, role: role, until: until, granted: granted, grantedBy: grantedBy))
            }
        }
    }

    /// The actor for `name`: own roles, plus delegated roles still in force today (London)
    /// whose lender still holds them.
    public func actor(_ name: String) throws(DocketError) -> Actor {
        let user = try archive { () throws(ArchiveError) in try store.user(name) }
        // A disabled account acts in no role: whatever reaches the library in its name is refused.
        guard user.disabled == nil else { return Actor(user: name, grants: []) }
        var grants = user.roles.map { Actor.Grant(role: $0) }
        let today = calendar.londonDate(of: now())
        for delegation in user.delegations where delegation.until >= today {
            guard let lender = try? store.user(delegation.from), lender.roles.contains(delegation.role) else {
                continue
            }
            grants.append(Actor.Grant(role: delegation.role, onBehalfOf: delegation.from))
        }
        return Actor(user: name, grants: grants)
    }

    /// The expired delegation that would have given `name` one of `roles`, if any: to explain
    /// a refusal better than "wrong role".
    func expiredDelegation(of name: String, for roles: Set<Role>) -> Delegation? {
        guard let user = try? store.user(name) else { return nil }
        let today = calendar.londonDate(of: now())
        return user.delegations.filter { roles.contains($0.role) && $0.until < today }.max { $0.until < $1.until }
    }

    /// Refuses unless `user` holds (or holds by delegation) one of `roles`.
    func require(_ roles: Set<Role>, of user: String, to action: String) throws(DocketError) -> Actor.Grant {
        if let grant = try actor(user).grant(for: roles) { return grant }
        if let expired = expiredDelegation(of: user, for: roles) {
            throw .delegationExpired(user: user, role: expired.role, from: expired.from, until: expired.until)
        }
        throw .notPermitted(user: user, action: action, roles: roles.sorted())
    }

    static func isValidUserName(_ name: String) -> Bool {
        guard let first = name.unicodeScalars.first, ("a"..."z").contains(first), name.count <= 32 else { return false }
        return name.unicodeScalars.allSatisfy {
            ("a"..."z").contains($0) || ("0"..."9").contains($0) || "._-".unicodeScalars.contains($0)
        }
    }
}

/// Which user each API token id was last found with: where a token check looks first. Only a
/// hint — the user's credentials file, read at each check, decides whether the token opens —
/// so a revoked token, a changed password or a removed user is refused as before.
final class TokenOwners: Sendable {
    /// More than this many remembered and the hints start again (each is a few dozen bytes).
    static let limit = 4_096
    private let owners = Mutex<[String: String]>([:])

    func owner(of id: String) -> String? { owners.withLock { $0[id] } }

    func remember(_ id: String, _ user: String) {
        owners.withLock { owners in
            if owners.count >= Self.limit { owners.removeAll() }
            owners[id] = user
        }
    }

    func forget(_ id: String) { _ = owners.withLock { $0.removeValue(forKey: id) } }
}
