import Foundation
import Index
import Synchronization

/// Writes the index rows of many concurrent writes in one transaction (group commit), each
/// writer still returning only once its own rows are committed or have failed.
///
/// Why: SQLite takes one write transaction at a time, and a fire's rows were written in one of
/// their own, so 50 clients firing at once queued for the index one by one, each transaction
/// paying again for opening its writer and the word counts, the commit and the hand-over
/// between threads. Here the first writer to find the index free writes every row queued by
/// then in one transaction; the writers that queued meanwhile find their rows written when the
/// index comes free, and return.
///
/// The index stays what it was, a cache: a fire is durable once its event file is, before any of
/// this, and a failed index write is left for the next sync as before.
final class IndexGroupCommit: Sendable {
    private struct Queued {
        var ticket: Int
        var submission: IndexedSubmission
        var index: SearchIndex
    }

    private struct State {
        var queued: [Queued] = []
        var issued = 0
        /// Every ticket up to this one is written or failed.
        var settled = 0
        /// Tickets whose batch failed, with the error, until their writers collect it.
        var failures: [Int: IndexError] = [:]
    }

    private let state = Mutex(State())
    /// Held by the writer of a batch, for the whole transaction.
    private let writing = Mutex(())

    /// Puts `submission` in `index`, in a transaction with whatever else is queued.
    ///
    /// - Throws: the error of the transaction that held it.
    func replace(_ submission: IndexedSubmission, in index: SearchIndex) throws(IndexError) {
        let ticket = state.withLock { state in
            state.issued += 1
            state.queued.append(Queued(ticket: state.issued, submission: submission, index: index))
            return state.issued
        }
        let failure: IndexError? = writing.withLock { _ in
            let batch = state.withLock { state -> [Queued] in
                guard state.settled < ticket else { return [] }
                defer { state.queued = [] }
                return state.queued
            }
            let failures = Self.write(batch)
            return state.withLock { state in
                if let last = batch.last { state.settled = last.ticket }
                state.failures.merge(failures) { first, _ in first }
                return state.failures.removeValue(forKey: ticket)
            }
        }
        if let failure { throw failure }
    }

    /// Writes a batch, one transaction for each index handle in it (normally one), and returns
    /// the failed tickets.
    private static func write(_ batch: [Queued]) -> [Int: IndexError] {
        var failures: [Int: IndexError] = [:]
        for group in Dictionary(grouping: batch, by: { $0.index.instance }).values {
            do {
                try group[0].index.replace(latest(group.map(\.submission)))
            } catch {
                for queued in group { failures[queued.ticket] = error }
            }
        }
        return failures
    }

    /// One row set per submission, the one with the most events (two fires of one submission
    /// may queue in either order; the index must end at the later one).
    static func latest(_ submissions: [IndexedSubmission]) -> [IndexedSubmission] {
        var chosen: [String: IndexedSubmission] = [:]
        var order: [String] = []
        for submission in submissions {
            if let kept = chosen[submission.reference] {
                if submission.sequence >= kept.sequence { chosen[submission.reference] = submission }
            } else {
                chosen[submission.reference] = submission
                order.append(submission.reference)
            }
        }
        return order.compactMap { chosen[$0] }
    }
}
