import Foundation
import Synchronization

/// How many documents hold each word and each stem, counted on reading threads ahead of the
/// write (`WordCounter`), so that the index's one writer thread adds a few thousand totals per
/// transaction instead of splitting, stemming and counting every document's text itself (at a
/// million documents, that doubled a reindex).
public struct WordCounts: Sendable {
    struct WordTally: Sendable {
        var stem: String
        var documents: Int
        /// The last document counted (a serial of the counting thread's): a word counts once per document.
        var lastDocument: Int
    }

    struct StemTally: Sendable {
        var documents: Int
        var lastDocument: Int
    }

    /// The counting rounds merged in: the writer takes a document's words as counted only when
    /// the round that counted them was added (a document can be copied into another submission).
    private(set) var covers: Set<UUID> = []
    /// Each word as written: its stem and how many of the documents hold it.
    private(set) var words: [String: WordTally] = [:]
    /// Each stem: how many of the documents hold a word with it.
    private(set) var stems: [String: StemTally] = [:]

    /// No counts yet.
    public init() {}

    /// Adds another's counts to these.
    public mutating func merge(_ other: WordCounts) {
        guard !isEmpty else {
            self = other
            return
        }
        covers.formUnion(other.covers)
        for (word, tally) in other.words {
            if let known = words.index(forKey: word) {
                words.values[known].documents += tally.documents
            } else {
                words[word] = tally
            }
        }
        for (stem, tally) in other.stems {
            stems[stem, default: StemTally(documents: 0, lastDocument: 0)].documents += tally.documents
        }
    }

    /// Whether nothing was counted.
    public var isEmpty: Bool { covers.isEmpty }

    /// Counts `word` as held by `document` (once however often it occurs there).
    mutating func tally(_ word: String, document: Int, stem: (String) throws -> String) rethrows {
        if let known = words.index(forKey: word) {
            guard words.values[known].lastDocument != document else { return }
            words.values[known].documents += 1
            words.values[known].lastDocument = document
            tallyStem(words.values[known].stem, document: document)
        } else {
            let wordStem = try stem(word)
            words[word] = WordTally(stem: wordStem, documents: 1, lastDocument: document)
            tallyStem(wordStem, document: document)
        }
    }

    private mutating func tallyStem(_ stem: String, document: Int) {
        if let known = stems.index(forKey: stem) {
            guard stems.values[known].lastDocument != document else { return }
            stems.values[known].documents += 1
            stems.values[known].lastDocument = document
        } else {
            stems[stem] = StemTally(documents: 1, lastDocument: document)
        }
    }

    mutating func cover(_ round: UUID) { covers.insert(round) }
}

/// Which text a document's words were counted from, in which counting round.
public struct CountedText: Sendable, Hashable {
    let round: UUID
    /// The text columns counted, exactly as the writer will write them (`IndexWriter.textColumns`):
    /// if what it writes differs (the submission was changed after counting), it counts again.
    let columns: [String]
}

/// Counts submissions' words on the threads that read them, for `SearchIndex.replace(_:counted:)`.
///
/// Each thread counting borrows a worker — FTS5's tokenizers on an in-memory connection of its
/// own, the stems it has learnt, and its counts so far — so threads never wait on each other
/// while counting. `take()` gathers the counts. Safe to share between threads.
public final class WordCounter: Sendable {
    private final class Worker: @unchecked Sendable {  // used by one thread at a time, from the pool
        let tokenizers: WordTokenizers
        var counts = WordCounts()
        var documents = 0
        var failed = false

        init() throws { tokenizers = try .standalone() }
    }

    private struct Pool {
        var round = UUID()
        var idle: [Worker] = []
        var all: [Worker] = []
    }

    private let pool = Mutex(Pool())

    public init() {}

    /// Counts the words of `submission`'s documents into this round and marks each document
    /// with the text it was counted from. Call it last, when the submission is complete: a
    /// document whose text then changes is counted again at the write. Documents whose text the
    /// index keeps (`text` nil) are left to the writer.
    public func count(_ submission: inout IndexedSubmission) {
        let borrowed = pool.withLock { pool in (pool.idle.popLast(), pool.round) }
        guard let worker = borrowed.0 ?? (try? newWorker()) else { return }  // the writer counts
        defer { pool.withLock { $0.idle.append(worker) } }
        guard !worker.failed else { return }
        let round = borrowed.1
        worker.counts.cover(round)
        let context = IndexWriter.context(of: submission)
        for position in submission.documents.indices {
            guard let body = submission.documents[position].text?.body else { continue }
            let columns = IndexWriter.textColumns(of: submission.documents[position], body: body, context: context)
            worker.documents += 1
            let document = worker.documents
            do {
                try worker.tokenizers.forEachWord(in: columns) { word in
                    try worker.counts.tally(word, document: document, stem: worker.tokenizers.stem(of:))
                }
            } catch {
                // Half a document counted: this round's counts cannot be trusted (`take()` drops them).
                worker.failed = true
                return
            }
            submission.documents[position].countedText = CountedText(round: round, columns: columns)
        }
    }

    /// Everything counted since the last `take()`, and a new round begins. Call it when no
    /// `count` is under way. Empty if any counting failed: the writer then counts those documents.
    public func take() -> WordCounts {
        pool.withLock { pool in
            var taken = WordCounts()
            var failed = false
            for worker in pool.all {
                failed = failed || worker.failed
                taken.merge(worker.counts)
                worker.counts = WordCounts()
                worker.failed = false
            }
            pool.round = UUID()
            return failed ? WordCounts() : taken
        }
    }

    private func newWorker() throws -> Worker {
        let worker = try Worker()
        pool.withLock { $0.all.append(worker) }
        return worker
    }
}
