import ArgumentParser
import DocketKit
import Foundation

/// `docket export REF --bagit DIR`
struct ExportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "export",
        abstract: "Write a submission's record as a BagIt bag (RFC 8493) for a records office.",
        discussion: """
            The bag holds, under data/ in the archive's own layout, the submission's documents \
            and their XML metadata, every event file, submission.xml and head.xml, the workflow \
            definition it is pinned to and the archive's schemas; manifest-sha256.txt and \
            tagmanifest-sha256.txt; and bag-info.txt with the reference, title, dates and the \
            SHA-256 of the last event (the chain head). Any BagIt tool checks it, e.g. \
            'bagit.py --validate DIR'; 'xmllint --noout --schema data/schema/docket-archive-1.xsd' \
            checks its XML without Docket.

            The chain and every document are checked while copying: a damaged submission is \
            refused. DIR must not exist or be empty; the bag appears there only when complete.

            Exit status: 0 written, 1 refused, 2 usage error.
            """
    )

    @OptionGroup var archive: ArchiveOptions
    @OptionGroup var output: OutputFormat
    @Argument(help: "The submission's reference.") var reference: String
    @Option(name: .long, help: ArgumentHelp("The directory to write the bag to.", valueName: "DIR"))
    var bagit: String

    struct Report: Encodable {
        var directory: String
        var files: Int
        var bytes: Int
        var chainHead: String
        var chainLength: Int
    }

    func run() throws {
        let docket = try archive.open()
        let display = ProgressDisplay()
        let summary: BagSummary
        do {
            defer { display.finish() }
            summary = try docket.exportBag(reference, to: bagit) { done, total in
                if total >= 50 { display.update("copying files", done, total) }
            }
        }
        if output.json {
            return try printJSON(
                Report(
                    directory: summary.directory, files: summary.files, bytes: summary.bytes,
                    chainHead: summary.chainHead, chainLength: summary.chainLength))
        }
        print(
            "wrote \(summary.directory): \(summary.files) files, \(summary.bytes) bytes; "
                + "chain of \(summary.chainLength) events, head \(summary.chainHead)")
    }
}
