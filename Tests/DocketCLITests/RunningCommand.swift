import Foundation
import TestSupport

#if canImport(Glibc)
    import Glibc
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
    /// Output goes to temporary files rather than pipes (see `ChildProcess`): a child that
    /// prints a lot (a long `submission show --json`) can then never block on a full pipe while
    /// the test waits, and every wait has a time limit.
    final class RunningCommand {
        private let child: ChildProcess

        fileprivate init(child: ChildProcess) {
            self.child = child
        }

        /// The child's process id (to find it in /proc/locks, say).
        var processIdentifier: Int32 { child.processIdentifier }

        /// Whether the process has not been seen to end yet.
        var isRunning: Bool { child.isRunning }

        /// Sends SIGKILL unless the process has already been seen to exit.
        ///
        /// Whether the kill landed is decided by `wait()`: a process may finish between the
        /// check and the signal, and then it counts as completed, not killed.
        func kill() {
            child.send(SIGKILL)
        }

        /// Waits for the process to end (at most `timeout` seconds) and collects what it printed.
        ///
        /// - Throws: `ExternalToolError` if it was still running at the limit: it is then
        ///   killed, and the test fails with the command and its output so far.
        func wait(timeout: TimeInterval = CommandRunner.timeLimit) throws -> Completion {
            let result = try child.wait(timeout: timeout)
            return Completion(
                outcome: Outcome(
                    status: result.status, standardOutput: result.standardOutput, standardError: result.standardError),
                wasKilled: result.wasKilled)
        }
    }

    /// Starts `docket` with extra environment variables (e.g. `DOCKET_ARCHIVE`) and returns
    /// at once.
    static func start(
        _ arguments: [String], environment: [String: String] = [:], in directory: URL
    ) throws -> RunningCommand {
        // Signing keys made by a command (the demo's) go to a configuration directory of this
        // test run, never the home directory's.
        let environment = ["XDG_CONFIG_HOME": configurationHome].merging(environment) { _, given in given }
        return RunningCommand(
            child: try ChildProcess(executable.path, arguments, in: directory, environment: environment))
    }

    /// The configuration directory the commands of this test run use (`XDG_CONFIG_HOME`).
    static let configurationHome = FileManager.default.temporaryDirectory
        .appendingPathComponent("docket-cli-tests-\(getpid())/config").path

    /// Runs `docket` with extra environment variables and waits for it (at most `timeLimit`).
    static func docket(_ arguments: [String], environment: [String: String], in directory: URL) throws -> Outcome {
        try start(arguments, environment: environment, in: directory).wait().outcome
    }
}
