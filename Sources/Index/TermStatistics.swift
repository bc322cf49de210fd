import Foundation
import GRDB
import Synchronization

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
    /// Words added (+1 per document) or removed (−1), not yet written, with their stems.
    private var wordChanges: [String: (stem: String, change: Int)] = [:]
    /// Stems likewise.
    private var stemChanges: [String: Int] = [:]
    /// The writer connection's tokenizers, knowing the stems the index's cache knew.
    let tokenizers: WordTokenizers
    private let cache: StemCache
    /// The counting rounds whose counts were added in this transaction: their documents are counted.
    private var added: Set<UUID> = []

    /// Counts with the tokenizers of `db`'s connection and the index's cache of stems.
    init(_ db: Database, stems cache: StemCache) throws {
        tokenizers = try WordTokenizers(db, stems: cache.take())
        self.cache = cache
    }

    /// Adds counts made ahead of the write: the documents they cover are then counted in
    /// when written as the text they were counted from (see `count(_:of:sign:)`).
    func add(_ counts: WordCounts) {
        added.formUnion(counts.covers)
        for (word, tally) in counts.words {
            wordChanges[word, default: (tally.stem, 0)].change += tally.documents
        }
        for (stem, tally) in counts.stems { stemChanges[stem, default: 0] += tally.documents }
    }

    /// A document whose stored text is left as it was: if it was counted in ahead of the write,
    /// it is counted out again (it is already in the counts since it was first written).
    func keep(_ counted: CountedText?) throws {
        guard let counted, added.contains(counted.round) else { return }
        try count(counted.columns, sign: -1)
    }

    /// Counts a document's text in (`sign` +1) or out (−1). A text counted in ahead of the write
    /// is already counted when it is what is written; when it is not, it is counted out again.
    func count(_ columns: [String], of counted: CountedText? = nil, sign: Int) throws {
        if sign > 0, let counted, added.contains(counted.round) {
            if counted.columns == columns { return }
            try count(counted.columns, sign: -1)
        }
        let documentWords = try tokenizers.distinctWords(columns)
        var documentStems = Set<String>(minimumCapacity: documentWords.count)
        for word in documentWords {
            let stem = try tokenizers.stem(of: word)
            wordChanges[word, default: (stem, 0)].change += sign
            documentStems.insert(stem)
        }
        for stem in documentStems { stemChanges[stem, default: 0] += sign }
    }

    /// Writes the counted changes (at the end of the transaction that changed the text).
    func flush(_ db: Database) throws {
        let upsertWord = try db.cachedStatement(
            sql: """
                INSERT INTO term_word(word, stem, documents) VALUES (?, ?, ?)
                ON CONFLICT(word) DO UPDATE SET documents = documents + excluded.documents
                """)
        for (word, (stem, change)) in wordChanges where change != 0 {
            try upsertWord.execute(arguments: [word, stem, change])
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
        for (word, (_, change)) in wordChanges where change < 0 { try forgetWord.execute(arguments: [word]) }
        let forgetStem = try db.cachedStatement(sql: "DELETE FROM term_stem WHERE stem = ? AND documents <= 0")
        for (stem, change) in stemChanges where change < 0 { try forgetStem.execute(arguments: [stem]) }
        wordChanges.removeAll(keepingCapacity: true)
        stemChanges.removeAll(keepingCapacity: true)
        cache.giveBack(tokenizers.stems)
        tokenizers.stems = [:]
    }
}

/// Each word's Porter stem, remembered across an index's transactions: the writer stems the
/// words of every text it counts itself (a fire's refresh counts its submission's documents out
/// and in again), mostly the same words each time, and each new stem is a call into FTS5.
/// Taken whole by the transaction that writes (one at a time) and given back when it commits;
/// a failed transaction just leaves it empty.
final class StemCache: Sendable {
    private let stems = Mutex<[String: String]>([:])

    func take() -> [String: String] {
        stems.withLock { stems in
            defer { stems = [:] }
            return stems
        }
    }

    func giveBack(_ taken: [String: String]) {
        stems.withLock { $0 = taken }
    }
}
