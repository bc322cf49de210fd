import Foundation
import Workflow

/// How a message reached Docket.
public enum MessageRoute: String, Sendable, Hashable, Codable, CaseIterable {
    /// `docket mail deliver`: one message from an MTA's pipe.
    case deliver
    /// `docket mail import`: an .eml file, an mbox or a Maildir.
    case `import`
    /// Uploaded in the web app or through the API.
    case upload
}

/// Something odd about an arrived message, for an officer to look at.
public struct MessageFlag: Sendable, Hashable, Codable {
    public enum Kind: String, Sendable, Hashable, Codable, CaseIterable {
        /// Docket could not read it; the message is archived all the same.
        case unparsed
        /// Another archived message has the same Message-ID but different bytes.
        case messageIDReused = "message-id-reused"
        /// Read, with a defect worth knowing.
        case defect
        /// It came as an Outlook .msg, converted with msgconvert.
        case converted
    }

    public var kind: Kind
    public var detail: String

    public init(kind: Kind, detail: String) {
        self.kind = kind
        self.detail = detail
    }
}

/// An attachment as it was taken out of a message: its decoded bytes are stored beside the
/// message, named by their SHA-256.
public struct MessageAttachment: Sendable, Hashable, Codable {
    public var sha256: String
    /// `SHA256.ext`, beside `message.eml`.
    public var storedAs: String
    /// The file name the sender gave, made safe (never a path).
    public var fileName: String
    public var mediaType: String
    public var size: Int
    /// Its place in the MIME tree: `1`, `2.1` …
    public var part: String

    public init(sha256: String, storedAs: String, fileName: String, mediaType: String, size: Int, part: String) {
        self.sha256 = sha256
        self.storedAs = storedAs
        self.fileName = fileName
        self.mediaType = mediaType
        self.size = size
        self.part = part
    }
}

/// `correspondence/messages/SHA256/message.xml`: what Docket read from a message's headers
/// when it arrived (the catalogue card; `message.eml` beside it is the record).
public struct IncomingMessageRecord: Sendable, Hashable {
    /// The SHA-256 of `message.eml`.
    public var sha256: String
    public var size: Int
    public var received: Date
    public var receivedBy: ActorStamp
    public var route: MessageRoute
    /// Where it was read from (a file, an mbox and offset), if not standard input.
    public var source: String?
    public var from: [String]
    public var to: [String]
    public var cc: [String]
    /// The Date header as written, and the instant it names.
    public var date: String?
    public var sent: Date?
    public var subject: String?
    /// Without angle brackets.
    public var messageID: String?
    public var inReplyTo: [String]
    public var references: [String]
    public var flags: [MessageFlag]
    public var attachments: [MessageAttachment]

    public init(
        sha256: String, size: Int, received: Date, receivedBy: ActorStamp, route: MessageRoute, source: String?,
        from: [String], to: [String], cc: [String], date: String?, sent: Date?, subject: String?,
        messageID: String?, inReplyTo: [String], references: [String], flags: [MessageFlag],
        attachments: [MessageAttachment]
    ) {
        self.sha256 = sha256
        self.size = size
        self.received = received
        self.receivedBy = receivedBy
        self.route = route
        self.source = source
        self.from = from
        self.to = to
        self.cc = cc
        self.date = date
        self.sent = sent
        self.subject = subject
        self.messageID = messageID
        self.inReplyTo = inReplyTo
        self.references = references
        self.flags = flags
        self.attachments = attachments
    }

    /// Whether Docket could read the message's structure.
    public var isParsed: Bool { !flags.contains { $0.kind == .unparsed } }
}

/// `correspondence/log/NNNNNN.xml`: one arrival, hash-chained to the entry before. A message
/// counts as archived once its entry is written.
public struct ArrivalEntry: Sendable, Hashable, ChainedLogEntry {
    public var sequence: Int
    public var previous: String
    public var time: Date
    public var actor: ActorStamp
    /// The SHA-256 of `message.eml`.
    public var message: String
    /// The SHA-256 of `message.xml` as written.
    public var metadataSHA256: String

    public init(sequence: Int, previous: String, time: Date, actor: ActorStamp, message: String, metadataSHA256: String)
    {
        self.sequence = sequence
        self.previous = previous
        self.time = time
        self.actor = actor
        self.message = message
        self.metadataSHA256 = metadataSHA256
    }
}

/// How a message came to be filed to a submission (archive format 4).
public enum FilingRule: String, Sendable, Hashable, Codable, CaseIterable {
    /// The submission's reference in the subject.
    case subjectReference = "subject-reference"
    /// Sent to `docket+REF@…`.
    case plusAddress = "plus-address"
    /// In-Reply-To or References names a message filed to it, or one Docket sent about it.
    case reply
    /// Named when the message was delivered or uploaded.
    case named
    /// An officer filed it from the unfiled tray.
    case officer
}

/// A message (and its attachments) filed to a submission: recorded in the submission's chain,
/// outside its pack.
public struct CorrespondenceFiling: Sendable, Hashable {
    /// One filed document and the SHA-256 of its metadata file as written.
    public struct Filed: Sendable, Hashable {
        public var document: PackDocument
        public var metadataSHA256: String

        public init(document: PackDocument, metadataSHA256: String) {
            self.document = document
            self.metadataSHA256 = metadataSHA256
        }
    }

    /// The message's SHA-256 (its `.eml`).
    public var message: String
    public var rule: FilingRule
    /// The message first, then its attachments.
    public var documents: [Filed]

    public init(message: String, rule: FilingRule, documents: [Filed]) {
        self.message = message
        self.rule = rule
        self.documents = documents
    }
}
