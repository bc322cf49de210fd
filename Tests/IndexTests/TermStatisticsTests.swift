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
        "the", "of", "and", "progress", "update", "letter", "2016", "mayor’s", "—", "NAÏVE", "Straße", "e\u{301}tat",
        "under_score", "x²", "(Annex", "B)", "£40m",
    ]

    static let states = ["drafting", "awaiting-sign-off", "dispatched"]

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
        var states: [String: String] = [:]
        let counter = WordCounter()
        let ignoredCounter = WordCounter()
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
                var submission = Self.submission(reference, documents: documents, fingerprint: "f\(round)")
                // A fire changes the state alone (the documents' facets, not their text).
                submission.state = Self.states.randomElement(using: &generator)!
                states[reference] = submission.state
                // Words counted ahead of the write, as a reindex's reading threads do; or counted
                // and then changed, which the writer must notice (and count again); or counted
                // but the counts not given, which it must not take for counted.
                switch Int.random(in: 0..<4, using: &generator) {
                case 0: counter.count(&submission)
                case 1:
                    counter.count(&submission)
                    submission.title = Self.text(&generator, words: 2)
                case 2: ignoredCounter.count(&submission)
                default: break
                }
                batch.append(submission)
            }
            _ = ignoredCounter.take()
            try index.replace(batch, counted: counter.take())
            if round % 4 == 3, let gone = live.keys.sorted().first {
                try index.remove([gone])
                live[gone] = nil
            }
            #expect(try keptCounts() == ftsCounts(), "round \(round)")
            for state in Self.states {
                let expected = live.filter { states[$0.key] == state }.values.reduce(0) { $0 + $1.count }
                let found = try index.search(SearchRequest(state: state, limit: 1_000)).hits.count
                #expect(found == expected, "round \(round): \(state)")
            }
        }
        #expect(try !keptCounts().isEmpty)
    }

    /// Many threads counting at once with one counter, as a reindex's readers do, count exactly
    /// what FTS5 indexes; and a round's counts go only with `take()`.
    @Test func countingOnManyThreadsAtOnceCountsWhatFTS5Indexes() throws {
        defer { cleanUp() }
        let counter = WordCounter()
        for batch in 0..<3 {
            let submissions = ResultBox<IndexedSubmission>(count: 48)
            DispatchQueue.concurrentPerform(iterations: 48) { number in
                var generator = SystemRandomNumberGenerator()
                let documents = (0..<Int.random(in: 1...4, using: &generator)).map { position in
                    SearchIndexTests.document(
                        "b\(batch)-\(number)-\(position)", Self.text(&generator, words: 3),
                        body: Self.text(&generator, words: Int.random(in: 0...60, using: &generator)))
                }
                var submission = Self.submission("BVP-\(batch)-\(number)", documents: documents, fingerprint: "f")
                counter.count(&submission)
                submissions.set(number, submission)
            }
            let counted = counter.take()
            #expect(!counted.isEmpty)
            try index.replace(submissions.values, counted: counted)
            #expect(try keptCounts() == ftsCounts(), "batch \(batch)")
        }
        #expect(counter.take().isEmpty, "a round's counts are taken once")
    }

    /// Words split without SQLite (ASCII) and by FTS5 (the rest) are exactly FTS5's own words.
    @Test func splittingOffTheWriterGivesFTS5sWords() throws {
        defer { cleanUp() }
        let pieces = [
            "Council", "GRANTS", "a1b2", "2016", "don't", "e-mail", "under_score", "x^y", "`q`", "[A]", "{b}", "~c|d",
            "café", "CAFÉ", "naïve", "Straße", "e\u{301}", "mayor’s", "—", "–", "“quoted”", "£40m", "x²", "½", "Ⅻ",
            "Ελλάδα", "Москва", "東京", "🙂", "\u{00A0}", "\t", "\n", " ", ".", ",", "@", "#", "$", "%", "&", "*", "+",
            "=", "<", ">", "?", "!", ";", ":", "\"", "'", "/", "\\", "\u{7F}", "\u{1}",
        ]
        var generator = SystemRandomNumberGenerator()
        let standalone = try WordTokenizers.standalone()
        try index.write { db in
            let tokenizers = try WordTokenizers(db)
            let tokenizer = try db.makeTokenizer(WordTokenizers.wordTokenizer)
            for _ in 0..<400 {
                let columns = (0..<4).map { _ in
                    (0..<Int.random(in: 0...12, using: &generator)).map { _ in
                        pieces.randomElement(using: &generator)!
                    }.joined(separator: Bool.random(using: &generator) ? "" : " ")
                }
                var expected = Set<String>()
                for column in columns {
                    for (token, flags) in try tokenizer.tokenize(document: column) where !flags.contains(.colocated) {
                        expected.insert(token)
                    }
                }
                #expect(try tokenizers.distinctWords(columns) == expected, "\(columns)")
                #expect(try standalone.distinctWords(columns) == expected, "\(columns)")
            }
        }
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

/// One slot per iteration of a concurrent loop, read when the loop is over.
final class ResultBox<Value>: @unchecked Sendable {
    private let lock = NSLock()
    private var slots: [Value?]

    init(count: Int) { slots = Array(repeating: nil, count: count) }

    func set(_ position: Int, _ value: Value) { lock.withLock { slots[position] = value } }

    var values: [Value] { lock.withLock { slots.compactMap { $0 } } }
}
