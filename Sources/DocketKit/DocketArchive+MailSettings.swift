import Archive
import Foundation
import Workflow

/// Who may change mail settings from the web app: everyone their own address and choice of
/// mail, an administrator anyone's, and the escalation contacts. (The CLI, trusted as the
/// archive's owner, calls the unchecked methods.)
extension DocketArchive {
    /// Who may change other users' mail settings and name the escalation contacts.
    public static let mailAdministrationRoles: Set<Role> = [.admin]

    /// A user's own record (their address and choice of mail), or anyone's for an
    /// administrator.
    ///
    /// - Throws: `notPermitted` when `acting` asks about someone else without the role.
    public func mailSettings(of name: String, as acting: String) throws(DocketError) -> UserRecord {
        if name != acting { _ = try require(Self.mailAdministrationRoles, of: acting, to: "see others' mail settings") }
        return try archive { () throws(ArchiveError) in try store.user(name) }
    }

    /// Changes a user's address and choice of mail (see `changeMail(of:email:notify:)`): one's
    /// own, or anyone's for an administrator.
    ///
    /// - Throws: `notPermitted` when `acting` changes someone else's without the role; what
    ///   `changeMail(of:email:notify:)` throws.
    @discardableResult
    public func changeMail(of name: String, email: String?, notify: NotifyChoice?, as acting: String)
        throws(DocketError) -> UserRecord
    {
        if name != acting {
            _ = try require(Self.mailAdministrationRoles, of: acting, to: "change others' mail settings")
        }
        return try changeMail(of: name, email: email, notify: notify)
    }

    /// Names who receives a series' escalations (or, with a nil series, the governance lead's),
    /// for an administrator (see `setEscalationContact(series:user:)`).
    public func setEscalationContact(series: String?, user: String?, as acting: String) throws(DocketError) {
        _ = try require(Self.mailAdministrationRoles, of: acting, to: "name escalation contacts")
        try setEscalationContact(series: series, user: user)
    }

    /// The messages the MTA refused: those Docket gave up on and those waiting to be tried
    /// again, newest first, for an administrator (they name people's addresses).
    public func undeliveredMail(as acting: String) throws(DocketError) -> [OutboxMessage] {
        _ = try require(Self.mailAdministrationRoles, of: acting, to: "see the mail that was not delivered")
        return try outboxMessages().filter { $0.gaveUp || ($0.isPending && $0.lastFailure != nil) }
            .sorted { $0.decidedAt > $1.decidedAt }
    }
}

extension DocketArchive {
    /// One notify pass now, by the archive's clock (see `notify(at:setup:plan:dryRun:)`): what
    /// the web app's scheduler runs, so that a test's fixed clock holds for its mail too.
    public func notify(setup: MailSetup) throws(DocketError) -> NotifyReport {
        try notify(at: now(), setup: setup)
    }
}
