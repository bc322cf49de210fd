import Archive
import Foundation
import Index
import Synchronization
import Testing
import Workflow

@testable import DocketKit

/// Fires running at once, made to meet inside the fire: the clock the archive reads (once to
/// know the actor's delegations, once more, after reading the submission, for the event's
/// time) is a barrier that holds each caller until the other has arrived too.
///
/// A fire that waited for the other (an archive-wide lock, one writer at a time) would never
/// arrive, and the barrier reports that it gave up waiting, instead of the test hanging.
@Suite final class ConcurrentFireTests {
    /// A clock that, while armed, holds the first `rounds` calls of each of `parties` threads
    /// until every party has made that call.
    final class BarrierClock: @unchecked Sendable {
        private let condition = NSCondition()
        private let parties: Int
        private var remainingCalls = 0
        private var arrived = 0
        private var round = 0
        private(set) var gaveUp = false
        let instant = Date(timeIntervalSince1970: 1_474_362_000)

        init(parties: Int) {
            self.parties = parties
        }

        /// Holds the next `rounds` × `parties` calls, `parties` at a time.
        func arm(rounds: Int) {
            condition.lock()
            remainingCalls = rounds * parties
            condition.unlock()
        }

        func now() -> Date {
            condition.lock()
            defer { condition.unlock() }
            guard remainingCalls > 0, !gaveUp else { return instant }
            remainingCalls -= 1
            let myRound = round
            arrived += 1
            if arrived == parties {
                arrived = 0
                round += 1
                condition.broadcast()
                return instant
            }
            let deadline = Date().addingTimeInterval(10)
            while round == myRound, !gaveUp {
                if !condition.wait(until: deadline) {
                    gaveUp = true
                    condition.broadcast()
                }
            }
            return instant
        }
    }

    let clock = BarrierClock(parties: 2)
    let path = FileManager.default.temporaryDirectory.appendingPathComponent("docket-race-\(UUID().uuidString)").path
    let docket: DocketArchive

    init() throws {
        docket = try DocketArchive.create(
            at: path, from: Distribution(root: TemporaryArchive.repositoryRoot.path),
            clock: { [clock] in clock.now() })
        try docket.addUser("olivia", roles: [.officer], fullName: "Olivia Officer")
    }

    deinit {
        // Archived files are read-only; make them writable so the directory can be removed.
        for file in (try? FileManager.default.subpathsOfDirectory(atPath: path)) ?? [] {
            chmod("\(path)/\(file)", 0o755)
        }
        try? FileManager.default.removeItem(atPath: path)
    }

    func newSubmission() throws -> String {
        let reference = try docket.newSubmission(
            workflow: "best-value-submission", title: "Best Value Plan update", as: "olivia")
        for kind in [DocumentKind.submission, .coverLetter] {
            try docket.addDocument(
                to: reference, content: Array("The \(kind.rawValue)".utf8),
                description: DocumentDescription(
                    kind: kind, title: kind.rawValue, originalFileName: "\(kind.rawValue).txt"),
                as: "olivia")
        }
        return reference
    }

    /// Fires `submit-for-sign-off` on each reference at once, each on its own thread.
    func fireAtOnce(on references: [String]) -> [Result<FiredEvent, DocketError>] {
        let results = Mutex<[Result<FiredEvent, DocketError>]>([])
        let finished = DispatchGroup()
        clock.arm(rounds: 2)
        for reference in references {
            finished.enter()
            Thread.detachNewThread { [docket] in
                let outcome = Result { () throws(DocketError) in
                    try docket.fire("submit-for-sign-off", on: reference, as: "olivia")
                }
                results.withLock { $0.append(outcome) }
                finished.leave()
            }
        }
        _ = finished.wait(timeout: .now() + 60)
        return results.withLock { $0 }
    }

