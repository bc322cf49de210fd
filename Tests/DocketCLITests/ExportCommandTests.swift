import Foundation
import TestSupport
import Testing

/// `docket export REF --bagit DIR` through the built binary, the bag checked by the Library of
/// Congress `bagit.py` (PyPI `bagit`; scripts/test installs it).
@Suite struct BagExportCommandTests {
    /// What `export --json` prints.
    struct Report: Decodable {
        var directory: String
        var files: Int
        var bytes: Int
        var payloadOxum: String
        var chainHead: String
        var chainLength: Int
    }

    /// A submission signed off by the Mayor: two documents, four events.
    func signedOff(_ archive: ScratchArchive) throws -> String {
        let reference = try archive.startSubmission()
        try archive.addSubmissionPack(reference)
        try archive.ok("submission", "fire", reference, "submit-for-sign-off", "--as", "olivia")
        try archive.ok("submission", "fire", reference, "sign-off", "--as", "mayor")
        return reference
    }

    @Test func exportWritesABagThatBagitValidates() throws {
        let archive = try ScratchArchive("export")
        defer { archive.remove() }
        let reference = try signedOff(archive)
        let bag = archive.directory.appendingPathComponent("transfer/\(reference)").path

        let outcome = try archive.run(["export", reference, "--bagit", bag, "--json"])
        #expect(outcome.status == 0, "\(outcome.standardError)")
        let report = try JSONDecoder().decode(Report.self, from: Data(outcome.standardOutput.utf8))
        #expect(report.directory == bag)
        #expect(report.chainLength == 4)
        #expect(report.payloadOxum == "\(report.bytes).\(report.files)")
        // Standard error is not a terminal here: plain progress lines, no redrawn bar.
        #expect(outcome.standardError.contains("copying files: \(report.files)/\(report.files)\n"))
        #expect(!outcome.standardError.contains("\r"))

        let validation = try CommandLineTools.run(try CommandLineTools.bagit(), ["--validate", bag])
        #expect(validation.status == 0, "bagit.py --validate: \(validation.output)")
        let head = try CommandLineTools.run(
            try CommandLineTools.tool("sha256sum"), ["\(archive.eventsDirectory(reference))/000004.xml"])
        #expect(report.chainHead == String(head.output.prefix(64)))
        let info = try String(contentsOfFile: "\(bag)/bag-info.txt", encoding: .utf8)
        #expect(info.contains("\nPayload-Oxum: \(report.payloadOxum)\n"))
        #expect(info.contains("\nDocket-Chain-Head: \(report.chainHead)\n"))
        #expect(info.contains("\nDocket-State: \(try archive.show(reference).state)\n"), "\(info)")
        #expect(!FileManager.default.fileExists(atPath: "\(bag)/data/submissions/\(reference)/.lock"))

        let xmllint = try CommandLineTools.run(
            try CommandLineTools.tool("xmllint"),
            ["--noout", "--schema", "schema/docket-archive-1.xsd", "submissions/\(reference)/events/000001.xml"],
            in: "\(bag)/data")
        #expect(xmllint.status == 0, "\(xmllint.output)")
    }

    @Test func textOutputAndArchiveOption() throws {
        let archive = try ScratchArchive("export-text")
        defer { archive.remove() }
        let reference = try signedOff(archive)
        let bag = archive.directory.appendingPathComponent("bag").path
        // --archive wins over DOCKET_ARCHIVE, as for every other command.
        let outcome = try CommandRunner.docket(
            ["export", reference, "--bagit", bag, "--archive", archive.path],
            environment: ["DOCKET_ARCHIVE": "/nonexistent"], in: archive.directory)
        #expect(outcome.status == 0, "\(outcome.standardError)")
        #expect(outcome.standardOutput.hasPrefix("wrote \(bag): "), "\(outcome.standardOutput)")
        #expect(outcome.standardOutput.contains("chain of 4 event(s), head "), "\(outcome.standardOutput)")
    }

    @Test func refusalsExitOneAndLeaveNoBag() throws {
        let archive = try ScratchArchive("export-refused")
        defer { archive.remove() }
        let reference = try signedOff(archive)
        let occupied = try archive.write("keep", to: "occupied/keep.txt")
        let occupiedDirectory = URL(fileURLWithPath: occupied).deletingLastPathComponent().path

        let full = try archive.run(["export", reference, "--bagit", occupiedDirectory])
        #expect(full.status == 1)
        #expect(
            full.standardError.contains("docket: \(occupiedDirectory) exists and is not empty"), "\(full.standardError)"
        )
        #expect(archive.names(in: occupiedDirectory) == ["keep.txt"])

        let unknownBag = archive.directory.appendingPathComponent("unknown").path
        let unknown = try archive.run(["export", "NOPE-2016-01", "--bagit", unknownBag])
        #expect(unknown.status == 1)
        #expect(unknown.standardError.contains("no submission NOPE-2016-01"), "\(unknown.standardError)")
        #expect(!FileManager.default.fileExists(atPath: unknownBag))

        try archive.replace("<previous>", with: "<previous>0", in: "submissions/\(reference)/events/000003.xml")
        let damagedBag = archive.directory.appendingPathComponent("damaged").path
        let damaged = try archive.run(["export", reference, "--bagit", damagedBag])
        #expect(damaged.status == 1)
        #expect(damaged.standardError.contains("events/000003.xml"), "\(damaged.standardError)")
        #expect(!FileManager.default.fileExists(atPath: damagedBag))
        #expect(archive.names(in: archive.directory.path).allSatisfy { !$0.contains(".partial-") })
    }

    @Test func usageErrorsExitTwo() throws {
        let archive = try ScratchArchive("export-usage")
        defer { archive.remove() }
        try archive.ok("init")
        let missing = try archive.run(["export", "BVP-2016-01"])
        #expect(missing.status == 2, "\(missing.standardError)")
        #expect(missing.standardError.contains("--bagit"), "\(missing.standardError)")
        let help = try archive.run(["export", "--help"])
        #expect(help.status == 0)
        #expect(help.standardOutput.contains("BagIt"), "\(help.standardOutput)")
    }
}
