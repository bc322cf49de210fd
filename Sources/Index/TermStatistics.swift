import GRDB

/// How many documents hold each word, kept by Docket in the same transaction as the text.
///
/// Two tables: `term_word` (each word as written — lower-cased, diacritics folded, exactly as
/// FTS5's `unicode61 remove_diacritics 2` splits the text — with its Porter stem and how many
/// documents hold it) and `term_stem` (each stem and how many documents hold a word with it).
///
/// Why: BM25 weighs a query term by how rare it is, and FTS5's own `bm25()` finds that out by
/// reading the term's whole doclist — at a million documents, tens of milliseconds for a common
/// word, hundreds for a phrase — before it ranks a single row. Ranking from these counts
/// (`RankFunction`) costs the same for "council" as for a rare word. The words as written also
/// let a prefix be expanded into the words that begin with it (`QueryPlan`), which the stemmed
/// full-text index cannot do: "governance" is indexed as "govern".
///
/// Only the text columns count (title, body, parties, context), never the facet tokens, and
/// a document counts once per word however often the word occurs in it.
final class TermStatistics {
    /// Words added (+1 per document) or removed (−1), not yet written.
    private var wordChanges: [String: Int] = [:]
    /// Stems likewise.
    private var stemChanges: [String: Int] = [:]
    /// The stem of each word met in this transaction.
    private var stems: [String: String] = [:]
    private let words: any FTS5Tokenizer
    private let stemmer: any FTS5Tokenizer

    /// Tokenizers of `db`'s connection: the one the text table uses, without and with Porter.
    init(_ db: Database) throws {
        words = try db.makeTokenizer(Self.wordTokenizer)
        stemmer = try db.makeTokenizer(Self.stemTokenizer)
    }

    /// The text table's tokenizer without its stemmer: the words as written.
    static let wordTokenizer = FTS5TokenizerDescriptor.unicode61(diacritics: .remove)
    /// The text table's tokenizer (`porter unicode61 remove_diacritics 2`).
    static let stemTokenizer = FTS5TokenizerDescriptor.porter(wrapping: .unicode61(diacritics: .remove))

    /// The distinct words of a document's text columns.
    func distinctWords(_ columns: [String]) throws -> Set<String> {
        var found = Set<String>()
        for column in columns where !column.isEmpty {
            for (token, flags) in try words.tokenize(document: column) where !flags.contains(.colocated) {
                found.insert(token)
            }
        }
        return found
    }

    /// Counts a document's text in (`sign` +1) or out (−1).
    func count(_ columns: [String], sign: Int, in db: Database) throws {
        let documentWords = try distinctWords(columns)
        var documentStems = Set<String>()
        for word in documentWords {
            wordChanges[word, default: 0] += sign
            documentStems.insert(try stem(of: word, in: db))
        }
        for stem in documentStems { stemChanges[stem, default: 0] += sign }
    }

    /// The Porter stem of `word`, as the text table indexes it.
    func stem(of word: String, in db: Database) throws -> String {
        if let known = stems[word] { return known }
        let stem =
            try String.fetchOne(db, sql: "SELECT stem FROM term_word WHERE word = ?", arguments: [word])
            ?? stemmer.tokenize(document: word).first?.token ?? word
        stems[word] = stem
        return stem
    }

    /// Writes the counted changes (at the end of the transaction that changed the text).
    func flush(_ db: Database) throws {
        let upsertWord = try db.cachedStatement(
            sql: """
                INSERT INTO term_word(word, stem, documents) VALUES (?, ?, ?)
                ON CONFLICT(word) DO UPDATE SET documents = documents + excluded.documents
                """)
        for (word, change) in wordChanges where change != 0 {
            try upsertWord.execute(arguments: [word, stems[word] ?? word, change])
        }
        let upsertStem = try db.cachedStatement(
            sql: """
                INSERT INTO term_stem(stem, documents) VALUES (?, ?)
                ON CONFLICT(stem) DO UPDATE SET documents = documents + excluded.documents
                """)
        for (stem, change) in stemChanges where change != 0 {
            try upsertStem.execute(arguments: [stem, change])
        }
        // A word no document holds any more is forgotten (only those counted out are looked at).
        let forgetWord = try db.cachedStatement(sql: "DELETE FROM term_word WHERE word = ? AND documents <= 0")
        for (word, change) in wordChanges where change < 0 { try forgetWord.execute(arguments: [word]) }
        let forgetStem = try db.cachedStatement(sql: "DELETE FROM term_stem WHERE stem = ? AND documents <= 0")
        for (stem, change) in stemChanges where change < 0 { try forgetStem.execute(arguments: [stem]) }
        wordChanges.removeAll(keepingCapacity: true)
        stemChanges.removeAll(keepingCapacity: true)
    }
}
