import ArgumentParser
import DocketKit
import Foundation
import XML

/// The `docket` command: a thin layer that parses arguments and calls the library.
@main
struct Docket: AsyncParsableCommand {
    static let version = "0.1.0"

    static let configuration = CommandConfiguration(
        commandName: "docket",
        abstract: "Track formal submissions through approval and keep their record.",
        discussion: """
            Exit status: 0 done, 1 refused or a problem found, 2 usage error, 3 conflict (retry).

            Docket moves a council's formal submissions through drafting, the Mayor's sign-off,
            dispatch, the Commissioners' response and Board consideration, and archives every
            document with XML metadata that can be checked without Docket.
            """,
        version: "docket \(version) (libxml2 \(XMLLibrary.runtimeVersion))\ndistribution: "
            + (Distribution.locate()?.root ?? "not found (set DOCKET_HOME; see 'docket demo')"),
        subcommands: [
            InitCommand.self, UserCommand.self, WorkflowCommand.self, SubmissionCommand.self, DocumentCommand.self,
            VerifyCommand.self, SearchCommand.self, ReindexCommand.self, ImportCommand.self, ExportCommand.self,
            SeriesCommand.self, MeetingCommand.self, ReportCommand.self, AgendaCommand.self, PackCommand.self,
            CalendarCommand.self, DueCommand.self, NotifyCommand.self, OutboxCommand.self, DemoCommand.self,
            ServeCommand.self, XMLCommand.self, AuditCommand.self, ClearanceCommand.self, MailCommand.self,
            MinutesCommand.self, DecisionsCommand.self, ActionCommand.self, RetentionCommand.self, HoldCommand.self,
            KeyCommand.self, SignatureCommand.self, BackupCommand.self, RestoreCommand.self, ConfigCommand.self,
        ]
    )

    /// Runs the command; usage errors exit with status 2, as the subcommands document.
    static func main() async {
        do {
            try await Settings.load(arguments: CommandLine.arguments, environment: ProcessInfo.processInfo.environment)
        } catch {
            // Help and the version need no settings: they are what one reads to mend them.
            let asksForHelp = CommandLine.arguments.dropFirst().contains {
                ["--help", "-h", "help", "--version"].contains($0)
            }
            if !asksForHelp {
                var standardError = StandardError()
                print("docket: \(error)", to: &standardError)
                Foundation.exit(ExitCode.usage.rawValue)
            }
        }
        do {
            var command = try parseAsRoot()
            if var asyncCommand = command as? AsyncParsableCommand {
                try await asyncCommand.run()
            } else {
                try command.run()
            }
        } catch {
            if let failure = error as? DocketError {
                var standardError = StandardError()
                print("docket: \(failure)", to: &standardError)
                Foundation.exit(ExitCode.forFailure(failure).rawValue)
            }
            if exitCode(for: error) == .validationFailure {
                // ArgumentParser's usage errors are EX_USAGE (64); Docket documents 2.
                var standardError = StandardError()
                print(fullMessage(for: error), to: &standardError)
                Foundation.exit(ExitCode.usage.rawValue)
            }
            exit(withError: error)
        }
    }
}

extension ExitCode {
    /// A file failed a check (invalid XML, a failed verification).
    static let problemsFound = ExitCode(1)
    /// The command was used wrongly: a missing or unusable argument such as a schema.
    static let usage = ExitCode(2)
    /// Another change was recorded first (or the caller's view is stale): look again, retry.
    static let conflict = ExitCode(3)

    /// The status for a refused or failed use case.
    static func forFailure(_ failure: DocketError) -> ExitCode {
        switch failure {
        case .archive(.conflict), .archive(.staleSequence), .boardLogChanged: return .conflict
        default: return .problemsFound
        }
    }
}
