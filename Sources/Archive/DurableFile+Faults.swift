import Glibc
import Synchronization

// MARK: - Injected faults

extension DurableFile {
    /// A step of a durable write that a fault can be injected into.
    package enum Step: Sendable {
        /// Writing the bytes (into the temporary file, or the file written in place).
        case write
        /// Fsyncing the written file.
        case fsync
        /// Putting the file under its name: the `link` of a new file, the `rename` of a replacement.
        case rename
        /// Fsyncing the directory, so that the new name survives a crash.
        case syncDirectory
    }

    /// Faults injected into the write layer, for tests.
    ///
    /// A real disk gives ENOSPC on demand (a small tmpfs) but never EIO, and this machine has no
    /// device-mapper to make one that does: this is the only way to see how every write path
    /// meets a failing device. Off unless a test arms it; while off, each step costs one atomic load.
    package static let faults = FaultInjector()

    /// Whether an armed fault fails `step` of the write to `path`; if so, `errno` is set to its error.
    ///
    /// Call sites read `faulted(.step, path) || realCall() != 0`, so a fault looks to the code
    /// after it exactly like the system call failing.
    static func faulted(_ step: Step, _ path: String) -> Bool {
        guard let code = faults.failure(step, path) else { return false }
        errno = code
        return true
    }
}

/// Makes chosen steps of durable writes fail with a chosen `errno` (see `DurableFile.faults`).
package final class FaultInjector: Sendable {
    /// One armed fault: which step, of which files, from which matching call on, with what error.
    package struct Fault: Sendable {
        /// The step that fails.
        package var step: DurableFile.Step
        /// Which writes it applies to, by the final path (never the temporary name); for a
        /// directory fsync, the directory. Tests match their own archive's root so that tests
        /// running alongside are never touched.
        package var matching: @Sendable (String) -> Bool
        /// The error the step fails with.
        package var error: Int32
        /// How many matching steps succeed before the first failure.
        package var skipping: Int
        /// How many failures, after which the fault is spent; nil fails every matching step until cleared.
        package var times: Int?

        package init(
            _ step: DurableFile.Step, error: Int32 = EIO, skipping: Int = 0, times: Int? = 1,
            matching: @escaping @Sendable (String) -> Bool
        ) {
            self.step = step
            self.matching = matching
            self.error = error
            self.skipping = skipping
            self.times = times
        }
    }

    /// Read on every step: kept apart from the fault so that the common case takes no lock.
    private let armed = Atomic<Bool>(false)
    private let state = Mutex<(fault: Fault?, fired: Int)>((nil, 0))

    init() {}

    /// Arms `fault`, replacing any armed before.
    package func inject(_ fault: Fault) {
        state.withLock { $0 = (fault, 0) }
        armed.store(true, ordering: .releasing)
    }

    /// Disarms; returns how many times the fault fired.
    @discardableResult
    package func clear() -> Int {
        armed.store(false, ordering: .releasing)
        return state.withLock { current in
            defer { current = (nil, 0) }
            return current.fired
        }
    }

    /// How many times the armed fault has fired so far.
    package var fired: Int { state.withLock { $0.fired } }

    /// The error `step` of the write to `path` fails with, or nil when it may go ahead.
    func failure(_ step: DurableFile.Step, _ path: String) -> Int32? {
        guard armed.load(ordering: .acquiring) else { return nil }
        return state.withLock { current -> Int32? in
            guard var fault = current.fault, fault.step == step, fault.matching(path) else { return nil }
            if fault.skipping > 0 {
                fault.skipping -= 1
                current.fault = fault
                return nil
            }
            if let times = fault.times {
                fault.times = times - 1
                current.fault = times > 1 ? fault : nil
            }
            current.fired += 1
            return fault.error
        }
    }
}
