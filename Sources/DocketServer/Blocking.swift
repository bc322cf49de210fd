import CGlibcExtras
import Dispatch
import DocketKit
import Foundation
import Synchronization

/// Runs archive work (file reads, fsyncs, SQLite) off the cooperative thread pool, so that a
/// slow disk never stalls the server's event handling, and turns a use case's refusal into the
/// HTTP answer for it.
///
/// The work runs on `ArchiveWorkThreads.shared`, not on Dispatch's global queue: see there why.
func blocking<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
    try await withCheckedThrowingContinuation { continuation in
        ArchiveWorkThreads.shared.run {
            do {
                continuation.resume(returning: try body())
            } catch let error as DocketError {
                continuation.resume(throwing: WebError(error))
            } catch {
                continuation.resume(throwing: error)
            }
        }
    }
}

/// A fixed set of threads for archive work, sized for waiting on the disk rather than for the
/// cores, taking jobs in arrival order.
///
/// Why not Dispatch's global queue: on Linux it runs about as many jobs at once as there are
/// cores, and counts a thread waiting in `fsync` as busy. A fire spends most of its time in its
/// three fsyncs, so with 50 clients firing on 2 cores two fires were in flight and the rest
/// queued behind their fsyncs, the cores half idle and the disk, which overlaps many fsyncs,
/// doing one at a time (measured: 200 events/s, 0.9 cores busy). Here enough threads wait on
/// the disk at once that the cores stay busy. CPU-heavy work is no faster for more threads, but
/// shares the cores more fairly; searches keep their own narrower limit (`WorkLimiter`).
final class ArchiveWorkThreads: Sendable {
    /// The server's pool: 8 threads a core, at least 32.
    static let shared = ArchiveWorkThreads(threads: max(32, 8 * ProcessInfo.processInfo.activeProcessorCount))

    private let jobs = Mutex<[@Sendable () -> Void]>([])
    /// Counts the jobs queued: each worker takes one signal per job.
    private let queued = DispatchSemaphore(value: 0)

    /// Starts `threads` workers, which live as long as the process.
    init(threads: Int) {
        precondition(threads > 0, "a pool needs at least one thread")
        for number in 0..<threads {
            Thread { [self] in
                // Named from inside, through pthread: under load, a name set through Foundation's
                // `Thread.current.name` was seen not to reach the system's thread (it kept its
                // creator's name). Linux takes 15 bytes: "archive-" and up to 7 digits.
                pthread_setname_np(pthread_self(), "archive-\(number)")
                work()
            }.start()
        }
    }

    /// Queues `job` to run on one of the pool's threads.
    func run(_ job: @escaping @Sendable () -> Void) {
        jobs.withLock { $0.append(job) }
        queued.signal()
    }

    private func work() -> Never {
        while true {
            queued.wait()
            let job = jobs.withLock { $0.removeFirst() }
            job()
        }
    }
}
