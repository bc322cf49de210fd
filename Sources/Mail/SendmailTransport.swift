import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// Hands messages to the system's mail transfer agent through the `sendmail` interface that
/// every MTA provides (`/usr/sbin/sendmail -i -t`: recipients from the headers, a lone dot is
/// not the end). TLS, authentication, queues and relaying are the MTA's business.
public struct SendmailTransport: Sendable {
    /// What happened to one hand-over.
    public enum Outcome: Sendable, Hashable {
        /// The MTA took the message (exit status 0).
        case accepted
        /// The MTA refused it, could not be run, or did not finish in time; the text says
        /// which, with what the MTA printed.
        case failed(String)
    }

    /// The program, e.g. `/usr/sbin/sendmail` or `/usr/bin/msmtp`.
    public var path: String
    /// Its arguments before the message: `-i -t` by default.
    public var arguments: [String]
    /// How long one hand-over may take before it is abandoned (and counted as failed).
    public var timeLimit: TimeInterval

    public init(path: String = "/usr/sbin/sendmail", arguments: [String] = ["-i", "-t"], timeLimit: TimeInterval = 60) {
        self.path = path
        self.arguments = arguments
        self.timeLimit = timeLimit
    }

    /// An MTA that exits without reading its input would make writing to it raise SIGPIPE,
    /// which ends the whole process (the web app with it): ignored, once, so that the write
    /// fails instead and the refusal is reported like any other.
    private static let brokenPipesIgnored: Void = { _ = signal(SIGPIPE, SIG_IGN) }()

    /// Runs the MTA with the message on its standard input and waits (at most `timeLimit`).
    public func send(_ message: [UInt8]) -> Outcome {
        _ = Self.brokenPipesIgnored
        guard FileManager.default.isExecutableFile(atPath: path) else {
            return .failed("the mail program \(path) does not exist or cannot be run")
        }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: path)
        process.arguments = arguments
        let input = Pipe()
        let errors = Pipe()
        process.standardInput = input
        process.standardOutput = errors
        process.standardError = errors
        let finished = DispatchSemaphore(value: 0)
        process.terminationHandler = { _ in finished.signal() }
        do {
            try process.run()
        } catch {
            return .failed("could not run \(path): \(error.localizedDescription)")
        }
        // The message is written from another thread: an MTA that reads nothing and fills the
        // error pipe must not leave Docket blocked on a full input pipe.
        let writer = Thread {
            // Throws (rather than traps, as `write(_:)` does) when the MTA stopped reading.
            try? input.fileHandleForWriting.write(contentsOf: message)
            try? input.fileHandleForWriting.close()
        }
        writer.start()
        let printed = ErrorCollector(errors.fileHandleForReading)
        if finished.wait(timeout: .now() + timeLimit) == .timedOut {
            process.terminate()
            kill(process.processIdentifier, SIGKILL)
            _ = finished.wait(timeout: .now() + 5)
            return .failed("\(path) did not finish within \(Int(timeLimit)) s; abandoned")
        }
        let output = printed.text()
        guard process.terminationReason == .exit, process.terminationStatus == 0 else {
            let how =
                process.terminationReason == .exit
                ? "exited with status \(process.terminationStatus)"
                : "was killed by signal \(process.terminationStatus)"
            return .failed("\(path) \(how)" + (output.isEmpty ? "" : ": \(output)"))
        }
        return .accepted
    }
}

/// Reads a pipe to its end on a thread of its own, keeping at most 4 KB (what an MTA says
/// when it refuses a message is short; a runaway one must not grow Docket's memory).
private final class ErrorCollector: @unchecked Sendable {
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

    /// What was printed, trimmed, once the pipe closed (or after a second, if it did not).
    func text() -> String {
        _ = done.wait(timeout: .now() + 1)
        lock.lock()
        defer { lock.unlock() }
        return String(decoding: collected, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
    }
}
