import GRDB

/// The index's tables, as named migrations. The index is a cache: a migration that cannot run
/// (or an index written by a newer Docket) is answered by rebuilding it from the archive.
enum IndexSchema {
    static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1-archive-cache-newest-lowest") { db in
            try db.execute(
                sql: """
                    CREATE TABLE meta (
                        key TEXT PRIMARY KEY NOT NULL,
                        value TEXT NOT NULL
                    ) WITHOUT ROWID;

                    CREATE TABLE submission (
                        id INTEGER PRIMARY KEY,
                        reference TEXT NOT NULL UNIQUE,
                        title TEXT NOT NULL,
                        series TEXT,
                        service TEXT,
                        workflow TEXT NOT NULL,
                        state TEXT NOT NULL,
                        is_final INTEGER NOT NULL CHECK (is_final IN (0, 1)),
                        sequence INTEGER NOT NULL CHECK (sequence >= 0),
                        created REAL NOT NULL,
                        last_activity REAL NOT NULL,
                        deadline TEXT,
                        imported INTEGER NOT NULL CHECK (imported IN (0, 1)),
                        fingerprint TEXT NOT NULL
                    );
                    CREATE INDEX submission_state ON submission(state);
                    CREATE INDEX submission_series ON submission(series);
                    CREATE INDEX submission_deadline ON submission(deadline) WHERE deadline IS NOT NULL;

                    CREATE TABLE event (
                        submission_id INTEGER NOT NULL REFERENCES submission(id) ON DELETE CASCADE,
                        sequence INTEGER NOT NULL,
                        name TEXT NOT NULL,
                        from_state TEXT,
                        to_state TEXT,
                        time REAL NOT NULL,
                        user TEXT NOT NULL,
                        role TEXT,
                        on_behalf_of TEXT,
                        comment TEXT,
                        file_sha256 TEXT NOT NULL,
                        PRIMARY KEY (submission_id, sequence)
                    ) WITHOUT ROWID;

                    -- Document ids are FTS rowids. They count down as documents are added, so
                    -- ascending id order is newest first (see IndexWriter for why).
                    CREATE TABLE document (
                        id INTEGER PRIMARY KEY,
                        submission_id INTEGER NOT NULL REFERENCES submission(id) ON DELETE CASCADE,
                        sha256 TEXT NOT NULL,
                        title TEXT NOT NULL,
                        kind TEXT NOT NULL,
                        date TEXT,
                        creator TEXT,
                        addressees TEXT NOT NULL,
                        direction TEXT NOT NULL,
                        annex TEXT,
                        media_type TEXT NOT NULL,
                        size INTEGER NOT NULL CHECK (size >= 0),
                        original_file_name TEXT NOT NULL,
                        stored_as TEXT NOT NULL,
                        description TEXT,
                        added REAL NOT NULL,
                        added_by TEXT NOT NULL,
                        text_note TEXT,
                        UNIQUE (submission_id, sha256)
                    );
                    CREATE INDEX document_sha256 ON document(sha256);
                    CREATE INDEX document_kind_date ON document(kind, date);
                    CREATE INDEX document_date ON document(date);

                    CREATE TABLE relation (
                        document_id INTEGER NOT NULL REFERENCES document(id) ON DELETE CASCADE,
                        kind TEXT NOT NULL,
                        target_sha256 TEXT NOT NULL,
                        PRIMARY KEY (document_id, kind, target_sha256)
                    ) WITHOUT ROWID;
                    CREATE INDEX relation_target ON relation(target_sha256);

                    -- Submissions the last sync could not read (a damaged chain, an invalid file).
                    CREATE TABLE unreadable (
                        reference TEXT PRIMARY KEY NOT NULL,
                        reason TEXT NOT NULL,
                        fingerprint TEXT NOT NULL
                    ) WITHOUT ROWID;

                    -- The searchable text, rowid = document.id. Porter stemming so "councils"
                    -- finds "council"; diacritics folded so "Regeneration" and "régénération" meet.
                    -- `facets` holds one made-up token per filterable fact (kind, series, state,
                    -- year, month: see SearchFacets), so that filters are FTS5 terms intersected
                    -- inside the full-text index rather than joins applied to every match.
                    CREATE VIRTUAL TABLE document_text USING fts5(
                        title, body, parties, context, facets,
                        tokenize = 'porter unicode61 remove_diacritics 2'
                    );
                    -- Title and parties weigh more than body text in BM25; facets weigh nothing.
                    INSERT INTO document_text(document_text, rank) VALUES ('rank', 'bm25(4.0, 1.0, 2.0, 1.5, 0.0)');
                    """)
        }
        migrator.registerMigration("v2-submission-meeting") { db in
            // Agendas are found by the meeting a submission is scheduled for. Rows written before
            // this column existed do not know it: a changed fingerprint makes the next sync
            // re-read every submission.
            try db.execute(
                sql: """
                    ALTER TABLE submission ADD COLUMN meeting TEXT;
                    CREATE INDEX submission_meeting ON submission(meeting) WHERE meeting IS NOT NULL;
                    UPDATE submission SET fingerprint = 'before-v2:' || fingerprint;
                    UPDATE unreadable SET fingerprint = 'before-v2:' || fingerprint;
                    """)
        }
        migrator.registerMigration("v3-recent-by-state") { db in
            // Lists are "most recently active first", whole or by state: both read in index order
            // and stop at the page, instead of sorting every match (45 ms at 125,000 submissions).
            try db.execute(
                sql: """
                    CREATE INDEX submission_recent ON submission(last_activity DESC, reference);
                    CREATE INDEX submission_state_recent ON submission(state, last_activity DESC, reference);
                    """)
        }
        migrator.registerMigration("v4-document-marking") { db in
            // Searches by someone not cleared for marked documents leave them out in SQL, so the
            // index keeps each document's protective marking. Rows written before this column
            // existed say OFFICIAL until re-read: a changed fingerprint makes the next sync
            // re-read every submission (and a search is brought up to date before it runs).
            try db.execute(
                sql: """
                    ALTER TABLE document ADD COLUMN marking TEXT NOT NULL DEFAULT 'OFFICIAL';
                    UPDATE submission SET fingerprint = 'before-v4:' || fingerprint;
                    UPDATE unreadable SET fingerprint = 'before-v4:' || fingerprint;
                    """)
        }
        migrator.registerMigration("v5-arrived-messages") { db in
            // Email that arrived (the archive's correspondence log), read on incrementally: which
            // messages wait unfiled, which Message-IDs are known (duplicates, threads). Whether a
            // message is filed, and where, is in `document` (its .eml, kind correspondence).
            try db.execute(
                sql: """
                    CREATE TABLE message (
                        sha256 TEXT PRIMARY KEY NOT NULL,
                        arrival INTEGER NOT NULL UNIQUE,
                        message_id TEXT,
                        subject TEXT,
                        sender TEXT,
                        sent REAL,
                        received REAL NOT NULL,
                        route TEXT NOT NULL,
                        flags TEXT NOT NULL,
                        attachments INTEGER NOT NULL CHECK (attachments >= 0)
                    ) WITHOUT ROWID;
                    CREATE INDEX message_by_id ON message(message_id) WHERE message_id IS NOT NULL;
                    -- Each Message-ID a message names in In-Reply-To or References.
                    CREATE TABLE message_parent (
                        sha256 TEXT NOT NULL,
                        parent_id TEXT NOT NULL,
                        PRIMARY KEY (sha256, parent_id)
                    ) WITHOUT ROWID;
                    CREATE INDEX message_parent_by_parent ON message_parent(parent_id);
                    """)
        }
        migrator.registerMigration("v6-term-statistics") { db in
            // How many documents hold each word and each stem (TermStatistics), for ranking
            // without reading doclists and for expanding prefixes into words as written. The
            // counts must cover every document, so the text is read again: every submission's
            // rows are dropped (their fingerprints with them) and the next sync adds them anew,
            // counting as it goes. On a large archive that is a reindex's work, once.
            try db.execute(
                sql: """
                    CREATE TABLE term_word (
                        word TEXT PRIMARY KEY NOT NULL,
                        stem TEXT NOT NULL,
                        documents INTEGER NOT NULL
                    ) WITHOUT ROWID;
                    CREATE TABLE term_stem (
                        stem TEXT PRIMARY KEY NOT NULL,
                        documents INTEGER NOT NULL
                    ) WITHOUT ROWID;
                    -- Dropped and made again rather than emptied: deleting a million rows from
                    -- FTS5 reads every one of them to remove its words.
                    DROP TABLE document_text;
                    CREATE VIRTUAL TABLE document_text USING fts5(
                        title, body, parties, context, facets,
                        tokenize = 'porter unicode61 remove_diacritics 2'
                    );
                    INSERT INTO document_text(document_text, rank) VALUES ('rank', 'bm25(4.0, 1.0, 2.0, 1.5, 0.0)');
                    DELETE FROM relation;
                    DELETE FROM event;
                    DELETE FROM document;
                    DELETE FROM submission;
                    DELETE FROM unreadable;
                    """)
        }
        return migrator
    }
}
