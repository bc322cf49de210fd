import Foundation
import Workflow

// The retention vocabulary (`urn:docket:retention:1`, `schema/docket-retention-1.xsd`): the
// schedule, the retention log and the certificates of lists carried out. What these records
// mean — which records are due, who may approve — is DocketKit's business; these are the
// values as the files hold them.

/// What starts a record's retention period.
public enum RetentionTrigger: String, Sendable, Hashable, Codable, CaseIterable {
    /// The submission reaching a final state of its workflow (the matter closing).
    case submissionClosed = "submission-closed"
    /// The date of the Board meeting the submission went to (or whose minutes it holds).
    case meetingDate = "meeting-date"
    /// The document's own date, else the day it was archived.
    case documentDate = "document-date"
}

/// What happens to a record when its period has run.
public enum RetentionAction: String, Sendable, Hashable, Codable, CaseIterable {
    case destroy
    /// A person decides: destroy, transfer, or keep.
    case review
    /// To the record office, as a BagIt bag.
    case transfer
    case keepPermanently = "keep-permanently"
}

/// What a disposal list does to its records.
public enum DisposalAction: String, Sendable, Hashable, Codable, CaseIterable {
    case destroy
    case transfer
}

/// A retention period in whole years, months and days (an ISO 8601 duration such as `P6Y`).
public struct RetentionPeriod: Sendable, Hashable, CustomStringConvertible {
    public var years: Int
    public var months: Int
    public var days: Int

    public init(years: Int = 0, months: Int = 0, days: Int = 0) {
        self.years = years
        self.months = months
        self.days = days
    }

    /// Parses `PnYnMnD` (each part optional, at least one). Time parts (`T…`), weeks and
    /// fractions are refused: a retention period is counted in calendar days.
    public init?(iso text: String) {
        guard text.hasPrefix("P"), text.count > 1 else { return nil }
        var years = 0
        var months = 0
        var days = 0
        var digits = ""
        var seen = Set<Character>()
        for character in text.dropFirst() {
            if character.isASCII, character.isNumber {
                digits.append(character)
                continue
            }
            // Each designator once, in order Y, M, D, with a number before it.
            guard let value = Int(digits), digits.count <= 4, seen.insert(character).inserted else { return nil }
            switch character {
            case "Y" where seen == ["Y"]: years = value
            case "M" where !seen.contains("D"): months = value
            case "D": days = value
            default: return nil
            }
            digits = ""
        }
        guard digits.isEmpty, !seen.isEmpty else { return nil }
        self.init(years: years, months: months, days: days)
    }

    /// `P6Y`, `P1Y6M`, `P0D` for none.
    public var description: String {
        var text = "P"
        if years > 0 { text += "\(years)Y" }
        if months > 0 { text += "\(months)M" }
        if days > 0 || text == "P" { text += "\(days)D" }
        return text
    }
}

/// A work the schedule cites as its authority.
public struct RetentionSource: Sendable, Hashable {
    public var id: String
    public var citation: String
    public var href: String?

    public init(id: String, citation: String, href: String? = nil) {
        self.id = id
        self.citation = citation
        self.href = href
    }
}

/// One class of the schedule: which records, how long, then what, and why.
public struct RetentionClass: Sendable, Hashable {
    public var id: String
    public var description: String
    public var trigger: RetentionTrigger
    public var action: RetentionAction
    /// Nil only for `keepPermanently`.
    public var period: RetentionPeriod?
    /// The rule applied, in words.
    public var authority: String
    /// The source the authority cites, by id.
    public var authoritySource: String?

    public init(
        id: String, description: String, trigger: RetentionTrigger, action: RetentionAction,
        period: RetentionPeriod?, authority: String, authoritySource: String? = nil
    ) {
        self.id = id
        self.description = description
        self.trigger = trigger
        self.action = action
        self.period = period
        self.authority = authority
        self.authoritySource = authoritySource
    }
}

/// Which records a class covers: any of a series, a workflow and a document kind (nil: any).
public struct RetentionRule: Sendable, Hashable {
    public var retentionClass: String
    public var series: String?
    public var workflow: String?
    public var kind: DocumentKind?

