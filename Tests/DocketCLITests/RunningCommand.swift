import Foundation

#if canImport(Glibc)
    import Glibc

    /// `kill(2)`, named apart from `RunningCommand.kill()`.
    private let sendSignal = Glibc.kill
#else
    import Darwin

    private let sendSignal = Darwin.kill
#endif

extension CommandRunner {
    /// How a child `docket` process ended.
    struct Completion {
        /// Status and output; when killed, the status is the signal number.
        var outcome: Outcome
        /// Whether SIGKILL ended the process (rather than the process exiting by itself).
        var wasKilled: Bool
    }

    /// A `docket` child process started without waiting for it, so that a test can run two at
    /// once or kill one mid-write.
    ///
    /// Output goes to temporary files rather than pipes: a child that prints a lot (a long
    /// `submission show --json`) can then never block on a full pipe while the test waits.
    final class RunningCommand {
        private let process: Process
        private let outputFile: URL
        private let errorFile: URL

        fileprivate init(process: Process, outputFile: URL, errorFile: URL) {
            self.process = process
            self.outputFile = outputFile
            self.errorFile = errorFile
        }

        /// Sends SIGKILL unless the process has already been seen to exit.
        ///
        /// Whether the kill landed is decided by `wait()`: a process may finish between the
        /// check and the signal, and then it counts as completed, not killed.
        func kill() {
            guard process.isRunning else { return }
            _ = sendSignal(process.processIdentifier, SIGKILL)
        }

        /// Waits for the process to end and collects what it printed.
        func wait() -> Completion {
            process.waitUntilExit()
            let output = (try? Data(contentsOf: outputFile)) ?? Data()
            let error = (try? Data(contentsOf: errorFile)) ?? Data()
            try? FileManager.default.removeItem(at: outputFile)
            try? FileManager.default.removeItem(at: errorFile)
            let killed = process.terminationReason == .uncaughtSignal && process.terminationStatus == SIGKILL
            return Completion(
                outcome: Outcome(
                    status: process.terminationStatus,
                    standardOutput: String(decoding: output, as: UTF8.self),
                    standardError: String(decoding: error, as: UTF8.self)),
                wasKilled: killed)
        }
    }

    /// Starts `docket` with extra environment variables (e.g. `DOCKET_ARCHIVE`) and returns
    /// at once.
    static func start(
        _ arguments: [String], environment: [String: String] = [:], in directory: URL
    ) throws -> RunningCommand {
        let process = Process()
        process.executableURL = executable
        process.arguments = arguments
        process.currentDirectoryURL = directory
        process.environment = ProcessInfo.processInfo.environment.merging(environment) { _, new in new }
        let stem = FileManager.default.temporaryDirectory.appendingPathComponent("docket-child-\(UUID().uuidString)")
        let outputFile = stem.appendingPathExtension("out")
        let errorFile = stem.appendingPathExtension("err")
        for file in [outputFile, errorFile] {
            guard FileManager.default.createFile(atPath: file.path, contents: nil) else {
                throw CocoaError(.fileWriteUnknown, userInfo: [NSFilePathErrorKey: file.path])
            }
        }
        process.standardOutput = try FileHandle(forWritingTo: outputFile)
        process.standardError = try FileHandle(forWritingTo: errorFile)
        try process.run()
        return RunningCommand(process: process, outputFile: outputFile, errorFile: errorFile)
    }

    /// Runs `docket` with extra environment variables and waits for it.
    static func docket(_ arguments: [String], environment: [String: String], in directory: URL) throws -> Outcome {
        try start(arguments, environment: environment, in: directory).wait().outcome
    }
}
