import Foundation
import GRDB

/// An arrived email as the index lists it (a copy of its catalogue card in the archive).
public struct IndexedMessage: Sendable, Hashable {
    /// The SHA-256 of its `.eml`.
    public var sha256: String
    /// Its entry's number in the archive's arrival log.
    public var arrival: Int
    /// Without angle brackets.
    public var messageID: String?
    public var subject: String?
    /// The first From header, as written.
    public var sender: String?
    public var sent: Date?
    public var received: Date
    public var route: String
    /// The kinds of its flags (e.g. `unparsed`, `message-id-reused`).
    public var flags: [String]
    public var attachments: Int
    /// The Message-IDs it answers (In-Reply-To, then References).
    public var parents: [String]
    /// The submission it is filed to, when read back from the index (nil: unfiled).
    public var filedTo: String?

    public init(
        sha256: String, arrival: Int, messageID: String?, subject: String?, sender: String?, sent: Date?,
        received: Date, route: String, flags: [String], attachments: Int, parents: [String], filedTo: String? = nil
    ) {
        self.sha256 = sha256
        self.arrival = arrival
        self.messageID = messageID
        self.subject = subject
        self.sender = sender
        self.sent = sent
        self.received = received
        self.route = route
        self.flags = flags
        self.attachments = attachments
        self.parents = parents
        self.filedTo = filedTo
    }
}

extension SearchIndex {
    /// The arrival log entry the index has read up to: its number and its file's SHA-256.
    public func arrivalsRead() throws(IndexError) -> (sequence: Int, sha256: String)? {
        guard let value = try meta("arrivals-read") else { return nil }
        let parts = value.split(separator: ":")
        guard parts.count == 2, let sequence = Int(parts[0]) else { return nil }
        return (sequence, String(parts[1]))
    }

    /// Adds arrived messages read from the log, up to entry `sequence` (whose file has `sha256`).
    public func addArrivals(_ messages: [IndexedMessage], through sequence: Int, sha256: String) throws(IndexError) {
        try write { db in
            let insert = try db.cachedStatement(
                sql: """
                    INSERT OR REPLACE INTO message(sha256, arrival, message_id, subject, sender, sent, received,
                                                   route, flags, attachments)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                    """)
            let parent = try db.cachedStatement(
                sql: "INSERT OR IGNORE INTO message_parent(sha256, parent_id) VALUES (?, ?)")
            for message in messages {
                try insert.execute(arguments: [
                    message.sha256, message.arrival, message.messageID, message.subject, message.sender,
                    message.sent?.timeIntervalSince1970, message.received.timeIntervalSince1970, message.route,
                    message.flags.joined(separator: " "), message.attachments,
                ])
                for id in message.parents { try parent.execute(arguments: [message.sha256, id]) }
            }
            try db.execute(
                sql: "INSERT INTO meta(key, value) VALUES ('arrivals-read', ?) "
                    + "ON CONFLICT(key) DO UPDATE SET value = excluded.value",
                arguments: ["\(sequence):\(sha256)"])
        }
    }

    /// Forgets every arrived message (the log is read again from its start).
    public func forgetArrivals() throws(IndexError) {
        try write { db in
            try db.execute(
                sql: "DELETE FROM message; DELETE FROM message_parent; DELETE FROM meta WHERE key = 'arrivals-read'")
        }
    }

    private static let messageColumns = """
        SELECT m.sha256, m.arrival, m.message_id, m.subject, m.sender, m.sent, m.received, m.route, m.flags,
               m.attachments,
               (SELECT group_concat(parent_id, ' ') FROM message_parent p WHERE p.sha256 = m.sha256),
               (SELECT s.reference FROM document d JOIN submission s ON s.id = d.submission_id
                WHERE d.sha256 = m.sha256 AND d.kind = 'correspondence' AND d.media_type = 'message/rfc822'
                ORDER BY s.reference LIMIT 1)
        FROM message m
        """

    private static func message(_ row: Row) -> IndexedMessage {
        IndexedMessage(
            sha256: row[0], arrival: row[1], messageID: row[2], subject: row[3], sender: row[4],
            sent: (row[5] as Double?).map(Date.init(timeIntervalSince1970:)),
            received: Date(timeIntervalSince1970: row[6]), route: row[7],
            flags: (row[8] as String).split(separator: " ").map(String.init), attachments: row[9],
            parents: ((row[10] as String?) ?? "").split(separator: " ").map(String.init), filedTo: row[11])
    }

    /// One arrived message, with where it is filed.
    public func arrivedMessage(_ sha256: String) throws(IndexError) -> IndexedMessage? {
        try read { db in
            try Row.fetchOne(db, sql: Self.messageColumns + " WHERE m.sha256 = ?", arguments: [sha256]).map(
                Self.message)
        }
    }

    /// The arrived messages with this Message-ID, oldest first.
    public func arrivedMessages(withID messageID: String) throws(IndexError) -> [IndexedMessage] {
        try read { db in
            try Row.fetchAll(
                db, sql: Self.messageColumns + " WHERE m.message_id = ? ORDER BY m.arrival", arguments: [messageID]
            ).map(Self.message)
        }
    }

    /// The arrived messages whose SHA-256 starts with `prefix` (lower-case hex), at most `limit`.
    public func arrivedMessages(withSHA256Prefix prefix: String, limit: Int) throws(IndexError) -> [IndexedMessage] {
        guard prefix.allSatisfy(\.isHexDigit) else { return [] }
        return try read { db in
            // A range on the primary key (hex sorts as text): no scan of every message.
            try Row.fetchAll(
                db, sql: Self.messageColumns + " WHERE m.sha256 >= ? AND m.sha256 < ? ORDER BY m.sha256 LIMIT ?",
                arguments: [prefix, prefix + "g", limit]
            ).map(Self.message)
        }
    }

    /// The arrived messages that answer one of these Message-IDs, oldest first.
    public func replies(to messageIDs: [String]) throws(IndexError) -> [IndexedMessage] {
        guard !messageIDs.isEmpty else { return [] }
        return try read { db in
            let marks = Array(repeating: "?", count: messageIDs.count).joined(separator: ", ")
            return try Row.fetchAll(
                db,
                sql: Self.messageColumns
                    + " WHERE m.sha256 IN (SELECT sha256 FROM message_parent WHERE parent_id IN (\(marks)))"
                    + " ORDER BY m.arrival",
                arguments: StatementArguments(messageIDs)
            ).map(Self.message)
        }
    }

    /// Messages filed to no submission, oldest first.
    public func unfiledMessages(limit: Int = 500) throws(IndexError) -> [IndexedMessage] {
        try read { db in
            try Row.fetchAll(
                db,
                sql: Self.messageColumns
                    + """
                     WHERE NOT EXISTS (SELECT 1 FROM document d WHERE d.sha256 = m.sha256
                                       AND d.kind = 'correspondence' AND d.media_type = 'message/rfc822')
                     ORDER BY m.arrival LIMIT ?
                    """,
                arguments: [limit]
            ).map(Self.message)
        }
    }

    /// Every arrived message, newest first, a page at a time.
    public func arrivedMessages(limit: Int = 200, offset: Int = 0) throws(IndexError) -> [IndexedMessage] {
        try read { db in
            try Row.fetchAll(
                db, sql: Self.messageColumns + " ORDER BY m.arrival DESC LIMIT ? OFFSET ?", arguments: [limit, offset]
            ).map(Self.message)
        }
    }
}
