import Foundation
import GRDB

/// The index: a SQLite file (FTS5) caching what an archive holds, so that listing and finding
/// correspondence does not mean reading every XML file.
///
/// It is never the truth. Everything in it was put there from the archive, and DocketKit can
/// rebuild it from the archive alone; a damaged or out-of-date index file is thrown away.
/// Many processes may read it while one writes (SQLite WAL).
public final class SearchIndex: Sendable {
    /// Where the file lives.
    public let path: String
    /// Whether this is a new index being built in bulk (see `init(buildingAt:)`): writers then
    /// group many submissions per transaction.
    public let isBuilding: Bool
    /// Names this open handle (not the file): views cached against a generation of one handle
    /// are never taken for another's, whose count starts again.
    public let instance = UUID()
    let database: any DatabaseWriter
    /// Words' stems, kept between this handle's write transactions (see `TermStatistics`).
    let stemCache = StemCache()
    /// The file's device and inode when it was opened.
    private let opened: (device: UInt64, inode: UInt64)?

    /// Opens (creating if needed) the index at `path` and brings its tables up to date.
    ///
    /// - Throws: `IndexError.unusable` when the file is not an index this Docket can use
    ///   (not SQLite, damaged, written by a newer Docket). Callers rebuild it.
    public init(path: String) throws(IndexError) {
        self.path = path
        isBuilding = false
        do {
            var configuration = Configuration()
            configuration.foreignKeysEnabled = true
            // A writer in another process (a CLI command while the web app runs) waits, it does not fail.
            configuration.busyMode = .timeout(10)
            configuration.prepareDatabase { db in
                try db.execute(sql: "PRAGMA synchronous = NORMAL")
                try RankFunction.register(on: db)
            }
            let pool = try DatabasePool(path: path, configuration: configuration)
            let migrator = IndexSchema.migrator
            if try pool.read({ try migrator.hasBeenSuperseded($0) }) {
                throw IndexError.unusable(path: path, reason: "written by a newer version of Docket")
            }
            try migrator.migrate(pool)
            try pool.read { db in
                // A file that opens but whose FTS table is damaged shows here, not in the middle of a search.
                _ = try Int.fetchOne(db, sql: "SELECT count(*) FROM document_text WHERE rowid = 0")
            }
            database = pool
            opened = Self.fileIdentity(path)
        } catch let error as IndexError {
            throw error
        } catch {
            throw .unusable(path: path, reason: Self.describe(error))
        }
    }

    /// Builds a new index at `path` (which must not exist) for a full rebuild: no journal and no
    /// syncing, since an interrupted build is simply thrown away. Call `finish()` when done.
    public init(buildingAt path: String) throws(IndexError) {
        self.path = path
        isBuilding = true
        do {
            var configuration = Configuration()
            configuration.foreignKeysEnabled = true
            configuration.prepareDatabase { db in
                try db.execute(sql: "PRAGMA journal_mode = OFF; PRAGMA synchronous = OFF")
                try RankFunction.register(on: db)
            }
            let queue = try DatabaseQueue(path: path, configuration: configuration)
            try IndexSchema.migrator.migrate(queue)
            // FTS5 merges its segments as it goes (four at a time), so a bulk build rewrites
            // every word's postings again at each level, and `finish()` merges them all once
            // more. Building, it merges only when 64 segments pile up; `finish()` restores the
            // defaults. At 100,000 documents: the writer's time 47 s → 36 s.
            try queue.write { db in
                try db.execute(sql: "INSERT INTO document_text(document_text, rank) VALUES ('automerge', 0)")
                try db.execute(sql: "INSERT INTO document_text(document_text, rank) VALUES ('crisismerge', 64)")
            }
            database = queue
            opened = Self.fileIdentity(path)
        } catch {
            throw .unusable(path: path, reason: Self.describe(error))
        }
    }

    /// Merges the FTS index's segments (faster searches after a bulk build) and closes the file.
    public func finish() throws(IndexError) {
        try write { db in
            try db.execute(sql: "INSERT INTO document_text(document_text) VALUES ('optimize')")
            // FTS5's defaults again, for the live index's small transactions.
            try db.execute(sql: "INSERT INTO document_text(document_text, rank) VALUES ('automerge', 4)")
            try db.execute(sql: "INSERT INTO document_text(document_text, rank) VALUES ('crisismerge', 16)")
        }
        try close()
    }

