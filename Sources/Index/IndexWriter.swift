import Foundation
import GRDB

/// Writes submissions' rows inside a transaction the caller holds.
///
/// Document ids (which are the FTS rowids) run *down* with time: a new document takes an id
/// below every existing one, so ascending id order is newest first. FTS5 walks doclists in
/// ascending rowid order lazily, stopping when it has enough; walking them in descending
/// order loads a term's whole doclist first — at a million documents, 50 ms and hundreds of
/// megabytes for a common word. FTS5 also writes a new segment whenever a rowid is not above
/// the last one written in the transaction, so within a transaction ids are handed out
/// ascending: each transaction takes a block below the current minimum and fills it newest
/// first.
struct IndexWriter {
    let db: Database
    /// The word counts, changed with every text written or removed and written by `finish()`.
    let statistics: TermStatistics

    init(db: Database, stems: StemCache) throws {
        self.db = db
        statistics = try TermStatistics(db, stems: stems)
    }

    /// Writes what the changes did to the word counts: call once, after the last change.
    func finish() throws {
        try statistics.flush(db)
    }

    /// The id the first document ever indexed gets (ids count down from here).
    static let firstID: Int64 = 1 << 53

    private struct Pending {
        var document: IndexedDocument
        var submissionID: Int64
        var context: String
        var facets: String
        var position: Int
    }

    func replace(_ submissions: [IndexedSubmission]) throws {
        var fresh: [Pending] = []
        var updates: [(id: Int64, pending: Pending)] = []
        var position = 0
        for submission in submissions {
            let id = try upsertSubmission(submission)
            try db.execute(sql: "DELETE FROM unreadable WHERE reference = ?", arguments: [submission.reference])
            try db.execute(sql: "DELETE FROM event WHERE submission_id = ?", arguments: [id])
            let insertEvent = try db.cachedStatement(
                sql: """
                    INSERT INTO event(submission_id, sequence, name, from_state, to_state, time, user, role,
                                      on_behalf_of, comment, file_sha256)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                    """)
            for event in submission.events {
                try insertEvent.execute(arguments: [
                    id, event.sequence, event.name, event.fromState, event.toState, event.time.timeIntervalSince1970,
                    event.user, event.role, event.onBehalfOf, event.comment, event.fileSHA256,
                ])
            }
            var existing: [String: Int64] = [:]
            for row in try Row.fetchAll(
                db, sql: "SELECT sha256, id FROM document WHERE submission_id = ?", arguments: [id])
            {
                existing[row[0]] = row[1]
            }
            let context = Self.context(of: submission)
            for document in submission.documents {
                let pending = Pending(
                    document: document, submissionID: id, context: context,
                    facets: SearchFacets.tokens(of: document, in: submission), position: position)
                position += 1
                if let documentID = existing.removeValue(forKey: document.sha256) {
                    updates.append((documentID, pending))
                } else {
                    fresh.append(pending)
                }
            }
            for (_, documentID) in existing { try deleteDocument(documentID) }
        }
        // Newest first (later added, then later in the pack), into a block below every id.
        fresh.sort { ($0.document.added, $0.position) > ($1.document.added, $1.position) }
        let lowest = try Int64.fetchOne(db, sql: "SELECT min(id) FROM document") ?? Self.firstID
        var next = lowest - Int64(fresh.count)
        for pending in fresh {
            try insertDocument(pending, id: next)
            next += 1
        }
        for (id, pending) in updates.sorted(by: { $0.id < $1.id }) {
            try updateDocument(id, pending.document, context: pending.context, facets: pending.facets)
        }
    }

    func remove(_ reference: String) throws {
        guard
            let id = try Int64.fetchOne(
                db, sql: "SELECT id FROM submission WHERE reference = ?", arguments: [reference])
        else { return }
        for documentID in try Int64.fetchAll(
            db, sql: "SELECT id FROM document WHERE submission_id = ?", arguments: [id])
        {
            try deleteText(documentID)
        }
        try db.execute(sql: "DELETE FROM submission WHERE id = ?", arguments: [id])
    }

    /// Words that should find a document besides its own text: its submission's reference,
    /// title and series, and its file name. (Not the service: "governance" would then match
    /// every document the governance team files.)
    static func context(of submission: IndexedSubmission) -> String {
        [submission.reference, submission.title, submission.series].compactMap { $0 }.joined(separator: " \u{2014} ")
    }

    private func upsertSubmission(_ submission: IndexedSubmission) throws -> Int64 {
        let arguments: StatementArguments = [
            submission.title, submission.series, submission.service, submission.workflow, submission.state,
            submission.isFinal, submission.sequence, submission.created.timeIntervalSince1970,
            submission.lastActivity.timeIntervalSince1970, submission.deadline, submission.imported,
            submission.meeting, submission.fingerprint, submission.reference,
        ]
        if let id = try Int64.fetchOne(
            db, sql: "SELECT id FROM submission WHERE reference = ?", arguments: [submission.reference])
        {
            try db.cachedStatement(
                sql: """
                    UPDATE submission SET title = ?, series = ?, service = ?, workflow = ?, state = ?, is_final = ?,
                        sequence = ?, created = ?, last_activity = ?, deadline = ?, imported = ?, meeting = ?,
                        fingerprint = ?
                    WHERE reference = ?
                    """
            ).execute(arguments: arguments)
            return id
        }
        try db.cachedStatement(
            sql: """
                INSERT INTO submission(title, series, service, workflow, state, is_final, sequence, created,
                                       last_activity, deadline, imported, meeting, fingerprint, reference)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """
        ).execute(arguments: arguments)
        return db.lastInsertedRowID
    }

