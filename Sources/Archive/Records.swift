import Foundation
import Workflow

/// A person and/or an organisation that sent or received a document.
public struct Party: Sendable, Hashable, Codable, CustomStringConvertible {
    public var person: String?
    public var organisation: String?

    public init(person: String?, organisation: String?) {
        self.person = person
        self.organisation = organisation
    }

    /// Parses `Person (Organisation)`, `Person`, or `(Organisation)`.
    public init?(parsing text: String) {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        var person = trimmed
        var organisation: String?
        if trimmed.hasSuffix(")"), let open = trimmed.lastIndex(of: "(") {
            organisation = String(trimmed[trimmed.index(after: open)..<trimmed.index(before: trimmed.endIndex)])
                .trimmingCharacters(in: .whitespaces)
            person = String(trimmed[..<open]).trimmingCharacters(in: .whitespaces)
        }
        let name = person.isEmpty ? nil : person
        let body = (organisation?.isEmpty ?? true) ? nil : organisation
        guard name != nil || body != nil else { return nil }
        self.init(person: name, organisation: body)
    }

    /// `Person (Organisation)`, as it is parsed.
    public var description: String {
        switch (person, organisation) {
        case (let person?, let organisation?): return "\(person) (\(organisation))"
        case (let person?, nil): return person
        case (nil, let organisation?): return "(\(organisation))"
        case (nil, nil): return ""
        }
    }
}

/// Whether a document left the council, arrived, or stayed inside.
public enum Direction: String, Sendable, Hashable, Codable, CaseIterable {
    case outgoing, incoming, `internal`
}

/// How one document relates to another (by SHA-256).
public struct Relation: Sendable, Hashable, Codable {
    public enum Kind: String, Sendable, Hashable, Codable, CaseIterable {
        case annexOf = "annex-of"
        case replyTo = "reply-to"
        case versionOf = "version-of"
        /// The document supersedes the target, which leaves the pack (archive format 2).
        case replaces
        /// The document is an attachment of the target, an email (archive format 4).
        case partOf = "part-of"
    }

    public var kind: Kind
    public var target: String

    public init(kind: Kind, target: String) {
        self.kind = kind
        self.target = target
    }
}

/// Who did something, as recorded in the archive.
public struct ActorStamp: Sendable, Hashable, Codable {
    public var user: String
    public var role: Role?
    public var onBehalfOf: String?
    /// The operating-system account that ran the program.
    public var systemUser: String

    public init(user: String, role: Role? = nil, onBehalfOf: String? = nil, systemUser: String) {
        self.user = user
        self.role = role
        self.onBehalfOf = onBehalfOf
        self.systemUser = systemUser
    }
}

/// `submission.xml`: a submission's identity, written once when it is created.
public struct SubmissionRecord: Sendable, Hashable {
    public var reference: String
    public var title: String
    public var series: String?
    public var service: String?
    public var workflowName: String
    /// The digest of the workflow definition this submission is pinned to.
    public var workflowDigest: String
    public var created: Date
    public var createdBy: ActorStamp

    public init(
        reference: String, title: String, series: String?, service: String?, workflowName: String,
        workflowDigest: String, created: Date, createdBy: ActorStamp
    ) {
        self.reference = reference
        self.title = title
        self.series = series
        self.service = service
        self.workflowName = workflowName
        self.workflowDigest = workflowDigest
        self.created = created
        self.createdBy = createdBy
    }
}

/// `documents/SHA256.xml`: the metadata of one immutable document.
public struct DocumentMetadata: Sendable, Hashable {
    public var sha256: String
    public var submission: String
    public var title: String
    public var kind: DocumentKind
    public var date: CalendarDate?
    public var creator: Party?
    public var addressees: [Party]
    public var direction: Direction
    public var annex: String?
    /// A media type, e.g. `application/pdf`.
    public var format: String
    public var size: Int
    public var originalFileName: String
    /// The content file's name beside this metadata, `SHA256.ext`.
    public var storedAs: String
    public var description: String?
    /// e.g. `OFFICIAL` (Government Security Classifications).
    public var protectiveMarking: String
    public var relations: [Relation]
    public var added: Date
    public var addedBy: ActorStamp

    public init(
        sha256: String, submission: String, title: String, kind: DocumentKind, date: CalendarDate?, creator: Party?,
        addressees: [Party], direction: Direction, annex: String?, format: String, size: Int,
        originalFileName: String, storedAs: String, description: String?, protectiveMarking: String,
        relations: [Relation], added: Date, addedBy: ActorStamp
    ) {
        self.sha256 = sha256
        self.submission = submission
        self.title = title
        self.kind = kind
        self.date = date
        self.creator = creator
        self.addressees = addressees
        self.direction = direction
        self.annex = annex
        self.format = format
        self.size = size
        self.originalFileName = originalFileName
        self.storedAs = storedAs
        self.description = description
        self.protectiveMarking = protectiveMarking
        self.relations = relations
        self.added = added
        self.addedBy = addedBy
    }

    /// The document as the workflow's pack sees it.
    public var packEntry: PackDocument {
        PackDocument(kind: kind, name: annex.map { "Annex \($0)" } ?? title, sha256: sha256)
    }
}

