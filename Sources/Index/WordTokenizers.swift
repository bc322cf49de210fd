import GRDB

/// FTS5's own tokenizers of one connection — the text table's (`porter unicode61
/// remove_diacritics 2`) and the same without Porter — and what they answered before.
///
/// Used by one thread at a time: the index's writer (`TermStatistics`) or a reading thread
/// that holds it from a `WordCounter`. The tokenizers need only their connection to stay open.
final class WordTokenizers: @unchecked Sendable {
    /// The text table's tokenizer without its stemmer: the words as written.
    static let wordTokenizer = FTS5TokenizerDescriptor.unicode61(diacritics: .remove)
    /// The text table's tokenizer.
    static let stemTokenizer = FTS5TokenizerDescriptor.porter(wrapping: .unicode61(diacritics: .remove))
    /// More remembered words than this and a cache starts again rather than grow: an archive's
    /// long tail (numbers, names, references) would otherwise fill every thread's cache with
    /// words met once (at a million documents, tens of megabytes each); the common words are
    /// learnt again at once.
    static let cacheLimit = 32_768

    private let words: any FTS5Tokenizer
    private let stemmer: any FTS5Tokenizer
    /// Each word's stem: a pure function of the word, so remembered for as long as wanted.
    var stems: [String: String]
    /// The words of the non-ASCII runs met (mostly the same few: "—", "’s").
    private var unusualWords: [String: [String]] = [:]
    /// Keeps an in-memory connection open for tokenizers made on one (`standalone()`).
    private let connection: DatabaseQueue?

    /// The tokenizers of `db`'s connection, knowing the stems in `stems`.
    init(_ db: Database, stems: [String: String] = [:], connection: DatabaseQueue? = nil) throws {
        words = try db.makeTokenizer(Self.wordTokenizer)
        stemmer = try db.makeTokenizer(Self.stemTokenizer)
        self.stems = stems
        self.connection = connection
    }

    /// Tokenizers on a connection of their own (an empty in-memory database), for a thread
    /// that has no connection to the index.
    static func standalone() throws -> WordTokenizers {
        let connection = try DatabaseQueue()
        return try connection.inDatabase { db in try WordTokenizers(db, connection: connection) }
    }

    /// The distinct words of a document's text columns, as the text table's tokenizer splits
    /// them before stemming.
    func distinctWords(_ columns: [String]) throws -> Set<String> {
        var found = Set<String>()
        try forEachWord(in: columns) { found.insert($0) }
        return found
    }

    /// Calls `body` with each word of the columns, as often as it occurs: ASCII runs are split
    /// here (`WordSplitter`), the rest by FTS5.
    @inline(__always)
    func forEachWord(in columns: [String], _ body: (String) throws -> Void) throws {
        for column in columns where !column.isEmpty {
            var failure: (any Error)?
            WordSplitter.forEachWord(in: column) { word in
                guard failure == nil else { return }
                do { try body(word) } catch { failure = error }
            } unusual: { run in
                guard failure == nil else { return }
                do {
                    for word in try unusualRun(run) { try body(word) }
                } catch {
                    failure = error
                }
            }
            if let failure { throw failure }
        }
    }

    /// The words of a run holding non-ASCII characters, by FTS5's tokenizer.
    private func unusualRun(_ run: String) throws -> [String] {
        if let known = unusualWords[run] { return known }
        let tokens = try words.tokenize(document: run).filter { !$0.flags.contains(.colocated) }.map(\.token)
        if unusualWords.count >= Self.cacheLimit / 8 { unusualWords.removeAll() }
        unusualWords[run] = tokens
        return tokens
    }

    /// The Porter stem of `word`, as the text table indexes it.
    func stem(of word: String) throws -> String {
        if let known = stems[word] { return known }
        let stem = try stemmer.tokenize(document: word).first?.token ?? word
        if stems.count >= Self.cacheLimit { stems.removeAll() }
        stems[word] = stem
        return stem
    }
}
