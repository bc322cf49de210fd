import Archive
import Foundation
import Workflow

/// The façade's user methods: each forwards to `accounts` (see `UserAccounts`), kept so that
/// the CLI, the web app and the other use cases call what they always called.
extension DocketArchive {
    /// See `UserAccounts.minimumPasswordLength`.
    public static var minimumPasswordLength: Int { UserAccounts.minimumPasswordLength }

    /// See `UserAccounts.addUser(_:roles:fullName:email:notify:)`.
    @discardableResult
    public func addUser(
        _ name: String, roles: [Role], fullName: String? = nil, email: String? = nil, notify: NotifyChoice? = nil
    ) throws(DocketError) -> UserRecord {
        try accounts.addUser(name, roles: roles, fullName: fullName, email: email, notify: notify)
    }

    func addUser(
        _ name: String, roles: [Role], fullName: String?, email: String? = nil, notify: NotifyChoice? = nil,
        createdBy: String
    ) throws(DocketError) -> UserRecord {
        try accounts.addUser(
            name, roles: roles, fullName: fullName, email: email, notify: notify, createdBy: createdBy)
    }

    /// See `UserAccounts.changeRoles(of:adding:removing:)`.
    @discardableResult
    public func changeRoles(of name: String, adding: [Role], removing: [Role]) throws(DocketError) -> UserRecord {
        try accounts.changeRoles(of: name, adding: adding, removing: removing)
    }

    /// See `UserAccounts.changeMail(of:email:notify:)`.
    @discardableResult
    public func changeMail(of name: String, email: String? = nil, notify: NotifyChoice? = nil) throws(DocketError)
        -> UserRecord
    {
        try accounts.changeMail(of: name, email: email, notify: notify)
    }

    /// See `UserAccounts.signIn(with:)`.
    public func signIn(with identity: ProviderIdentity) throws(DocketError) -> ProviderSignIn {
        try accounts.signIn(with: identity)
    }

    /// See `UserAccounts.disableUser(_:reason:by:)`; recorded as done by the system user (the CLI).
    public func disableUser(_ name: String, reason: String) throws(DocketError) {
        try accounts.disableUser(name, reason: reason, by: systemUser)
    }

    /// See `UserAccounts.enableUser(_:)`.
    public func enableUser(_ name: String) throws(DocketError) {
        try accounts.enableUser(name)
    }

    /// See `UserAccounts.users()`.
    public func users() throws(DocketError) -> [UserRecord] {
        try accounts.users()
    }

    /// See `UserAccounts.delegate(from:to:role:until:)`.
    public func delegate(from: String, to: String, role: Role, until: CalendarDate) throws(DocketError) {
        try accounts.delegate(from: from, to: to, role: role, until: until)
    }

    /// See `UserAccounts.actor(_:)`.
    public func actor(_ name: String) throws(DocketError) -> Actor {
        try accounts.actor(name)
    }

    /// See `UserAccounts.permissions(for:)`.
    public func permissions(for user: String) throws(DocketError) -> Permissions {
        try accounts.permissions(for: user)
    }

    func expiredDelegation(of name: String, for roles: Set<Role>) -> Delegation? {
        accounts.expiredDelegation(of: name, for: roles)
    }

    func require(_ roles: Set<Role>, of user: String, to action: String) throws(DocketError) -> Actor.Grant {
        try accounts.require(roles, of: user, to: action)
    }

    /// Whether a user holds a role (directly or by a delegation in force).
    public func holds(_ role: Role, _ user: String) -> Bool {
        (try? actor(user))?.grant(for: [role]) != nil
    }

    // MARK: - Passwords and tokens

    /// See `UserAccounts.setPassword(_:for:)`.
    public func setPassword(_ password: String, for user: String) throws(DocketError) {
        try accounts.setPassword(password, for: user)
    }

    /// Sets a password that everyone may know (the demo's), hashed at bcrypt's lowest cost.
    func setPublishedPassword(_ password: String, for user: String) throws(DocketError) {
        try accounts.setPassword(password, for: user, cost: UserAccounts.publishedPasswordCost)
    }

    /// See `UserAccounts.verifyPassword(_:for:)`.
    public func verifyPassword(_ password: String, for user: String) -> Bool {
        accounts.verifyPassword(password, for: user)
    }

    /// See `UserAccounts.authenticate(_:password:)`.
    public func authenticate(_ user: String, password: String) -> Int? {
        accounts.authenticate(user, password: password)
    }

    /// See `UserAccounts.credentialGeneration(of:)`.
    public func credentialGeneration(of user: String) -> Int? {
        accounts.credentialGeneration(of: user)
    }

    /// See `UserAccounts.createToken(for:label:)`.
    public func createToken(for user: String, label: String) throws(DocketError) -> IssuedToken {
        try accounts.createToken(for: user, label: label)
    }

    /// See `UserAccounts.user(forToken:)`.
    public func user(forToken token: String) -> String? {
        accounts.user(forToken: token)
    }

    /// See `UserAccounts.revokeToken(_:of:)`.
    public func revokeToken(_ id: String, of user: String) throws(DocketError) {
        try accounts.revokeToken(id, of: user)
    }
}
