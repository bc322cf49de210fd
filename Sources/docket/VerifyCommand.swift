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
            chain, re-hashes every document and replays every history through its pinned workflow; \
            checks every record's XML Signature against the archive's key list, naming any record \
            unsigned where it must be signed, signed by an unknown key or outside its key's period. \
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
        let (findings, signatures) = try archive.open().verifyReporting { done, total in
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
            print(Self.describe(signatures))
            let problems = findings.filter { $0.severity == .problem }.count
            print(problems == 0 ? "archive verified: no problems" : "\(problems) problem(s) found")
        }
        if findings.contains(where: { $0.severity == .problem }) { throw ExitCode.problemsFound }
    }

    /// One line on the archive's signatures.
    static func describe(_ summary: SignatureSummary) -> String {
        guard let current = summary.keys.last else {
            return "signatures: none (this archive does not sign its records; 'docket key new' starts)"
        }
        var line =
            "signatures: \(summary.signed) record(s) signed and verified with \(summary.keys.count) key(s) "
            + "(current \(current.key.name), SPKI SHA-256 \(current.key.spkiSHA256))"
        if summary.beforeSigning > 0 {
            line +=
                "; \(summary.beforeSigning) record(s) in \(summary.logsBeforeSigning) log(s) from before signing "
                + "('docket key seal-history' seals them)"
        }
        if summary.sealedLogs > 0 { line += "; \(summary.sealedLogs) log(s) sealed" }
        return line
    }
}
