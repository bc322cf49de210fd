import GRDB

/// A query as the search statement runs it: each prefix expanded into the words of the archive
/// that begin with it, and each phrase's document count (for `RankFunction`) in the order FTS5
/// numbers the phrases — left to right through the expression.
///
/// Expanding a prefix matters twice. FTS5 answers `commission*` by merging the doclists of every
/// indexed term that begins with it, in memory, before the first row; an OR of the words lets it
/// walk them lazily, newest first, stopping at the ranking window. And the index holds Porter
/// stems, so a prefix met against them misses words whose stem is shorter than the prefix
/// (`governan*` against "govern", the stem of "governance" and "governing"); met against the
/// words as written (`term_word`), it finds "governance". Each word found is searched for as FTS5
/// searches any word — by its stem — so `governan*` also finds "governing", which shares it:
/// more than the words that begin with the prefix, never fewer. A prefix that begins more than
/// `largestExpansion` distinct stems (a letter or two) is left to FTS5 as before.
struct QueryPlan {
    /// The FTS5 expression for the text columns.
    var expression: String
    /// The number of documents holding each phrase of `expression`, in FTS5's phrase order.
    var documentCounts: [Int] = []

    /// The most stems a prefix is expanded into.
    static let largestExpansion = 64

    init(_ query: SearchQuery, in db: Database) throws {
        var builder = Builder(db: db)
        expression = try builder.expression(query.node)
        documentCounts = builder.counts
    }

    private struct Builder {
        let db: Database
        var counts: [Int] = []
        /// Made only when a word is not in the vocabulary as it stands, or is not plain ASCII:
        /// most queries need neither, and making the tokenizers costs more than the lookups.
        private var wordTokenizer: (any FTS5Tokenizer)?
        private var stemTokenizer: (any FTS5Tokenizer)?

        init(db: Database) {
            self.db = db
        }

        mutating func expression(_ node: SearchQuery.Node) throws -> String {
            switch node {
            case .term(let word, prefix: false):
                counts.append(try documents(holding: word))
                return SearchQuery.quote(word)
            case .term(let word, prefix: true):
                return try prefix(word)
            case .phrase(let text):
                let phraseWords = text.split(separator: " ").map(String.init)
                // A phrase is no commoner than its rarest word.
                var phraseCounts: [Int] = []
                for phraseWord in phraseWords { phraseCounts.append(try documents(holding: phraseWord)) }
                counts.append(phraseCounts.min() ?? 0)
                return SearchQuery.quote(text)
            case .and(let left, let right): return "(\(try expression(left)) AND \(try expression(right)))"
            case .or(let left, let right): return "(\(try expression(left)) OR \(try expression(right)))"
            case .not(let left, let right): return "(\(try expression(left)) NOT \(try expression(right)))"
            }
        }

        /// How many documents hold a word with `word`'s stem.
        mutating func documents(holding word: String) throws -> Int {
            guard let stem = try stem(of: word) else { return 0 }
            return try Int.fetchOne(db, sql: "SELECT documents FROM term_stem WHERE stem = ?", arguments: [stem]) ?? 0
        }

        /// The stem FTS5 searches `word` by: known from the vocabulary when the archive holds
        /// the word, else from the Porter tokenizer.
        mutating func stem(of word: String) throws -> String? {
            if let known = try String.fetchOne(db, sql: "SELECT stem FROM term_word WHERE word = ?", arguments: [word])
            {
                return known
            }
            if stemTokenizer == nil { stemTokenizer = try db.makeTokenizer(WordTokenizers.stemTokenizer) }
            return try stemTokenizer?.tokenize(query: word).first?.token
        }

        /// `text` as the vocabulary holds words (lower case, diacritics folded): plain ASCII
        /// letters and digits already are, as the query's lexer lower-cased them.
        mutating func folded(_ text: String) throws -> String {
            if text.utf8.allSatisfy({ $0 < 0x80 }) { return text.lowercased() }
            if wordTokenizer == nil { wordTokenizer = try db.makeTokenizer(WordTokenizers.wordTokenizer) }
            return try wordTokenizer?.tokenize(query: text).first?.token ?? text
        }

        mutating func prefix(_ text: String) throws -> String {
            let start = try folded(text)
            let rows = try Row.fetchAll(
                db,
                sql: """
                    SELECT w.stem, min(w.word), coalesce((SELECT documents FROM term_stem WHERE stem = w.stem), 0)
                    FROM term_word w WHERE w.word >= ? AND w.word < ?
                    GROUP BY w.stem ORDER BY w.stem LIMIT ?
                    """, arguments: [start, start + "\u{10FFFF}", QueryPlan.largestExpansion + 1])
            guard !rows.isEmpty, rows.count <= QueryPlan.largestExpansion else {
                // Nothing to expand into (FTS5 then finds nothing either), or too much: FTS5's own.
                counts.append(rows.map { $0[2] as Int }.max() ?? 0)
                return SearchQuery.quote(text) + "*"
            }
            var alternatives: [String] = []
            for row in rows {
                counts.append(row[2])
                alternatives.append(SearchQuery.quote(row[1]))
            }
            return alternatives.count == 1 ? alternatives[0] : "(" + alternatives.joined(separator: " OR ") + ")"
        }
    }
}
