import Foundation
import XML

extension ArchiveStore {
    /// A mail log entry as read: the entry, its file's SHA-256 and path.
    public struct ReadMailEntry: Sendable {
        public var entry: MailEntry
        public var fileSHA256: String
        public var path: String
    }

    /// The days (`YYYY-MM-DD`) that have an outbox log, in order.
    public func outboxDays() -> [String] {
        DurableFile.list("\(root)/mail/outbox").filter { CalendarDayName.isValid($0) }
    }

    /// Every entry of a mail log in order, validated, with the hash chain checked; none if the
    /// log does not exist.
    public func mailEntries(_ log: MailLog) throws(ArchiveError) -> [ReadMailEntry] {
        if case .outbox(let day) = log, !CalendarDayName.isValid(day) {
            throw .invalidInput("'\(day)' is not an outbox day (YYYY-MM-DD)")
        }
        let directory = "\(root)/\(log.directory)"
        guard DurableFile.exists(directory) else { return [] }
        let read = try readChainedLog(
            directory, schema: try familySchemas.require(.mail, root: root), namespace: MailXML.namespace.uri,
            as: MailEntry.self, isEntry: { !$0.hasPrefix(".") && $0.hasSuffix(".xml") })
        return read.map { ReadMailEntry(entry: $0.entry, fileSHA256: $0.fileSHA256, path: $0.path) }
    }

    /// Appends an entry to a mail log, never replacing a file.
    ///
    /// - Throws: `.conflict` if another writer wrote that entry first.
    @discardableResult
    public func appendMailEntry(_ entry: MailEntry, to log: MailLog) throws(ArchiveError) -> String {
        try appendChainedLogEntry(
            entry.xml, sequence: entry.sequence, in: "\(root)/\(log.directory)",
            schema: try familySchemas.require(.mail, root: root), logName: log.directory, time: entry.time)
    }

    /// Stores a message's bytes beside its day's outbox log as `SHA256.eml` (idempotent).
    ///
    /// - Returns: the SHA-256.
    @discardableResult
    public func storeOutboxMessage(_ bytes: [UInt8], day: String) throws(ArchiveError) -> String {
        guard CalendarDayName.isValid(day) else { throw .invalidInput("'\(day)' is not an outbox day") }
        let sha = Self.sha256(bytes)
        let directory = "\(root)/mail/outbox/\(day)"
        try DurableFile.makeDirectory(directory)
        do {
            try DurableFile.create(bytes, at: "\(directory)/\(sha).eml")
        } catch .alreadyExists {
            guard Self.sha256(try DurableFile.read("\(directory)/\(sha).eml")) == sha else {
                throw .damaged(path: "\(directory)/\(sha).eml", reason: "exists with different content")
            }
        }
        return sha
    }

    /// A stored message's bytes, checked against its name.
    public func outboxMessage(_ sha256: String, day: String) throws(ArchiveError) -> [UInt8] {
        guard CalendarDayName.isValid(day), Self.isSHA256(sha256) else {
            throw .invalidInput("no such outbox message")
        }
        let path = "\(root)/mail/outbox/\(day)/\(sha256).eml"
        let bytes = try DurableFile.read(path)
        guard Self.sha256(bytes) == sha256 else { throw .damaged(path: path, reason: "content changed") }
        return bytes
    }

    /// Takes the outbox's lock: held around each hand-over, so that two schedulers (or a
    /// scheduler and the web app) never hand over the same message at once.
    public func lockOutbox() throws(ArchiveError) -> SubmissionLock {
        try DurableFile.makeDirectory("\(root)/mail")
        return try Self.exclusiveLock(at: "\(root)/mail/.lock")
    }
}

/// `YYYY-MM-DD`, the name of an outbox day.
enum CalendarDayName {
    static func isValid(_ name: String) -> Bool {
        let bytes = Array(name.utf8)
        guard bytes.count == 10, bytes[4] == UInt8(ascii: "-"), bytes[7] == UInt8(ascii: "-") else { return false }
        return bytes.enumerated().allSatisfy { index, byte in
            index == 4 || index == 7 || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte)
        }
    }
}
