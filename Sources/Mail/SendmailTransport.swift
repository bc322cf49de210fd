import Foundation

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

    /// Runs the MTA with the message on its standard input and waits (at most `timeLimit`).
    public func send(_ message: [UInt8]) -> Outcome {
        guard FileManager.default.isExecutableFile(atPath: path) else {
            return .failed("the mail program \(path) does not exist or cannot be run")
        }
        let run: ChildProgram.Outcome
        do {
            run = try ChildProgram.run(path, arguments, input: message, timeLimit: timeLimit)
        } catch {
            return .failed("could not run \(path): \(error.localizedDescription)")
        }
        let how: String
        switch run.ending {
        case .exited(0): return .accepted
        case .exited(let status): how = "exited with status \(status)"
        case .killedBySignal(let signal): how = "was killed by signal \(signal)"
        case .timedOut: return .failed("\(path) did not finish within \(Int(timeLimit)) s; abandoned")
        }
        return .failed("\(path) \(how)" + (run.printed.isEmpty ? "" : ": \(run.printed)"))
    }
}
