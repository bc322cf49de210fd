import Archive
import Foundation
import Workflow

/// The ways to say what happened, for the web app (and the read paths that record views).
/// `AccessEvent` itself is the archive's (`Archive/AccessRecords.swift`); its time comes from the
/// archive's clock when it is recorded. Never give it a password or a token.
extension AccessEvent {
    /// A user signed in.
    public static func signIn(user: String, method: AccessMethod, address: String?) -> AccessEvent {
        AccessEvent(action: .signIn, user: user, method: method, outcome: .allowed, address: address)
    }

    /// A sign-in (or an API token) refused; `name` is what was typed (nil for a bad token).
    public static func signInRefused(name: String?, method: AccessMethod, reason: String, address: String?)
        -> AccessEvent
    {
        AccessEvent(
            action: .signInRefused, attemptedName: name, method: method, outcome: .refused, reason: reason,
            address: address)
    }

    /// A user signed out.
    public static func signOut(user: String, address: String?) -> AccessEvent {
        AccessEvent(action: .signOut, user: user, method: .session, outcome: .allowed, address: address)
    }

    /// An administrator ended sessions of `of` (recorded with the administrator as `user` and
    /// the affected user as `item`).
    public static func sessionRevoked(by admin: String, of user: String, what: String, address: String?)
        -> AccessEvent
    {
        AccessEvent(
            action: .sessionRevoked, user: admin, method: .session, item: user, what: what, outcome: .allowed,
            address: address)
    }

    /// Restricted material shown in a page, or refused.
    public static func view(
        user: String, item: String?, document: String? = nil, what: String?, allowed: Bool, reason: String? = nil,
        address: String?
    ) -> AccessEvent {
        AccessEvent(
            action: .view, user: user, item: item, document: document, what: what,
            outcome: allowed ? .allowed : .refused, reason: reason, address: address)
    }

    /// A restricted document's file downloaded, or refused.
    public static func download(
        user: String, item: String?, document: String?, what: String?, allowed: Bool, reason: String? = nil,
        address: String?
    ) -> AccessEvent {
        AccessEvent(
            action: .download, user: user, item: item, document: document, what: what,
            outcome: allowed ? .allowed : .refused, reason: reason, address: address)
    }
}

/// The access log: every sign-in, sign-out, refused sign-in and revoked session, and every
/// view or download of restricted material, allowed or refused — append-only and hash-chained
/// in the archive (`access/log/`), checked by `verify`.
///
/// A feature service over the shared archive context, reached as `DocketArchive.audit`.
public struct AccessAudit: Sendable {
    let context: ArchiveContext

    /// Who may read the access log: administrators.
    public static let auditRoles: Set<Role> = DocketArchive.administrationRoles

    /// The longest text kept in `what` or `reason`; longer is cut, with an ellipsis.
    static let maximumText = 200
    /// The longest attempted name or address kept (the schema's limit).
    static let maximumName = 64

    /// Records one event, stamped with the archive's clock.
    ///
    /// Text is made fit for the log rather than refused (an audit record must not be lost to a
    /// stray character): control characters become spaces, long text is cut, an item that is
    /// no reference and a document that is no SHA-256 move into `what`. A typed name that is a
    /// valid user name is recorded as `user`, any other as `attempted-name` (cut to 64).
    ///
    /// - Returns: the entry as written.
    /// - Throws: if the archive predates the access schema (`docket init --upgrade`) or the
    ///   disk refuses: the caller should then not let the access happen.
    @discardableResult
    public func recordAccess(_ event: AccessEvent) throws(DocketError) -> AccessLogEntry {
        let fitted = Self.fitted(event)
        let time = context.now()
        return try context.archive { () throws(ArchiveError) in try context.store.appendAccess(fitted, at: time) }
            .entry
    }

    /// The entries of the log in order (oldest first), filtered.
    ///
    /// - Parameters:
    ///   - user: entries by this user, or about them (a refused sign-in with their name, a
    ///     session of theirs revoked).
    ///   - item: entries about this submission reference or meeting id.
    ///   - since: entries from the start of this London day.
    /// - Throws: `.archive(.damaged)` naming a damaged file (`verify` reports them all).
    public func accessLog(user: String? = nil, item: String? = nil, since: CalendarDate? = nil) throws(DocketError)
        -> [AccessLogEntry]
    {
        // Days are UTC: a London day starts in the UTC day before it in summer.
        let start = since.map { context.calendar.startOfLondonDay($0) }
        let entries = try context.archive { () throws(ArchiveError) in
            try context.store.readAccessLog(since: start.map { ArchiveStore.utcDay($0.addingTimeInterval(-86_400)) })
        }
        return entries.map(\.entry).filter { entry in
            let record = entry.event
            if let start, entry.at < start { return false }
            if let item, record.item != item { return false }
            if let user {
                let about = record.action == .sessionRevoked && record.item == user
                guard record.user == user || record.attemptedName == user || about else { return false }
            }
            return true
        }
    }

