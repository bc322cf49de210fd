/// Lets at most `slots` pieces of one kind of work run at once; the rest wait their turn in
/// arrival order.
///
/// A search for two common words costs SQLite a tenth of a second at a million documents
/// (BM25 reads the whole list of documents holding each word). Fifty at once would take every
/// worker thread and core and slow the whole app down; queued here, they wait for each other
/// instead, and dashboards and submission pages keep their pace.
///
/// Work that waited longer than `maximumWait` for its slot is not started: the server is
/// overloaded, and the client has most likely given up (a load tester after two seconds, a
/// person soon after). It is answered 503 with Retry-After instead, so that abandoned requests
/// do not pile up ahead of new ones.
actor WorkLimiter {
    let slots: Int
    let maximumWait: Duration
    private var running = 0
    private var waiting: [CheckedContinuation<Void, Never>] = []

    init(slots: Int, maximumWait: Duration = .seconds(5)) {
        precondition(slots > 0, "a limiter needs at least one slot")
        self.slots = slots
        self.maximumWait = maximumWait
    }

    /// Runs `work` when a slot is free.
    ///
    /// - Throws: `WebError` 503 when the slot came later than `maximumWait`; else what `work` throws.
    nonisolated func run<T: Sendable>(_ work: @Sendable () async throws -> T) async throws -> T {
        let queued = ContinuousClock.now
        await acquire()
        if ContinuousClock.now - queued > maximumWait {
            await release()
            throw WebError.busy(retryAfterSeconds: 1)
        }
        do {
            let result = try await work()
            await release()
            return result
        } catch {
            await release()
            throw error
        }
    }

    /// How many are waiting for a slot now.
    var queued: Int { waiting.count }

    private func acquire() async {
        if running < slots {
            running += 1
            return
        }
        await withCheckedContinuation { waiting.append($0) }  // the releaser hands its slot over
    }

    private func release() {
        if waiting.isEmpty {
            running -= 1
        } else {
            waiting.removeFirst().resume()
        }
    }
}