/// `events/NNNNNN.xml`: one recorded event, chained to the one before by SHA-256.
public struct StoredEvent: Sendable, Hashable {
    /// What happened.
    public enum Body: Sendable, Hashable {
        /// A workflow transition.
        case transition(TransitionBody)
        /// A document joined the pack; the event also fixes the SHA-256 of its metadata file,
        /// so the metadata is as tamper-evident as the content (nil in files that predate it).
        case documentAdded(PackDocument, metadataSHA256: String?, replaces: String?)
        /// A document left the pack, with the reason (archive format 2). Its files stay
        /// archived, and the events that cited it still do.
        case documentRemoved(PackDocument, reason: String)
        /// A message and its attachments were filed to the submission (archive format 4):
        /// recorded in its history, outside its pack.
        case correspondenceFiled(CorrespondenceFiling)
        /// Documents destroyed or transferred under an approved disposal list (archive format
        /// 6): a destroyed document's content file is gone, its metadata file stays, and
        /// `verify` accepts the missing content because this event names it.
        case recordsDisposed(RecordsDisposal)
    }

    public struct TransitionBody: Sendable, Hashable {
        public var name: String
        public var from: String
        public var to: String
        public var workflowName: String
        public var workflowDigest: String
        public var comment: String?
        public var fields: [String: String]
        public var documents: [PackDocument]

        public init(
            name: String, from: String, to: String, workflowName: String, workflowDigest: String, comment: String?,
            fields: [String: String], documents: [PackDocument]
        ) {
            self.name = name
            self.from = from
            self.to = to
            self.workflowName = workflowName
            self.workflowDigest = workflowDigest
            self.comment = comment
            self.fields = fields
            self.documents = documents
        }
    }

    public var sequence: Int
    public var submission: String
    public var time: Date
    public var actor: ActorStamp
    /// SHA-256 of the previous event file (of `submission.xml` for event 1).
    public var previous: String
    public var body: Body

    public init(sequence: Int, submission: String, time: Date, actor: ActorStamp, previous: String, body: Body) {
        self.sequence = sequence
        self.submission = submission
        self.time = time
        self.actor = actor
        self.previous = previous
        self.body = body
    }

    /// Whether the event needs archive format 2 (a removal, an addition that replaces a
    /// document, or a comment of several lines, which format 1's schema refuses): every other
    /// event is written in format 1, readable by older Docket.
    var needsFormat2: Bool {
        switch body {
        case .documentRemoved, .documentAdded(_, _, replaces: _?): true
        case .documentAdded, .correspondenceFiled, .recordsDisposed: false
        case .transition(let transition): transition.comment?.contains(where: \.isNewline) ?? false
        }
    }

    /// The event as the workflow engine replays it, if it is a transition.
    public var workflowRecord: EventRecord? {
        guard case .transition(let transition) = body, let role = actor.role else { return nil }
        return EventRecord(
            sequence: sequence, event: transition.name, fromState: transition.from, toState: transition.to,
            actor: actor.user, onBehalfOf: actor.onBehalfOf, role: role, time: time, comment: transition.comment,
            fields: transition.fields, documents: transition.documents)
    }
}

/// Which of Docket's mail a user wants.
public enum NotifyChoice: String, Sendable, Hashable, Codable, CaseIterable {
    /// Each message as soon as it is decided.
    case immediate
    /// One message a working day listing everything.
    case digest
    /// No mail.
    case none
}

/// `users/NAME.xml`: a Docket user, their roles and the delegations they hold.
public struct UserRecord: Sendable, Hashable {
    public var name: String
    public var fullName: String?
    /// Where Docket's mail reaches them (archive format 2); nil: no mail.
    public var email: String?
    /// Which mail they want (archive format 2); nil means the default, `immediate`.
    public var notify: NotifyChoice?
    /// The council identity provider's account this user signs in as (archive format 3).
    public var identity: IdentityLink?
    /// Set when the account may no longer sign in or use a token (archive format 3).
    public var disabled: Disabling?
    /// The roles held; none for an account the identity provider created with no role yet
    /// (archive format 3).
    public var roles: [Role]
    public var delegations: [Delegation]
    public var created: Date
    public var createdBy: String

    public init(
        name: String, fullName: String?, email: String? = nil, notify: NotifyChoice? = nil,
        identity: IdentityLink? = nil, disabled: Disabling? = nil, roles: [Role],
        delegations: [Delegation], created: Date, createdBy: String
    ) {
        self.name = name
        self.fullName = fullName
        self.email = email
        self.notify = notify
        self.identity = identity
        self.disabled = disabled
        self.roles = roles
        self.delegations = delegations
        self.created = created
        self.createdBy = createdBy
    }
}

/// The link from a Docket account to a person at the council's identity provider: the
/// provider's issuer and the subject it gives them (OpenID Connect's `iss` and `sub`), never
/// a name, which can be reused or changed.
public struct IdentityLink: Sendable, Hashable {
    public var issuer: String
    public var subject: String
    /// When the link was made (the first sign-in through the provider).
    public var linked: Date

    public init(issuer: String, subject: String, linked: Date) {
        self.issuer = issuer
        self.subject = subject
        self.linked = linked
    }
}

/// Why and by whom an account was disabled.
public struct Disabling: Sendable, Hashable {
    public var at: Date
    public var by: String
    public var reason: String

    public init(at: Date, by: String, reason: String) {
        self.at = at
        self.by = by
        self.reason = reason
    }
}

/// A role lent by one user to another until a date (inclusive).
public struct Delegation: Sendable, Hashable {
    public var from: String
    public var role: Role
    public var until: CalendarDate
    public var granted: Date
    public var grantedBy: String

    public init(from: String, role: Role, until: CalendarDate, granted: Date, grantedBy: String) {
        self.from = from
        self.role = role
        self.until = until
        self.granted = granted
        self.grantedBy = grantedBy
    }
}
