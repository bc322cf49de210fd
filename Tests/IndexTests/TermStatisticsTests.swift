import Foundation
import GRDB
import Testing

@testable import Index

/// The word counts Docket keeps beside the text, checked against FTS5's own count of the same
/// thing; the ranking made from them checked against FTS5's `bm25()`; prefixes met against the
/// words as written.
@Suite struct TermStatisticsTests {
    let directory: String
    let index: SearchIndex

    init() throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("docket-terms-\(UUID())").path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        index = try SearchIndex(path: "\(directory)/index.sqlite")
    }

    func cleanUp() { try? FileManager.default.removeItem(atPath: directory) }

    static let vocabulary = [
        "council", "councils", "governance", "governing", "government", "grants", "mayor", "mayor's", "office",
        "Commissioners", "commission", "budget", "régénération", "regeneration", "audit", "plan", "best", "value",
        "the", "of", "and", "progress", "update", "letter", "2016",
    ]

    static func text(_ generator: inout some RandomNumberGenerator, words: Int) -> String {
        (0..<words).map { _ in vocabulary.randomElement(using: &generator)! }.joined(separator: " ")
    }

    static func submission(_ reference: String, documents: [IndexedDocument], fingerprint: String)
        -> IndexedSubmission
    {
        SearchIndexTests.submission(reference, documents: documents, fingerprint: fingerprint)
    }

    /// FTS5's own count of the documents holding each indexed term in a text column.
    func ftsCounts() throws -> [String: Int] {
        try index.read { db in
            try db.execute(
                sql: "CREATE VIRTUAL TABLE IF NOT EXISTS temp.terms USING fts5vocab(main, 'document_text', 'instance')")
            var counts: [String: Int] = [:]
            for row in try Row.fetchAll(
                db,
                sql: "SELECT term, count(DISTINCT doc) FROM temp.terms WHERE col != 'facets' GROUP BY term")
            {
                counts[row[0]] = row[1]
            }
            return counts
        }
    }

    func keptCounts() throws -> [String: Int] {
        try index.read { db in
            Dictionary(
                uniqueKeysWithValues: try Row.fetchAll(db, sql: "SELECT stem, documents FROM term_stem").map {
                    ($0[0] as String, $0[1] as Int)
                })
        }
    }

    @Test func theCountsAreFTS5sOwnAfterAnyMixOfAddingChangingAndRemoving() throws {
        defer { cleanUp() }
        var generator = SystemRandomNumberGenerator()
        var live: [String: [IndexedDocument]] = [:]
        for round in 0..<12 {
            var batch: [IndexedSubmission] = []
            for number in (1...6).shuffled(using: &generator).prefix(3) {
                let reference = "BVP-2016-\(number)"
                var documents = live[reference] ?? []
                if !documents.isEmpty, Bool.random(using: &generator) { documents.removeFirst() }
                let number = Int.random(in: 0..<1_000_000, using: &generator)
                documents.append(
                    SearchIndexTests.document(
                        "r\(round)-\(number)", Self.text(&generator, words: 3),
                        body: Self.text(&generator, words: Int.random(in: 0...40, using: &generator))))
                live[reference] = documents
                batch.append(Self.submission(reference, documents: documents, fingerprint: "f\(round)"))
            }
            try index.replace(batch)
            if round % 4 == 3, let gone = live.keys.sorted().first {
                try index.remove([gone])
                live[gone] = nil
            }
            #expect(try keptCounts() == ftsCounts(), "round \(round)")
        }
        #expect(try !keptCounts().isEmpty)
    }

    @Test func rankingMatchesBM25ForWordsAndPrefixesFindWordsAsWritten() throws {
        defer { cleanUp() }
        var generator = SystemRandomNumberGenerator()
        let documents = (0..<120).map { number in
            SearchIndexTests.document(
                "d\(number)", Self.text(&generator, words: 2),
                body: Self.text(&generator, words: Int.random(in: 5...60, using: &generator)))
        }
        try index.replace([Self.submission("BVP-2016-01", documents: documents, fingerprint: "f")])
        for word in ["council", "governance", "mayor", "audit", "grants"] {
            let ours = try index.search(SearchRequest(query: try SearchQuery(word), limit: 10)).hits.map(\.sha256)
            let theirs = try index.read { db in
                try String.fetchAll(
                    db,
                    sql: """
                        SELECT d.sha256 FROM document_text JOIN document d ON d.id = document_text.rowid
                        WHERE document_text MATCH ? ORDER BY bm25(document_text, 4.0, 1.0, 2.0, 1.5, 0.0) LIMIT 10
                        """, arguments: ["{title body parties context} : (\"\(word)\")"])
            }
            #expect(ours == theirs, "\(word)")
        }

        try index.replace([
            Self.submission(
                "GOV-2016-01",
                documents: [
                    SearchIndexTests.document("g1", "Note", body: "Good governance matters."),
                    SearchIndexTests.document("g2", "Note", body: "The governing body met."),
                    SearchIndexTests.document("g3", "Note", body: "Régénération of the estate."),
                ], fingerprint: "g")
        ])
        func found(_ text: String) throws -> Set<String> {
            Set(try index.search(SearchRequest(query: try SearchQuery(text), limit: 1000)).hits.map(\.sha256))
        }
        // Before term statistics, `governan*` met the stem "govern" and found neither.
        #expect(try found("governan*").isSuperset(of: ["g1", "g2"]))
        #expect(try found("governa*").contains("g1"))
        #expect(try found("regen*").contains("g3"))
        #expect(try found("zzz*").isEmpty)
    }

    @Test func anIndexFromBeforeTheCountsIsEmptiedSoTheNextSyncCountsEverything() throws {
        defer { cleanUp() }
        let path = "\(directory)/older.sqlite"
        let queue = try DatabaseQueue(path: path)
        try IndexSchema.migrator.migrate(queue, upTo: "v5-arrived-messages")
        try queue.write { db in
            try db.execute(
                sql: """
                    INSERT INTO submission(reference, title, workflow, state, is_final, sequence, created,
                                           last_activity, imported, fingerprint)
                    VALUES ('OLD-2016-01', 'Old', 'best-value-submission', 'drafting', 0, 1, 0, 0, 0, 'f');
                    INSERT INTO document_text(rowid, title, body, parties, context, facets)
                    VALUES (1, 'Old letter', 'council grants', '', '', '');
                    """)
        }
        try queue.close()
        let upgraded = try SearchIndex(path: path)
        #expect(try upgraded.fingerprints().isEmpty, "every submission is read again")
        let rowsLeft = try upgraded.read { db in try Int.fetchOne(db, sql: "SELECT count(*) FROM document_text") }
        #expect(rowsLeft == 0)
        try upgraded.replace([
            Self.submission(
                "OLD-2016-01", documents: [SearchIndexTests.document("o1", "Old letter", body: "council grants")],
                fingerprint: "f2")
        ])
        #expect(try upgraded.search(SearchRequest(query: try SearchQuery("grants"))).hits.map(\.sha256) == ["o1"])
        let counted = try upgraded.read { db in
            try Int.fetchOne(db, sql: "SELECT documents FROM term_stem WHERE stem = 'grant'")
        }
        #expect(counted == 1)
    }
}