    /// Makes text already removed from the index unrecoverable from its file: with SQLite's
    /// `secure_delete` on, merges the full-text index's segments (a deletion in FTS5 only adds
    /// a marker until the segments holding the words are rewritten), zeroing every page freed,
    /// then checkpoints the write-ahead log and empties it, since it holds old page images.
    /// Called after records are destroyed: their words must leave the disk, not only the results.
    public func purgeRemovedText() throws(IndexError) {
        do {
            try database.writeWithoutTransaction { db in
                try db.execute(sql: "PRAGMA secure_delete = ON")
                defer { try? db.execute(sql: "PRAGMA secure_delete = OFF") }
                try db.inTransaction {
                    try db.execute(sql: "INSERT INTO document_text(document_text) VALUES ('optimize')")
                    return .commit
                }
                if database is DatabasePool {
                    try db.execute(sql: "PRAGMA wal_checkpoint(TRUNCATE)")
                }
            }
        } catch {
            throw .failed(Self.describe(error))
        }
    }

    /// Closes the database; the object must not be used afterwards.
    public func close() throws(IndexError) {
        do {
            if let pool = database as? DatabasePool {
                try pool.close()
            } else if let queue = database as? DatabaseQueue {
                try queue.close()
            }
        } catch {
            throw .failed(Self.describe(error))
        }
    }

    /// Whether the file at `path` is still the one this handle opened: false once another
    /// process rebuilt the index (a rebuild moves a new file into place) or removed it.
    public var isCurrentFile: Bool {
        guard let opened, let now = Self.fileIdentity(path) else { return false }
        return opened == now
    }

    private static func fileIdentity(_ path: String) -> (device: UInt64, inode: UInt64)? {
        var info = stat()
        guard stat(path, &info) == 0 else { return nil }
        return (UInt64(info.st_dev), UInt64(info.st_ino))
    }

    // MARK: - Bookkeeping

    /// A value kept in the index's `meta` table (e.g. which archive it belongs to).
    public func meta(_ key: String) throws(IndexError) -> String? {
        try read { db in try String.fetchOne(db, sql: "SELECT value FROM meta WHERE key = ?", arguments: [key]) }
    }

    /// Sets a value in the `meta` table.
    public func setMeta(_ key: String, _ value: String) throws(IndexError) {
        try write { db in
            try db.execute(
                sql: "INSERT INTO meta(key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value",
                arguments: [key, value])
        }
    }

    /// A number that changes whenever anything is written to the index, by this process or
    /// another: views derived from the archive (agendas, deadlines) are cached against it.
    /// Zero for an index that was never written to.
    public func generation() throws(IndexError) -> Int {
        try read { db in
            try Int.fetchOne(db, sql: "SELECT CAST(value AS INTEGER) FROM meta WHERE key = 'generation'") ?? 0
        }
    }

    /// Records a change to the archive that the index holds nothing of (a board log entry),
    /// so that views cached against `generation()` are computed again.
    public func noteChange() throws(IndexError) {
        try write { _ in }
    }

    /// The fingerprint recorded for every submission the index knows, readable or not.
    public func fingerprints() throws(IndexError) -> [String: String] {
        try read { db in
            var result: [String: String] = [:]
            let rows = try Row.fetchCursor(
                db,
                sql:
                    "SELECT reference, fingerprint FROM submission UNION ALL SELECT reference, fingerprint FROM unreadable"
            )
            while let row = try rows.next() { result[row[0]] = row[1] }
            return result
        }
    }

    /// SHA-256s of the documents the index holds for a submission, with the reason their text
    /// was not extracted (nil when it was).
    public func indexedDocuments(of reference: String) throws(IndexError) -> [String: String?] {
        try read { db in
            var result: [String: String?] = [:]
            let rows = try Row.fetchCursor(
                db,
                sql: """
                    SELECT d.sha256, d.text_note FROM document d JOIN submission s ON s.id = d.submission_id
                    WHERE s.reference = ?
                    """, arguments: [reference])
            while let row = try rows.next() { result[row[0]] = .some(row[1]) }
            return result
        }
    }

    /// References of the submissions scheduled for a meeting now, sorted.
    public func references(scheduledFor meeting: String) throws(IndexError) -> [String] {
        try read { db in
            try String.fetchAll(
                db, sql: "SELECT reference FROM submission WHERE meeting = ? ORDER BY reference", arguments: [meeting])
        }
    }

    /// References of the submissions of a series, sorted.
    public func references(inSeries series: String) throws(IndexError) -> [String] {
        try read { db in
            try String.fetchAll(
                db, sql: "SELECT reference FROM submission WHERE series = ? ORDER BY reference", arguments: [series])
        }
    }

