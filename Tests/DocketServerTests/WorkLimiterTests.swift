import HTTPTypes
import Synchronization
import Testing

@testable import DocketServer

/// The limiter that keeps expensive searches from taking every core at once.
@Suite struct WorkLimiterTests {
    @Test func neverRunsMoreThanItsSlotsAndFinishesEverything() async throws {
        let limiter = WorkLimiter(slots: 2, maximumWait: .seconds(3_600))  // slots only, not the wait bound
        let gauge = Gauge()
        let results = try await withThrowingTaskGroup(of: Int.self) { group in
            for number in 0..<40 {
                group.addTask {
                    try await limiter.run {
                        gauge.enter()
                        try await Task.sleep(for: .milliseconds(10))
                        gauge.leave()
                        if number % 7 == 0 { throw CancellationError() }  // a failing piece frees its slot too
                        return number
                    }
                }
            }
            var finished: [Int] = []
            var failures = 0
            while let next = await group.nextResult() {
                switch next {
                case .success(let number): finished.append(number)
                case .failure: failures += 1
                }
            }
            return (finished.sorted(), failures)
        }
        #expect(gauge.state.withLock { $0.most } == 2)
        #expect(results.0 == (0..<40).filter { $0 % 7 != 0 })
        #expect(results.1 == 6)
        #expect(gauge.state.withLock { $0.running } == 0)
    }
}

extension WorkLimiterTests {
    @Test func workThatWaitedTooLongIsAnsweredBusyNotStarted() async throws {
        let limiter = WorkLimiter(slots: 1, maximumWait: .milliseconds(20))
        let gauge = Gauge()
        let (started, startedSignal) = AsyncStream<Void>.makeStream()
        let (finish, finishSignal) = AsyncStream<Void>.makeStream()
        let long = Task {
            try await limiter.run {
                startedSignal.yield()
                for await _ in finish { break }  // holds the only slot until told
            }
        }
        for await _ in started { break }
        let late = Task { () async throws -> Int in
            try await limiter.run {
                gauge.enter()
                return 1
            }
        }
        while await limiter.queued == 0 { try await Task.sleep(for: .milliseconds(1)) }
        try await Task.sleep(for: .milliseconds(60))  // well past its 20 ms
        finishSignal.yield()
        try await long.value
        let outcome = await late.result
        switch outcome {
        case .success: Issue.record("work that waited past its limit was started")
        case .failure(let error):
            let refusal = error as? WebError
            #expect(refusal?.status == HTTPResponse.Status.serviceUnavailable)
            #expect(refusal?.headers[HTTPField.Name.retryAfter] == "1")
        }
        #expect(gauge.state.withLock { $0.most } == 0)
        // The slot is free again afterwards.
        #expect(try await limiter.run { 7 } == 7)
    }
}

/// How many pieces of work run now, and the most that ever ran at once.
private final class Gauge: Sendable {
    let state = Mutex((running: 0, most: 0))

    func enter() {
        state.withLock {
            $0.running += 1
            $0.most = max($0.most, $0.running)
        }
    }

    func leave() {
        state.withLock { $0.running -= 1 }
    }
}
