import Foundation

/// What a message Docket sends is for.
public enum MessageKind: String, Sendable, Hashable, Codable, CaseIterable {
    /// Someone must act now (e.g. the Mayor has a pack to sign off).
    case actionNeeded = "action-needed"
    /// A deadline is near.
    case dueSoon = "due-soon"
    /// A deadline has passed.
    case overdue
    /// A deadline passed some working days ago: to the escalation contact.
    case escalation
    /// The day's summary for someone who chose digests.
    case digest
}

/// A message as decided, before it is handed over: the outbox's `decided` entry.
public struct DecidedMessage: Sendable, Hashable {
    /// Without angle brackets; derived from what the message is about, so deciding it again
    /// gives the same id.
    public var messageID: String
    public var kind: MessageKind
    /// The submission or meeting it is about (nil for a digest).
    public var about: String?
    /// The Docket user it is for, and the address it went to.
    public var recipient: String
    public var address: String
    public var subject: String
    /// The SHA-256 of the message's bytes, stored beside the entry as `SHA256.eml`.
    public var messageSHA256: String

    public init(
        messageID: String, kind: MessageKind, about: String?, recipient: String, address: String, subject: String,
        messageSHA256: String
    ) {
        self.messageID = messageID
        self.kind = kind
        self.about = about
        self.recipient = recipient
        self.address = address
        self.subject = subject
        self.messageSHA256 = messageSHA256
    }
}

/// What one mail log entry records.
public enum MailRecord: Sendable, Hashable {
    /// A series' escalation contact (series nil: the governance lead); user nil removes it.
    case escalationContact(series: String?, user: String?)
    /// A message decided, to be handed over.
    case decided(DecidedMessage)
    /// The MTA accepted the message on this attempt.
    case handedOver(messageID: String, attempt: Int)
    /// The MTA did not take it; tried again from `retryAfter`, or never (nil) after the last try.
    case failed(messageID: String, attempt: Int, reason: String, retryAfter: Date?)
}

/// Which mail log: the settings, or the outbox of one London day.
public enum MailLog: Sendable, Hashable {
    case settings
    case outbox(day: String)

    /// The log's directory, relative to the archive.
    public var directory: String {
        switch self {
        case .settings: "mail/settings"
        case .outbox(let day): "mail/outbox/\(day)"
        }
    }
}

/// One entry of a mail log (`docket-mail-1.xsd`), hash-chained like every Docket log.
public struct MailEntry: Sendable, Hashable, ChainedLogEntry {
    public var sequence: Int
    public var time: Date
    /// The Docket user or the operating-system account whose run wrote it.
    public var by: String
    public var previous: String
    public var record: MailRecord

    public init(sequence: Int, time: Date, by: String, previous: String, record: MailRecord) {
        self.sequence = sequence
        self.time = time
        self.by = by
        self.previous = previous
        self.record = record
    }
}