    // MARK: - Making a record fit the log

    static func fitted(_ event: AccessEvent) -> AccessEvent {
        var what = event.what.flatMap { clean($0, limit: maximumText) }
        var item = event.item
        if let asked = item, !ArchiveStore.isSafeName(asked) {
            item = nil
            what = [what, clean("asked for '\(asked)'", limit: maximumText)].compactMap { $0 }.joined(separator: "; ")
        }
        var document = event.document
        if let asked = document, !ArchiveStore.isSHA256(asked) {
            document = nil
            what = [what, clean("document '\(asked)'", limit: maximumText)].compactMap { $0 }.joined(separator: "; ")
        }
        var user = event.user.flatMap { UserAccounts.isValidUserName($0) ? $0 : nil }
        var attempted: String?
        for name in [event.attemptedName, event.user.flatMap { user == nil ? $0 : nil }].compactMap({ $0 }) {
            if user == nil, UserAccounts.isValidUserName(name) {
                user = name
            } else if attempted == nil {
                attempted = clean(name, limit: maximumName)
            }
        }
        return AccessEvent(
            action: event.action, user: user, attemptedName: attempted, method: event.method, item: item,
            document: document, what: what, outcome: event.outcome,
            reason: event.reason.flatMap { clean($0, limit: maximumText) },
            address: event.address.flatMap { clean($0, limit: maximumName) })
    }

    /// One line of printable text, at most `limit` characters; nil when nothing printable is left.
    static func clean(_ text: String, limit: Int) -> String? {
        let scalars = text.unicodeScalars.map { scalar -> Unicode.Scalar in
            // XML 1.0 refuses most control characters and U+FFFE/U+FFFF; the schema's text is one line.
            scalar.properties.generalCategory == .control || scalar.value == 0xFFFE || scalar.value == 0xFFFF
                ? " " : scalar
        }
        let line = String(String.UnicodeScalarView(scalars)).trimmingCharacters(in: .whitespaces)
        guard !line.isEmpty else { return nil }
        return line.count <= limit ? line : String(line.prefix(limit - 1)) + "…"
    }
}

extension DocketArchive {
    /// The access log (see `AccessAudit`).
    public var audit: AccessAudit { AccessAudit(context: context) }

    /// Records one access event (see `AccessAudit.recordAccess(_:)`).
    @discardableResult
    public func recordAccess(_ event: AccessEvent) throws(DocketError) -> AccessLogEntry {
        try audit.recordAccess(event)
    }

    /// The access log, filtered (see `AccessAudit.accessLog(user:item:since:)`). For the CLI,
    /// which runs as the owner of the archive's files.
    public func accessLog(user: String? = nil, item: String? = nil, since: CalendarDate? = nil) throws(DocketError)
        -> [AccessLogEntry]
    {
        try audit.accessLog(user: user, item: item, since: since)
    }

    /// The access log, filtered, for an administrator.
    ///
    /// - Throws: `.notPermitted` for anyone without `Permissions.mayReadAccessLog`.
    public func accessLog(user: String?, item: String?, since: CalendarDate?, as acting: String)
        throws(DocketError) -> [AccessLogEntry]
    {
        _ = try require(AccessAudit.auditRoles, of: acting, to: "read the access log")
        return try audit.accessLog(user: user, item: item, since: since)
    }

    /// Refuses anyone who may not see and revoke others' sessions (`Permissions.mayReadAccessLog`).
    ///
    /// Sessions live in the web app, not the archive; the rule of who may end them is here.
    public func requireSessionAdministrator(_ acting: String) throws(DocketError) {
        _ = try require(AccessAudit.auditRoles, of: acting, to: "see or end others' sessions")
    }

    /// Records that an administrator ended sessions of `user` (the administrator as the entry's
    /// `user`, the affected user as its `item`, `what` saying which sessions).
    ///
    /// - Throws: `.notPermitted` for anyone but an administrator; what `recordAccess` throws.
    @discardableResult
    public func recordSessionRevocation(of user: String, what: String, address: String?, as acting: String)
        throws(DocketError) -> AccessLogEntry
    {
        try requireSessionAdministrator(acting)
        return try audit.recordAccess(.sessionRevoked(by: acting, of: user, what: what, address: address))
    }

    /// Checks the access log's chain across every day, and the clearance file.
    func verifyAccessLog() -> [VerificationFinding] {
        store.verifyAccess()
    }
}
