import CGlibcExtras
import Foundation
import Testing

@testable import DocketServer

/// The threads archive work runs on: many jobs waiting (on the disk, here on each other) at once.
@Suite struct ArchiveWorkThreadsTests {
    /// Jobs that each wait until all of them have started: they finish only if the pool runs
    /// them all at once, as it must for fires that spend their time waiting in fsync.
    @Test func runsAsManyWaitingJobsAtOnceAsItHasThreads() async throws {
        let count = 24
        let pool = ArchiveWorkThreads(threads: count)
        let started = DispatchGroup()
        for _ in 0..<count { started.enter() }
        let finished = try await withThrowingTaskGroup(of: Bool.self) { group in
            for _ in 0..<count {
                group.addTask {
                    await withCheckedContinuation { continuation in
                        pool.run {
                            started.leave()
                            continuation.resume(returning: started.wait(timeout: .now() + 30) == .success)
                        }
                    }
                }
            }
            return try await group.reduce(into: 0) { finished, allStarted in finished += allStarted ? 1 : 0 }
        }
        #expect(finished == count)
    }

    @Test func blockingRunsOnTheArchiveWorkThreads() async throws {
        let ran = try await blocking {
            var name = [CChar](repeating: 0, count: 16)
            return pthread_getname_np(pthread_self(), &name, name.count) == 0 ? String(cString: name) : ""
        }
        #expect(ran.hasPrefix("archive-"), "ran on \(ran)")
    }
}
