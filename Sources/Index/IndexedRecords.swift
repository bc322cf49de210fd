import Foundation

/// What the index holds about one submission: a copy of what its archive files say, plus the
/// state derived by replaying its events. Built by DocketKit; the index never reads the archive.
public struct IndexedSubmission: Sendable, Hashable {
    public var reference: String
    public var title: String
    public var series: String?
    public var service: String?
    public var workflow: String
    /// The state its events lead to through its pinned workflow.
    public var state: String
    public var isFinal: Bool
    /// The number of events in its chain.
    public var sequence: Int
    public var created: Date
    public var lastActivity: Date
    /// The London calendar date (`YYYY-MM-DD`) by which its current state should be left.
    public var deadline: String?
    /// Whether it came in through `docket import`.
    public var imported: Bool
    /// The Board meeting it is scheduled for now, if any.
    public var meeting: String?
    /// A cheap summary of its files' identities (see `ArchiveStore.fingerprint`); a different
    /// value on the next open means the submission changed on disk.
    public var fingerprint: String
    public var events: [IndexedEvent]
    public var documents: [IndexedDocument]

    public init(
        reference: String, title: String, series: String?, service: String?, workflow: String, state: String,
        isFinal: Bool, sequence: Int, created: Date, lastActivity: Date, deadline: String?, imported: Bool,
        meeting: String? = nil, fingerprint: String, events: [IndexedEvent], documents: [IndexedDocument]
    ) {
        self.meeting = meeting
        self.reference = reference
        self.title = title
        self.series = series
        self.service = service
        self.workflow = workflow
        self.state = state
        self.isFinal = isFinal
        self.sequence = sequence
        self.created = created
        self.lastActivity = lastActivity
        self.deadline = deadline
        self.imported = imported
        self.fingerprint = fingerprint
        self.events = events
        self.documents = documents
    }
}

/// One event of a submission's history, as the index lists it.
public struct IndexedEvent: Sendable, Hashable {
    public var sequence: Int
    /// The workflow event's name, `document-added` or `imported`.
    public var name: String
    public var fromState: String?
    public var toState: String?
    public var time: Date
    public var user: String
    public var role: String?
    public var onBehalfOf: String?
    public var comment: String?
    public var fileSHA256: String

    public init(
        sequence: Int, name: String, fromState: String?, toState: String?, time: Date, user: String, role: String?,
        onBehalfOf: String?, comment: String?, fileSHA256: String
    ) {
        self.sequence = sequence
        self.name = name
        self.fromState = fromState
        self.toState = toState
        self.time = time
        self.user = user
        self.role = role
        self.onBehalfOf = onBehalfOf
        self.comment = comment
        self.fileSHA256 = fileSHA256
    }
}

/// The searchable text of a document, or why there is none.
public struct DocumentText: Sendable, Hashable {
    public var body: String
    /// nil when the text was extracted; otherwise why it was not (e.g. "pdftotext is not installed").
    public var notExtractedReason: String?

    public init(body: String, notExtractedReason: String? = nil) {
        self.body = body
        self.notExtractedReason = notExtractedReason
    }
}

/// One archived document and its metadata, as the index lists and searches it.
public struct IndexedDocument: Sendable, Hashable {
    public var sha256: String
    public var title: String
    public var kind: String
    /// The document's own date (`YYYY-MM-DD`), if it has one.
    public var date: String?
    /// Who wrote it, as "Person (Organisation)".
    public var creator: String?
    public var addressees: [String]
    public var direction: String
    public var annex: String?
    public var mediaType: String
    public var size: Int
    public var originalFileName: String
    public var storedAs: String
    public var description: String?
    /// The protective marking, e.g. `OFFICIAL` or `OFFICIAL-SENSITIVE`.
    public var marking: String
    public var added: Date
    public var addedBy: String
    /// (relation kind, target document SHA-256) pairs, e.g. ("reply-to", "ab12…").
    public var relations: [IndexedRelation]
    /// The text to index; nil keeps the text the index already has for this SHA-256 in this
    /// submission (content is immutable, so re-extracting it would only cost time).
    public var text: DocumentText?
    /// Which text its words were counted from, when counted ahead of the write
    /// (`WordCounter.count(_:)`).
    public internal(set) var countedText: CountedText?

    public init(
        sha256: String, title: String, kind: String, date: String?, creator: String?, addressees: [String],
        direction: String, annex: String?, mediaType: String, size: Int, originalFileName: String, storedAs: String,
        description: String?, marking: String = "OFFICIAL", added: Date, addedBy: String,
        relations: [IndexedRelation], text: DocumentText?
    ) {
        self.marking = marking
        self.sha256 = sha256
        self.title = title
        self.kind = kind
        self.date = date
        self.creator = creator
        self.addressees = addressees
        self.direction = direction
        self.annex = annex
        self.mediaType = mediaType
        self.size = size
        self.originalFileName = originalFileName
        self.storedAs = storedAs
        self.description = description
        self.added = added
        self.addedBy = addedBy
        self.relations = relations
        self.text = text
    }

    /// Everyone the document names: its creator, then its addressees.
    public var parties: [String] { (creator.map { [$0] } ?? []) + addressees }
}

/// A document's link to another document, by the target's SHA-256.
public struct IndexedRelation: Sendable, Hashable {
    public var kind: String
    public var target: String

    public init(kind: String, target: String) {
        self.kind = kind
        self.target = target
    }
}