    private func metadataArguments(_ document: IndexedDocument) -> [(any DatabaseValueConvertible)?] {
        [
            document.title, document.kind, document.date, document.creator,
            document.addressees.joined(separator: "\n"), document.direction, document.annex, document.mediaType,
            document.size, document.originalFileName, document.storedAs, document.description,
            document.added.timeIntervalSince1970, document.addedBy, document.marking,
        ]
    }

    private func insertDocument(_ pending: Pending, id: Int64) throws {
        let document = pending.document
        let text = document.text ?? DocumentText(body: "", notExtractedReason: "text not yet extracted")
        try db.cachedStatement(
            sql: """
                INSERT INTO document(title, kind, date, creator, addressees, direction, annex, media_type, size,
                                     original_file_name, stored_as, description, added, added_by, marking,
                                     submission_id, sha256, text_note, id)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """
        ).execute(
            arguments: StatementArguments(
                metadataArguments(document) + [pending.submissionID, document.sha256, text.notExtractedReason, id]))
        try insertRelations(document, id: id)
        try insertText(document, id: id, body: text.body, context: pending.context, facets: pending.facets)
    }

    private func updateDocument(_ id: Int64, _ document: IndexedDocument, context: String, facets: String) throws {
        try db.cachedStatement(
            sql: """
                UPDATE document SET title = ?, kind = ?, date = ?, creator = ?, addressees = ?, direction = ?,
                    annex = ?, media_type = ?, size = ?, original_file_name = ?, stored_as = ?, description = ?,
                    added = ?, added_by = ?, marking = ?
                WHERE id = ?
                """
        ).execute(arguments: StatementArguments(metadataArguments(document) + [id]))
        try db.execute(sql: "DELETE FROM relation WHERE document_id = ?", arguments: [id])
        try insertRelations(document, id: id)
        if let text = document.text {
            try db.execute(
                sql: "UPDATE document SET text_note = ? WHERE id = ?", arguments: [text.notExtractedReason, id])
        }
        try updateText(id, document, context: context, facets: facets)
    }

    /// Brings a document's row of the text table to its columns now, doing only what changed.
    ///
    /// Why not always delete and insert: a refresh after a fire passes every document of the
    /// submission again, and the usual change is the state in `facets` alone. Counting a text's
    /// words out and in again (Swift, on the writer) cost as much as the text is long for each
    /// document on every fire; unchanged columns leave the counts as they are, and a row whose
    /// facets are unchanged too is not touched.
    private func updateText(_ id: Int64, _ document: IndexedDocument, context: String, facets: String) throws {
        let stored = try Row.fetchOne(
            db, sql: "SELECT title, body, parties, context, facets FROM document_text WHERE rowid = ?", arguments: [id])
        let storedColumns = stored.map { row in (0..<4).map { (row[$0] as String?) ?? "" } }
        let body = document.text?.body ?? storedColumns?[1] ?? ""
        let columns = Self.textColumns(of: document, body: body, context: context)
        guard let storedColumns, storedColumns == columns else {
            try deleteText(id)
            try insertText(document, id: id, body: body, context: context, facets: facets)
            return
        }
        try statistics.keep(document.countedText)
        guard (stored?[4] as String?) != facets else { return }
        try db.execute(sql: "DELETE FROM document_text WHERE rowid = ?", arguments: [id])
        try writeText(id: id, columns: columns, facets: facets)
    }

    /// Removes a document's text, counting its words out as the table held them.
    private func deleteText(_ id: Int64) throws {
        if let row = try Row.fetchOne(
            db, sql: "SELECT title, body, parties, context FROM document_text WHERE rowid = ?", arguments: [id])
        {
            try statistics.count((0..<4).map { (row[$0] as String?) ?? "" }, sign: -1)
        }
        try db.execute(sql: "DELETE FROM document_text WHERE rowid = ?", arguments: [id])
    }

    private func deleteDocument(_ id: Int64) throws {
        try deleteText(id)
        try db.execute(sql: "DELETE FROM document WHERE id = ?", arguments: [id])
    }

    private func insertRelations(_ document: IndexedDocument, id: Int64) throws {
        let statement = try db.cachedStatement(
            sql: "INSERT OR IGNORE INTO relation(document_id, kind, target_sha256) VALUES (?, ?, ?)")
        for relation in document.relations {
            try statement.execute(arguments: [id, relation.kind, relation.target])
        }
    }

    /// A document's searchable columns as the text table holds them: title, body, parties and
    /// context (its submission's, then its annex letter and file name).
    static func textColumns(of document: IndexedDocument, body: String, context: String) -> [String] {
        let contextWithFile = [context, document.annex.map { "Annex \($0)" }, document.originalFileName]
            .compactMap { $0 }.joined(separator: " \u{2014} ")
        return [document.title, body, document.parties.joined(separator: "; "), contextWithFile]
    }

    private func insertText(
        _ document: IndexedDocument, id: Int64, body: String, context: String, facets: String
    ) throws {
        let columns = Self.textColumns(of: document, body: body, context: context)
        try writeText(id: id, columns: columns, facets: facets)
        try statistics.count(columns, of: document.countedText, sign: 1)
    }

    /// Inserts a text row as given; the caller keeps the word counts.
    private func writeText(id: Int64, columns: [String], facets: String) throws {
        try db.cachedStatement(
            sql: "INSERT INTO document_text(rowid, title, body, parties, context, facets) VALUES (?, ?, ?, ?, ?, ?)"
        ).execute(arguments: [id, columns[0], columns[1], columns[2], columns[3], facets])
    }
}