    public init(retentionClass: String, series: String? = nil, workflow: String? = nil, kind: DocumentKind? = nil) {
        self.retentionClass = retentionClass
        self.series = series
        self.workflow = workflow
        self.kind = kind
    }
}

/// `retention/schedule.xml`.
public struct RetentionSchedule: Sendable, Hashable {
    public var title: String
    public var sources: [RetentionSource]
    public var classes: [RetentionClass]
    public var rules: [RetentionRule]

    public init(title: String, sources: [RetentionSource], classes: [RetentionClass], rules: [RetentionRule]) {
        self.title = title
        self.sources = sources
        self.classes = classes
        self.rules = rules
    }
}

/// A class as it stood when a list was proposed or records kept: what was approved, and what
/// the certificate cites, whatever the schedule says later.
public struct AppliedClass: Sendable, Hashable {
    public var id: String
    public var trigger: RetentionTrigger
    public var action: RetentionAction
    public var period: RetentionPeriod?
    public var authority: String

    public init(
        id: String, trigger: RetentionTrigger, action: RetentionAction, period: RetentionPeriod?, authority: String
    ) {
        self.id = id
        self.trigger = trigger
        self.action = action
        self.period = period
        self.authority = authority
    }

    public init(_ entry: RetentionClass) {
        self.init(
            id: entry.id, trigger: entry.trigger, action: entry.action, period: entry.period, authority: entry.authority
        )
    }
}

/// One record of a disposal list: a document of a submission, its class and the day its
/// period ran out.
public struct ListedRecord: Sendable, Hashable {
    public var submission: String
    public var sha256: String
    public var retentionClass: String
    public var due: CalendarDate

    public init(submission: String, sha256: String, retentionClass: String, due: CalendarDate) {
        self.submission = submission
        self.sha256 = sha256
        self.retentionClass = retentionClass
        self.due = due
    }
}

/// `retention/log/NNNNNN.xml`: one entry of the retention log.
public struct RetentionLogEntry: Sendable, Hashable {
    public enum Body: Sendable, Hashable {
        /// Records (whole submissions) that may be neither destroyed nor transferred.
        case holdPlaced(id: String, reason: String, submissions: [String], caseReference: String?)
        case holdReleased(hold: String, reason: String)
        /// A review's decision to keep records whose period ran: not due again before `until`.
        case recordsKept(until: CalendarDate, reason: String, classes: [AppliedClass], records: [ListedRecord])
        /// `schedule`: the SHA-256 of the schedule file the list was made under.
        case listProposed(
            id: String, action: DisposalAction, comment: String?, schedule: String, classes: [AppliedClass],
            records: [ListedRecord])
        /// A second person's approval, with the service they answer for.
        case listApproved(list: String, service: String, comment: String?)
        case listCancelled(list: String, reason: String)
        /// The list was carried out; its certificate's file has this SHA-256.
        case listCarriedOut(list: String, certificateSHA256: String)
    }

    public var sequence: Int
    public var previous: String
    public var at: Date
    public var actor: ActorStamp
    public var body: Body

    public init(sequence: Int, previous: String, at: Date, actor: ActorStamp, body: Body) {
        self.sequence = sequence
        self.previous = previous
        self.at = at
        self.actor = actor
        self.body = body
    }
}

/// `retention/certificates/LIST.xml`: what a list carried out destroyed or transferred.
public struct DisposalCertificate: Sendable, Hashable {
    /// Who did one step, when.
    public struct Step: Sendable, Hashable {
        public var actor: ActorStamp
        public var at: Date

        public init(actor: ActorStamp, at: Date) {
            self.actor = actor
            self.at = at
        }
    }

    /// Where a transfer went: the record office, the directory written, each submission's bag.
    public struct Transfer: Sendable, Hashable {
        public struct Bag: Sendable, Hashable {
            public var submission: String
            /// The SHA-256 of the bag's `tagmanifest-sha256.txt`.
            public var tagManifestSHA256: String
            public var payloadOxum: String

