import Foundation

/// What an access log entry records happened.
public enum AccessAction: String, Sendable, Hashable, Codable, CaseIterable {
    /// A user signed in.
    case signIn = "sign-in"
    /// A sign-in (or an API token) was refused: unknown name, wrong password, bad token, throttled.
    case signInRefused = "sign-in-refused"
    /// A user signed out.
    case signOut = "sign-out"
    /// An administrator ended someone's session.
    case sessionRevoked = "session-revoked"
    /// Restricted material shown in a page.
    case view
    /// A restricted document's file downloaded.
    case download
}

/// How the user proved who they are.
public enum AccessMethod: String, Sendable, Hashable, Codable, CaseIterable {
    case password
    /// The council's OpenID Connect provider.
    case oidc
    /// A personal API token.
    case token
    /// A browser session already signed in.
    case session
}

/// Whether what was asked for was done.
public enum AccessOutcome: String, Sendable, Hashable, Codable, CaseIterable {
    case allowed
    case refused
}

/// What happened, as one access log entry records it (`docket-access-1.xsd`), without its time
/// and its place in the chain (`AccessLogEntry`). DocketKit adds the ways to say each kind
/// (`.signIn(user:method:address:)`, `.view(…)` …) and makes the text fit before it is recorded.
///
/// Never holds a password or a token: a refused sign-in records the typed name, the reason and
/// the address, nothing else the client sent.
public struct AccessEvent: Sendable, Hashable {
    public var action: AccessAction
    /// The Docket user (for `sessionRevoked`: the administrator who ended the session).
    public var user: String?
    /// The name typed at a refused sign-in when it is not a valid user name (at most 64 characters).
    public var attemptedName: String?
    public var method: AccessMethod?
    /// A submission reference or a meeting id (for `sessionRevoked`: the user whose session it was).
    public var item: String?
    /// The SHA-256 of the document viewed or downloaded.
    public var document: String?
    /// A short description, e.g. "agenda of BVPB-2016-10-19 (full)", "document marked OFFICIAL-SENSITIVE".
    public var what: String?
    public var outcome: AccessOutcome
    public var reason: String?
    /// The client's network address as the server saw it.
    public var address: String?

    public init(
        action: AccessAction, user: String? = nil, attemptedName: String? = nil, method: AccessMethod? = nil,
        item: String? = nil, document: String? = nil, what: String? = nil, outcome: AccessOutcome,
        reason: String? = nil, address: String? = nil
    ) {
        self.action = action
        self.user = user
        self.attemptedName = attemptedName
        self.method = method
        self.item = item
        self.document = document
        self.what = what
        self.outcome = outcome
        self.reason = reason
        self.address = address
    }
}

/// One file of the access log: a record and its place in the one chain that runs across days.
public struct AccessLogEntry: Sendable, Hashable, ChainedLogEntry {
    /// The file's number within its day's directory, from 1.
    public var sequence: Int
    /// The SHA-256 of the file before it in the log, across days (64 zeros for the very first).
    public var previous: String
    /// When, to the millisecond (UTC).
    public var at: Date
    public var event: AccessEvent

    public init(sequence: Int, previous: String, at: Date, event: AccessEvent) {
        self.sequence = sequence
        self.previous = previous
        self.at = at
        self.event = event
    }
}

/// Who may read restricted material (`access/clearance.xml`): the roles cleared for exempt
/// items and for documents marked above the open markings. Read and written here; what it
/// means is DocketKit's rule.
public struct ClearanceRecord: Sendable, Hashable {
    /// Role names (not `Role` values: roles added later fit without a schema change).
    public var clearedRoles: [String]
    /// Protective markings anyone may read, e.g. `OFFICIAL` (at least one).
    public var openMarkings: [String]
    public var changed: Date?
    public var changedBy: String?

    public init(clearedRoles: [String], openMarkings: [String], changed: Date? = nil, changedBy: String? = nil) {
        self.clearedRoles = clearedRoles
        self.openMarkings = openMarkings
        self.changed = changed
        self.changedBy = changedBy
    }
}