    /// One line of a list of submissions, straight from the index (no replay).
    public struct SubmissionLine: Sendable, Hashable {
        public var reference: String
        public var title: String
        public var workflow: String
        public var state: String
        public var isFinal: Bool
        /// `YYYY-MM-DD`, when its state has one.
        public var deadline: String?
        public var lastActivity: Date
    }

    /// Submissions in any of `states` (all when nil), most recently active first.
    public func submissionLines(inStates states: [String]? = nil, limit: Int = 200, offset: Int = 0) throws(IndexError)
        -> [SubmissionLine]
    {
        let columns = "SELECT reference, title, workflow, state, is_final, deadline, last_activity FROM submission"
        let order = "ORDER BY last_activity DESC, reference"
        func line(_ row: Row) -> SubmissionLine {
            SubmissionLine(
                reference: row[0], title: row[1], workflow: row[2], state: row[3], isFinal: row[4], deadline: row[5],
                lastActivity: Date(timeIntervalSince1970: row[6]))
        }
        return try read { db in
            guard let states else {
                return try Row.fetchAll(db, sql: "\(columns) \(order) LIMIT ? OFFSET ?", arguments: [limit, offset])
                    .map(line)
            }
            let distinct = Set(states)
            if distinct.count == 1, let state = distinct.first {
                return try Row.fetchAll(
                    db, sql: "\(columns) WHERE state = ? \(order) LIMIT ? OFFSET ?", arguments: [state, limit, offset]
                ).map(line)
            }
            // One walk down the (state, recency) index per state, each stopping at the page's end,
            // then merged: SQLite would otherwise sort every submission in those states.
            var merged: [SubmissionLine] = []
            for state in distinct {
                merged += try Row.fetchAll(
                    db, sql: "\(columns) WHERE state = ? \(order) LIMIT ?", arguments: [state, limit + offset]
                ).map(line)
            }
            merged.sort { ($0.lastActivity, $1.reference) > ($1.lastActivity, $0.reference) }
            return Array(merged.dropFirst(offset).prefix(limit))
        }
    }

    /// How many submissions are in each state.
    public func stateCounts() throws(IndexError) -> [(state: String, count: Int)] {
        try read { db in
            try Row.fetchAll(db, sql: "SELECT state, count(*) FROM submission GROUP BY state ORDER BY state").map {
                (state: $0[0], count: $0[1])
            }
        }
    }

    /// A submission that has to leave its state by a date.
    public struct OpenDeadline: Sendable, Hashable {
        public var reference: String
        public var title: String
        public var workflow: String
        public var state: String
        /// `YYYY-MM-DD`.
        public var deadline: String
    }

    /// Submissions not in a final state whose state has a deadline, soonest first: all of them,
    /// or those due by `through` (`YYYY-MM-DD`, overdue ones included), at most `limit`.
    public func openDeadlines(through: String? = nil, limit: Int? = nil) throws(IndexError) -> [OpenDeadline] {
        try read { db in
            try Row.fetchAll(
                db,
                sql: """
                    SELECT reference, title, workflow, state, deadline FROM submission
                    WHERE is_final = 0 AND deadline IS NOT NULL AND deadline <= ? ORDER BY deadline, reference LIMIT ?
                    """, arguments: [through ?? "9999-12-31", limit ?? -1]
            ).map { OpenDeadline(reference: $0[0], title: $0[1], workflow: $0[2], state: $0[3], deadline: $0[4]) }
        }
    }

    /// Open submissions that were active between `activeSince` and `activeUntil` or whose
    /// deadline falls between `deadlineFrom` and `deadlineThrough` (`YYYY-MM-DD`): all that mail
    /// may be due about, so that a notify pass reads only these from the archive.
    public func notificationCandidates(
        activeSince: Date, activeUntil: Date, deadlineFrom: String, deadlineThrough: String
    ) throws(IndexError) -> [String] {
        try read { db in
            try String.fetchAll(
                db,
                sql: """
                    SELECT reference FROM submission WHERE is_final = 0
                    AND (last_activity BETWEEN ? AND ? OR (deadline IS NOT NULL AND deadline BETWEEN ? AND ?))
                    ORDER BY reference
                    """,
                arguments: [
                    activeSince.timeIntervalSince1970, activeUntil.timeIntervalSince1970, deadlineFrom,
                    deadlineThrough,
                ])
        }
    }

    /// The text the index extracted from a document (nil when there was none, with the reason
    /// in `note`); nil when the index does not hold the document.
    public func documentText(of reference: String, sha256: String) throws(IndexError) -> (text: String?, note: String?)?
    {
        try read { db in
            try Row.fetchOne(
                db,
                sql: """
                    SELECT t.body, d.text_note FROM document d JOIN submission s ON s.id = d.submission_id
                    LEFT JOIN document_text t ON t.rowid = d.id WHERE s.reference = ? AND d.sha256 = ?
                    """, arguments: [reference, sha256]
            ).map { row in
                let note: String? = row[1]
                let body: String? = row[0]
                return (note == nil ? body : nil, note)
            }
        }
    }

