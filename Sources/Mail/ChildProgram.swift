import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// Runs an outside program (the MTA, msgconvert) to its end under a time limit, with what it
/// prints kept short: what the module's hand-overs to other programs share.
enum ChildProgram {
    /// How a run ended.
    enum Ending: Sendable, Hashable {
        /// The program exited with this status.
        case exited(Int32)
        /// A signal other than the time limit's ended it.
        case killedBySignal(Int32)
        /// It was still running at the time limit and was killed.
        case timedOut
    }

    /// A run that ended: how, and the start of what it printed (standard output and error).
    struct Outcome: Sendable {
        var ending: Ending
        /// At most 4 KB of its output, trimmed.
        var printed: String
    }

    /// A program that exits without reading its input would make writing to it raise SIGPIPE,
    /// which ends the whole process (the web app with it): ignored, once, so that the write
    /// fails instead and the refusal is reported like any other.
    private static let brokenPipesIgnored: Void = { _ = signal(SIGPIPE, SIG_IGN) }()

    /// Runs `path` with `arguments` and waits for it, at most `timeLimit` seconds; past that it
    /// is killed (SIGTERM, then SIGKILL) and the run counts as timed out.
    ///
    /// - Parameters:
    ///   - input: written to its standard input, or `nil` for none (`/dev/null`).
    ///   - directory: its working directory, or `nil` for Docket's own.
    /// - Throws: what `Process.run()` throws when the program cannot be started.
    static func run(
        _ path: String, _ arguments: [String], input: [UInt8]? = nil, directory: URL? = nil,
        timeLimit: TimeInterval
    ) throws -> Outcome {
        _ = brokenPipesIgnored
        let process = Process()
        process.executableURL = URL(fileURLWithPath: path)
        process.arguments = arguments
        if let directory { process.currentDirectoryURL = directory }
        let inputPipe = input.map { _ in Pipe() }
        process.standardInput = inputPipe ?? FileHandle.nullDevice
        let output = Pipe()
        process.standardOutput = output
        process.standardError = output
        let finished = DispatchSemaphore(value: 0)
        process.terminationHandler = { _ in finished.signal() }
        try process.run()
        if let input, let inputPipe {
            // Written from another thread: a program that reads nothing and fills the output
            // pipe must not leave Docket blocked on a full input pipe.
            let writer = Thread {
                // Throws (rather than traps, as `write(_:)` does) when the program stopped reading.
                try? inputPipe.fileHandleForWriting.write(contentsOf: input)
                try? inputPipe.fileHandleForWriting.close()
            }
            writer.start()
        }
        let printed = OutputCollector(output.fileHandleForReading)
        if finished.wait(timeout: .now() + timeLimit) == .timedOut {
            process.terminate()
            kill(process.processIdentifier, SIGKILL)
            _ = finished.wait(timeout: .now() + 5)
            return Outcome(ending: .timedOut, printed: printed.text(waiting: 0))
        }
        let ending: Ending =
            process.terminationReason == .exit
            ? .exited(process.terminationStatus) : .killedBySignal(process.terminationStatus)
        return Outcome(ending: ending, printed: printed.text(waiting: 1))
    }
}

/// Reads a pipe to its end on a thread of its own, keeping at most 4 KB (what a program says
/// when it refuses is short; a runaway one must not grow Docket's memory).
private final class OutputCollector: @unchecked Sendable {
    private let lock = NSLock()
    private var collected: [UInt8] = []
    private let done = DispatchSemaphore(value: 0)

    init(_ handle: FileHandle) {
        let thread = Thread { [self] in
            while case let chunk = handle.availableData, !chunk.isEmpty {
                lock.lock()
                if collected.count < 4096 { collected += chunk.prefix(4096 - collected.count) }
                lock.unlock()
            }
            done.signal()
        }
        thread.start()
    }

    /// What was printed, trimmed, once the pipe closed or after `seconds` (a child the
    /// program left behind may hold the pipe open long after the program itself ended).
    func text(waiting seconds: TimeInterval) -> String {
        _ = done.wait(timeout: .now() + seconds)
        lock.lock()
        defer { lock.unlock() }
        return String(decoding: collected, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
    }
}
