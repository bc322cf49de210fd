import Archive
import Foundation
import Workflow

/// What only an administrator may do from the web app: see and add users, set their
/// passwords, check the archive. (The CLI runs as the operating-system user who owns the
/// archive files, and is trusted as such.)
extension DocketArchive {
    /// Who may see and add users, set their passwords and roles, and check the archive.
    public static let administrationRoles: Set<Role> = [.admin]

    /// Every user, for an administrator.
    public func users(as acting: String) throws(DocketError) -> [UserRecord] {
        _ = try require(Self.administrationRoles, of: acting, to: "see the users")
        return try users()
    }

    /// Adds a user with a first password (and, optionally, an address and a choice of mail),
    /// for an administrator.
    ///
    /// The password and the address are checked before anything is written, so a refused one
    /// leaves no user behind without a way to sign in.
    @discardableResult
    public func addUser(
        _ name: String, roles: [Role], fullName: String?, email: String? = nil, notify: NotifyChoice? = nil,
        password: String, as acting: String
    ) throws(DocketError) -> UserRecord {
        _ = try require(Self.administrationRoles, of: acting, to: "add users")
        try UserAccounts.checkPassword(password)
        let record = try addUser(
            name, roles: roles, fullName: fullName, email: email, notify: notify, createdBy: acting)
        try setPassword(password, for: name)
        return record
    }

    /// Sets a user's password, for an administrator.
    public func setPassword(_ password: String, for user: String, as acting: String) throws(DocketError) {
        _ = try require(Self.administrationRoles, of: acting, to: "set passwords")
        try setPassword(password, for: user)
    }

    /// Adds and removes a user's roles, for an administrator (see `changeRoles(of:adding:removing:)`).
    @discardableResult
    public func changeRoles(of name: String, adding: [Role], removing: [Role], as acting: String)
        throws(DocketError) -> UserRecord
    {
        _ = try require(Self.administrationRoles, of: acting, to: "change roles")
        return try changeRoles(of: name, adding: adding, removing: removing)
    }

    /// Disables an account, for an administrator (see `UserAccounts.disableUser(_:reason:by:)`).
    /// An administrator cannot disable their own account: someone must be left to undo it.
    public func disableUser(_ name: String, reason: String, as acting: String) throws(DocketError) {
        _ = try require(Self.administrationRoles, of: acting, to: "disable accounts")
        guard name != acting else { throw .invalidInput("you cannot disable your own account") }
        try accounts.disableUser(name, reason: reason, by: acting)
    }

    /// Enables a disabled account again, for an administrator.
    public func enableUser(_ name: String, as acting: String) throws(DocketError) {
        _ = try require(Self.administrationRoles, of: acting, to: "enable accounts")
        try accounts.enableUser(name)
    }

    /// Checks the whole archive, for an administrator (see `verify()`).
    public func verify(as acting: String) throws(DocketError) -> [VerificationFinding] {
        _ = try require(Self.administrationRoles, of: acting, to: "check the archive")
        return try verify()
    }
}