    /// Whether the index holds a document of this kind and description for a submission.
    public func hasDocument(of reference: String, kind: String, description: String) throws(IndexError) -> Bool {
        try read { db in
            try Bool.fetchOne(
                db,
                sql: """
                    SELECT EXISTS (SELECT 1 FROM document d JOIN submission s ON s.id = d.submission_id
                    WHERE s.reference = ? AND d.kind = ? AND d.description = ?)
                    """, arguments: [reference, kind, description]) ?? false
        }
    }

    /// Submissions the index could not read at the last sync, with the reason.
    public func unreadableSubmissions() throws(IndexError) -> [(reference: String, reason: String)] {
        try read { db in
            try Row.fetchAll(db, sql: "SELECT reference, reason FROM unreadable ORDER BY reference").map {
                (reference: $0[0], reason: $0[1])
            }
        }
    }

    // MARK: - Writing

    /// Puts each submission in the index as given, replacing what it held for them, in one
    /// transaction. Documents keep their ids (and their text when `text` is nil). `counted`:
    /// their words as counted ahead (`WordCounter.take()` after `count(_:)`), if they were.
    public func replace(_ submissions: [IndexedSubmission], counted: WordCounts = WordCounts()) throws(IndexError) {
        try write { db in
            let writer = try IndexWriter(db: db, stems: stemCache)
            writer.statistics.add(counted)
            try writer.replace(submissions)
            try writer.finish()
        }
    }

    /// Records that a submission could not be read (and drops what the index held for it).
    public func markUnreadable(_ reference: String, reason: String, fingerprint: String) throws(IndexError) {
        try write { db in
            let writer = try IndexWriter(db: db, stems: stemCache)
            try writer.remove(reference)
            try writer.finish()
            try db.execute(
                sql: """
                    INSERT INTO unreadable(reference, reason, fingerprint) VALUES (?, ?, ?)
                    ON CONFLICT(reference) DO UPDATE SET reason = excluded.reason, fingerprint = excluded.fingerprint
                    """, arguments: [reference, reason, fingerprint])
        }
    }

    /// Forgets submissions that are no longer in the archive.
    public func remove(_ references: [String]) throws(IndexError) {
        try write { db in
            let writer = try IndexWriter(db: db, stems: stemCache)
            for reference in references {
                try writer.remove(reference)
                try db.execute(sql: "DELETE FROM unreadable WHERE reference = ?", arguments: [reference])
            }
            try writer.finish()
        }
    }

    // MARK: - Plumbing

    func read<Value>(_ body: (Database) throws -> Value) throws(IndexError) -> Value {
        do {
            return try database.read(body)
        } catch let error as IndexError {
            throw error
        } catch {
            throw .failed(Self.describe(error))
        }
    }

    func write<Value>(_ body: (Database) throws -> Value) throws(IndexError) -> Value {
        do {
            return try database.write { db in
                let value = try body(db)
                // In the same transaction, so that a reader never sees the change without the new number.
                try db.execute(
                    sql: """
                        INSERT INTO meta(key, value) VALUES ('generation', '1')
                        ON CONFLICT(key) DO UPDATE SET value = CAST(value AS INTEGER) + 1
                        """)
                return value
            }
        } catch let error as IndexError {
            throw error
        } catch {
            throw .failed(Self.describe(error))
        }
    }

    static func describe(_ error: any Error) -> String {
        if let error = error as? DatabaseError { return error.message ?? "SQLite error \(error.resultCode)" }
        return "\(error)"
    }
}

/// What can go wrong with the index. Never a reason to refuse archiving: the archive is the truth.
public enum IndexError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The file cannot serve as this Docket's index; rebuild it.
    case unusable(path: String, reason: String)
    /// A search query that cannot be understood, with what is wrong and where.
    case badQuery(String)
    /// A search filter that cannot be used (e.g. a date that is not YYYY-MM-DD).
    case badFilter(String)
    /// SQLite failed (disk full, I/O error).
    case failed(String)

    public var description: String {
        switch self {
        case .unusable(let path, let reason): "the index \(path) cannot be used (\(reason))"
        case .badQuery(let message): "bad search query: \(message)"
        case .badFilter(let message): "bad search filter: \(message)"
        case .failed(let message): "the index failed: \(message)"
        }
    }
}
