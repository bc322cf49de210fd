import Archive
import ArgumentParser
import DocketKit
import Foundation

/// `docket verify`
struct VerifyCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "verify",
        abstract: "Check the whole archive: every XML file, hash chain and document.",
        discussion: """
            Validates every XML file against the archive's own schemas, recomputes every hash \
            chain, re-hashes every document and replays every history through its pinned workflow. \
            Prints each finding; notes (leftovers of interrupted writes) do not fail the check. \
            Exit status: 0 when there is no problem, 1 when there is any.
            """
    )

    @OptionGroup var archive: ArchiveOptions
    @OptionGroup var output: OutputFormat

    struct Row: Encodable {
        var severity: String
        var path: String
        var message: String
    }

    func run() throws {
        var standardError = StandardError()
        let interactive = isatty(STDERR_FILENO) != 0
        let findings = try archive.open().verify { done, total in
            if interactive {
                print(
                    "\rverifying submissions: \(done)/\(total)", terminator: done == total ? "\n" : "",
                    to: &standardError)
            }
        }
        if output.json {
            try printJSON(findings.map { Row(severity: $0.severity.rawValue, path: $0.path, message: $0.message) })
        } else {
            for finding in findings { print(finding) }
            let problems = findings.filter { $0.severity == .problem }.count
            print(problems == 0 ? "archive verified: no problems" : "\(problems) problem(s) found")
        }
        if findings.contains(where: { $0.severity == .problem }) { throw ExitCode.problemsFound }
    }
}