    @Test func firesOnTwoSubmissionsProceedTogether() throws {
        let first = try newSubmission()
        let second = try newSubmission()
        let outcomes = fireAtOnce(on: [first, second])
        #expect(!clock.gaveUp, "one fire waited for the other to finish")
        #expect(outcomes.count == 2)
        for outcome in outcomes {
            #expect((try? outcome.get())?.state == "awaiting-sign-off", "\(outcome)")
        }
        for reference in [first, second] {
            let view = try docket.submission(reference)
            #expect(view.state == "awaiting-sign-off")
            #expect(view.sequence == 3)
        }
        #expect(try docket.verify().filter { $0.severity == .problem }.isEmpty)
    }

    @Test func twoFiresOnOneSubmissionHaveOneWinner() throws {
        let reference = try newSubmission()
        let outcomes = fireAtOnce(on: [reference, reference])
        // Both read the submission before either wrote (they met after reading), so both built
        // the same next event: the archive's no-replace link lets exactly one of them in.
        #expect(!clock.gaveUp, "one fire waited for the other to finish")
        let won = outcomes.filter { (try? $0.get()) != nil }
        let lost = outcomes.compactMap { outcome -> DocketError? in
            guard case .failure(let error) = outcome else { return nil }
            return error
        }
        #expect(won.count == 1)
        #expect(lost.count == 1)
        for error in lost {
            guard case .archive(.conflict(let conflicted, let sequence)) = error else {
                Issue.record("expected a conflict, got \(error)")
                continue
            }
            #expect(conflicted == reference)
            #expect(sequence == 3)
        }
        let view = try docket.submission(reference)
        #expect(view.sequence == 3)
        #expect(view.state == "awaiting-sign-off")
        #expect(try docket.verify().filter { $0.severity == .problem }.isEmpty)
    }

    /// Many fires at once, their index rows committed in shared transactions (`IndexGroupCommit`):
    /// each fire returns with its own row in the index, none lost to another's batch.
    @Test func manyFiresAtOnceEachFindTheirRowInTheIndex() throws {
        let references = try (0..<12).map { _ in try newSubmission() }
        _ = try docket.index()
        let finished = DispatchGroup()
        let listedRightAfter = Mutex<[String: Bool]>([:])
        for reference in references {
            finished.enter()
            Thread.detachNewThread { [docket] in
                let fired = try? docket.fire("submit-for-sign-off", on: reference, as: "olivia")
                // Read back at once: the answer to a fire is given only after its row is in.
                let lines = (try? docket.submissionLines(inState: "awaiting-sign-off", limit: 100)) ?? []
                let listed = fired != nil && lines.contains { $0.reference == reference }
                listedRightAfter.withLock { $0[reference] = listed }
                finished.leave()
            }
        }
        #expect(finished.wait(timeout: .now() + 60) == .success)
        let listedByReference = listedRightAfter.withLock { $0 }
        #expect(listedByReference.count == references.count)
        #expect(listedByReference.values.allSatisfy { $0 }, "\(listedByReference)")
        let listed = try docket.submissionLines(inState: "awaiting-sign-off", limit: 100).map(\.reference)
        #expect(Set(listed) == Set(references))
    }

    /// Two fires of one submission may queue their rows in either order: the later state wins.
    @Test func aBatchKeepsEachSubmissionsLatestRows() throws {
        let reference = try newSubmission()
        let before = try docket.indexedSubmission(reference, fingerprint: "before", known: [:])
        try docket.fire("submit-for-sign-off", on: reference, as: "olivia")
        let after = try docket.indexedSubmission(reference, fingerprint: "after", known: [:])
        let other = try docket.indexedSubmission(try newSubmission(), fingerprint: "other", known: [:])
        let kept = IndexGroupCommit.latest([after, other, before])
        #expect(kept.map(\.reference) == [reference, other.reference])
        #expect(kept.first?.sequence == after.sequence)
        #expect(kept.first?.fingerprint == "after")
    }
}