            public init(submission: String, tagManifestSHA256: String, payloadOxum: String) {
                self.submission = submission
                self.tagManifestSHA256 = tagManifestSHA256
                self.payloadOxum = payloadOxum
            }
        }

        public var office: String
        public var location: String
        public var accession: String?
        public var bags: [Bag]

        public init(office: String, location: String, accession: String? = nil, bags: [Bag]) {
            self.office = office
            self.location = location
            self.accession = accession
            self.bags = bags
        }
    }

    /// One record disposed of.
    public struct Record: Sendable, Hashable {
        public var submission: String
        public var sha256: String
        public var kind: DocumentKind
        public var title: String
        /// The content file's path in the archive (`submissions/REF/documents/SHA.ext`).
        public var path: String
        public var size: Int
        public var retentionClass: String
        public var period: RetentionPeriod?
        public var due: CalendarDate
        /// The document's own date, when it has one.
        public var date: CalendarDate?
        public var authority: String
        /// The SHA-256 of the event file recording the disposal in the submission's chain.
        public var eventSHA256: String

        public init(
            submission: String, sha256: String, kind: DocumentKind, title: String, path: String, size: Int,
            retentionClass: String, period: RetentionPeriod?, due: CalendarDate, date: CalendarDate? = nil,
            authority: String, eventSHA256: String
        ) {
            self.submission = submission
            self.sha256 = sha256
            self.kind = kind
            self.title = title
            self.path = path
            self.size = size
            self.retentionClass = retentionClass
            self.period = period
            self.due = due
            self.date = date
            self.authority = authority
            self.eventSHA256 = eventSHA256
        }
    }

    public var list: String
    public var action: DisposalAction
    public var proposed: Step
    /// The SHA-256 of the retention log entry that proposed the list.
    public var proposedEntry: String
    /// The SHA-256 of the schedule the list was made under.
    public var schedule: String
    public var approved: Step
    public var approvedEntry: String
    public var approvedForService: String
    public var carriedOut: Step
    /// How the content was destroyed, or transferred, in words.
    public var method: String
    /// Copies outside the archive are to be purged by this day.
    public var purgeCopiesBy: CalendarDate?
    public var transfer: Transfer?
    public var records: [Record]

    public init(
        list: String, action: DisposalAction, proposed: Step, proposedEntry: String, schedule: String, approved: Step,
        approvedEntry: String, approvedForService: String, carriedOut: Step, method: String,
        purgeCopiesBy: CalendarDate?, transfer: Transfer?, records: [Record]
    ) {
        self.list = list
        self.action = action
        self.proposed = proposed
        self.proposedEntry = proposedEntry
        self.schedule = schedule
        self.approved = approved
        self.approvedEntry = approvedEntry
        self.approvedForService = approvedForService
        self.carriedOut = carriedOut
        self.method = method
        self.purgeCopiesBy = purgeCopiesBy
        self.transfer = transfer
        self.records = records
    }
}

/// A submission's records leaving the archive under a disposal list (archive format 6): the
/// event in its chain that makes a missing content file expected.
public struct RecordsDisposal: Sendable, Hashable {
    /// A document disposed of and its retention class.
    public struct Disposed: Sendable, Hashable {
        public var document: PackDocument
        public var retentionClass: String

        public init(document: PackDocument, retentionClass: String) {
            self.document = document
            self.retentionClass = retentionClass
        }
    }

    /// Where a transfer's bag went.
    public struct Transferred: Sendable, Hashable {
        public var office: String
        public var location: String
        /// The SHA-256 of the bag's `tagmanifest-sha256.txt`.
        public var tagManifestSHA256: String

        public init(office: String, location: String, tagManifestSHA256: String) {
            self.office = office
            self.location = location
            self.tagManifestSHA256 = tagManifestSHA256
        }
    }

    public var list: String
    public var action: DisposalAction
    /// For a transfer: where the bag went (nil for a destruction).
    public var transferred: Transferred?
    public var documents: [Disposed]

    public init(list: String, action: DisposalAction, transferred: Transferred? = nil, documents: [Disposed]) {
        self.list = list
        self.action = action
        self.transferred = transferred
        self.documents = documents
    }
}
