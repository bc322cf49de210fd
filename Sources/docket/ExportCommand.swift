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
            tagmanifest-sha256.txt; and bag-info.txt with the reference, title, state, dates and \
            the SHA-256 of the last event file (Docket-Chain-Head). Any BagIt tool checks it, \
            e.g. 'bagit.py --validate DIR'; from inside DIR/data, 'xmllint --noout --schema \
            schema/docket-archive-2.xsd submissions/REF/events/*.xml' checks its XML without \
            Docket.

            The hash chain and every file are checked while copying: a damaged submission is \
            refused, naming the damaged file. DIR must not exist, or be an empty directory; the \
            bag is built beside it and appears there only when complete.

            Exit status: 0 written, 1 refused, 2 usage error.
            """
    )

    @OptionGroup var archive: ArchiveOptions
    @OptionGroup var output: OutputFormat
    @Argument(help: "The submission's reference.") var reference: String
    @Option(name: .long, help: ArgumentHelp("The directory to write the bag to (new or empty).", valueName: "DIR"))
    var bagit: String

    /// `--json`: the summary, with stable field names.
    struct Report: Encodable {
        var directory: String
        var files: Int
        var bytes: Int
        var payloadOxum: String
        var chainHead: String
        var chainLength: Int
    }

    func validate() throws {
        guard !bagit.isEmpty else { throw ValidationError("--bagit needs a directory") }
    }

    func run() throws {
        let docket = try archive.open()
        let display = ProgressDisplay()
        let summary: BagSummary
        do {
            defer { display.finish() }
            summary = try docket.exportBag(reference, to: bagit) { done, total in
                display.update("copying files", done, total)
            }
        }
        if output.json {
            return try printJSON(
                Report(
                    directory: summary.directory, files: summary.files, bytes: summary.bytes,
                    payloadOxum: summary.payloadOxum, chainHead: summary.chainHead, chainLength: summary.chainLength))
        }
        print(
            "wrote \(summary.directory): \(summary.files) files, \(summary.bytes) bytes; "
                + "chain of \(summary.chainLength) event(s), head \(summary.chainHead)")
    }
}
