import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// A child process every test waits for with a time limit.
///
/// Its standard output and standard error go to two temporary files (or one, when merged)
/// rather than pipes, and both are read together once it has ended: a child that fills one
/// stream while the test reads the other can never block, and nothing the test does can
/// deadlock on a full pipe. A child that outlives its time limit is killed (SIGKILL) and the
/// wait throws `ExternalToolError` naming the command and the limit, so a hang fails its test
/// with a message in seconds or minutes instead of using up CI's time.
public final class ChildProcess: @unchecked Sendable {
    /// What a finished child printed, and how it ended.
    public struct Result: Sendable {
        /// The exit status, or the signal's number when a signal ended it.
        public var status: Int32
        /// Whether a signal (rather than `exit`) ended the child.
        public var endedBySignal: Bool
        public var standardOutput: String
        /// Empty when the output was merged into `standardOutput`.
        public var standardError: String

        /// Whether SIGKILL ended the child.
        public var wasKilled: Bool { endedBySignal && status == SIGKILL }
    }

    /// The command as a shell would show it, for messages.
    public let commandLine: String
    private let process = Process()
    private let scratch: URL
    private let outputURL: URL
    private let errorURL: URL?
    private let finished = DispatchSemaphore(value: 0)
    private let lock = NSLock()
    private var result: Result?

    /// Starts `executable` at once.
    ///
    /// - Parameters:
    ///   - environment: variables added to (or replacing those of) this process's environment.
    ///   - mergeOutput: standard error into the same file as standard output, interleaved as
    ///     the child wrote them.
    /// - Throws: `ExternalToolError` if the child cannot be started.
    public init(
        _ executable: String, _ arguments: [String], in directory: URL? = nil, environment: [String: String] = [:],
        mergeOutput: Bool = false
    ) throws {
        commandLine = ([executable] + arguments).joined(separator: " ")
        scratch = FileManager.default.temporaryDirectory.appendingPathComponent("docket-child-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: scratch, withIntermediateDirectories: true)
        outputURL = scratch.appendingPathComponent("stdout")
        errorURL = mergeOutput ? nil : scratch.appendingPathComponent("stderr")
        for file in [outputURL, errorURL].compactMap({ $0 }) {
            guard FileManager.default.createFile(atPath: file.path, contents: nil) else {
                throw ExternalToolError(description: "cannot create \(file.path) for the output of \(commandLine)")
            }
        }
        let output = try FileHandle(forWritingTo: outputURL)
        let error = try errorURL.map { try FileHandle(forWritingTo: $0) } ?? output
        defer {
            try? output.close()
            if errorURL != nil { try? error.close() }
        }
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        if let directory { process.currentDirectoryURL = directory }
        if !environment.isEmpty {
            process.environment = ProcessInfo.processInfo.environment.merging(environment) { _, new in new }
        }
        process.standardInput = FileHandle.nullDevice
        process.standardOutput = output
        process.standardError = error
        let finished = finished
        process.terminationHandler = { _ in finished.signal() }
        do {
            try process.run()
        } catch {
            try? FileManager.default.removeItem(at: scratch)
            throw ExternalToolError(description: "\(commandLine) could not be started: \(error)")
        }
    }

    deinit {
        if process.isRunning { kill(process.processIdentifier, SIGKILL) }
        try? FileManager.default.removeItem(at: scratch)
    }

    public var processIdentifier: Int32 { process.processIdentifier }

    /// Whether the child has not been seen to end yet.
    public var isRunning: Bool { process.isRunning }

    /// Sends `signal` unless the child has already been seen to end.
    public func send(_ signal: Int32) {
        guard process.isRunning else { return }
        _ = kill(process.processIdentifier, signal)
    }

    /// Waits for the child to end, at most `timeout` seconds; returns what it printed.
    ///
    /// - Throws: `ExternalToolError` if the child was still running at the limit (it is then
    ///   killed with SIGKILL, and its output so far is in the message).
    public func wait(timeout: TimeInterval) throws -> Result {
        lock.lock()
        defer { lock.unlock() }
        if let result { return result }
        guard finished.wait(timeout: .now() + timeout) == .success else {
            _ = kill(process.processIdentifier, SIGKILL)
            let ended = finished.wait(timeout: .now() + 10) == .success
            let output = Self.read(outputURL) + (errorURL.map(Self.read) ?? "")
            throw ExternalToolError(
                description: "\(commandLine) was still running after \(Self.seconds(timeout)); killed it with SIGKILL"
                    + (ended ? "" : " (and it had not ended 10 s later)") + ". Its output so far:\n"
                    + String(output.suffix(4000)))
        }
        process.waitUntilExit()  // returns at once: the termination handler has run
        let ended = Result(
            status: process.terminationStatus, endedBySignal: process.terminationReason == .uncaughtSignal,
            standardOutput: Self.read(outputURL), standardError: errorURL.map(Self.read) ?? "")
        result = ended
        try? FileManager.default.removeItem(at: scratch)
        return ended
    }

    /// Runs a program to its end, at most `timeout` seconds.
    ///
    /// - Throws: `ExternalToolError` if it cannot start or outlives `timeout` (it is killed).
    public static func run(
        _ executable: String, _ arguments: [String], in directory: URL? = nil, environment: [String: String] = [:],
        mergeOutput: Bool = false, timeout: TimeInterval
    ) throws -> Result {
        try ChildProcess(executable, arguments, in: directory, environment: environment, mergeOutput: mergeOutput)
            .wait(timeout: timeout)
    }

    private static func read(_ url: URL) -> String {
        String(decoding: (try? Data(contentsOf: url)) ?? Data(), as: UTF8.self)
    }

    private static func seconds(_ interval: TimeInterval) -> String {
        interval == interval.rounded() ? "\(Int(interval)) s" : "\(interval) s"
    }
}
