import ArgumentParser
import DocketKit
import Foundation

/// `docket import MANIFEST`
struct ImportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "import",
        abstract: "Bring existing correspondence into the archive from a CSV manifest.",
        discussion: """
            The manifest is CSV with a header row; its columns are listed in the README \
            (file, reference, submission_title, workflow, state, series, service, kind, title, \
            date, from, to, direction, annex, description, marking, relation). Files are found \
            relative to the manifest's folder.

            The whole manifest is checked first — every row, every file — and every problem is \
            listed with its row number; nothing is imported while any row is invalid, unless \
            --skip-invalid. New submissions are created under the manifest's references and moved \
            into its state by a 'docket.import' event recording you and the time.

            Running the same manifest again imports nothing twice (documents are matched by \
            SHA-256), so an interrupted import is finished by running it again.

            Needs the admin role. Exit status: 0 imported, 1 problems found, 2 usage error.
            """
    )

    @OptionGroup var archive: ArchiveOptions
    @OptionGroup var acting: ActingUser
    @OptionGroup var output: OutputFormat
    @Argument(help: "The CSV manifest.") var manifest: String
    @Flag(name: .long, help: "Import the valid rows and skip the invalid ones (they are listed).")
    var skipInvalid = false
    @Flag(name: .long, help: "Only check the manifest; write nothing.") var check = false

    struct Report: Encodable {
        var problems: [String]
        var submissionsCreated: Int
        var submissionsImported: Int
        var documentsAdded: Int
        var documentsAlreadyPresent: Int
        var rowsSkipped: Int
    }

    func run() throws {
        let docket = try archive.open()
        let parsed = try ImportManifest(contentsOf: manifest)
        let plan = try docket.planImport(parsed, as: acting.user)
        var standardError = StandardError()
        if check || (!plan.problems.isEmpty && !skipInvalid) {
            if output.json {
                try printJSON(
                    Report(
                        problems: plan.problems.map(\.description), submissionsCreated: 0, submissionsImported: 0,
                        documentsAdded: 0, documentsAlreadyPresent: 0, rowsSkipped: 0))
            } else {
                for problem in plan.problems { print(problem, to: &standardError) }
                if plan.problems.isEmpty {
                    print(
                        "manifest checked: \(plan.documentCount) document(s) in \(plan.submissions.count) submission(s)"
                    )
                } else {
                    print(
                        "\(plan.problems.count) problem(s) in \(manifest); nothing was imported"
                            + " (fix them, or use --skip-invalid)", to: &standardError)
                }
            }
            if !plan.problems.isEmpty { throw ExitCode.problemsFound }
            return
        }
        for problem in plan.problems { print("skipping: \(problem)", to: &standardError) }
        let display = ProgressDisplay()
        let report: ImportReport
        do {
            defer { display.finish() }
            let name = URL(fileURLWithPath: manifest).lastPathComponent
            report = try docket.runImport(plan, manifestName: name, skipInvalid: skipInvalid, as: acting.user) {
                display.update("importing documents", $0, $1)
            }
        }
        if output.json {
            return try printJSON(
                Report(
                    problems: plan.problems.map(\.description), submissionsCreated: report.submissionsCreated,
                    submissionsImported: report.submissionsImported, documentsAdded: report.documentsAdded,
                    documentsAlreadyPresent: report.documentsAlreadyPresent, rowsSkipped: report.rowsSkipped))
        }
        print(
            "imported \(report.documentsAdded) document(s) into \(plan.submissions.count) submission(s) "
                + "(\(report.submissionsCreated) created, \(report.documentsAlreadyPresent) already present"
                + (report.rowsSkipped > 0 ? ", \(report.rowsSkipped) row(s) skipped" : "") + ")")
    }
}
