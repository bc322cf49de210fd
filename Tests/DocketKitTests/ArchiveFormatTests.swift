import Archive
import DocketKit
import Foundation
import TestSupport
import Testing
import Workflow

/// How the archive format grows (docs/archive-format.md, "How the format grows"): a schema file
/// once shipped is never edited, and an archive written by an earlier Docket keeps verifying and
/// accepting writes against the schemas it carries.
@Suite struct ArchiveFormatTests {
    static let repositoryRoot = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    /// Every schema file ever shipped, with the SHA-256 it shipped with. Archives validate their
    /// writes against their own copies of these: editing one here would make new archives differ
    /// from old ones under the same file name. New content goes into a new file (e.g.
    /// `docket-archive-2.xsd`, a new namespace) added to this list and to `init --upgrade`.
    static let shippedSchemas: [String: String] = [
        "schema/docket-archive-1.xsd": "2ee9176fb75fc4038dc67e16cb05520cb6461b675382b7aac289e15f7fea9666",
        "schema/docket-board-1.xsd": "3e7b58cda526a060ebaeb58e5616f4f1f407d178e9879c09d6772812f85f9150",
        "schema/docket-mail-1.xsd": "ef4c7fbdcb29ae8347dfc565d5700f4686bc4a878afc5f64682986f9f537b3f8",
        "schema/docket-archive-2.xsd": "552e02945eaf8aad97dc520f31ed7b557d8121978a71849b0838acd180d5964e",
        "schema/docket-archive-3.xsd": "11b02b1edd3a85348bcd1cf9c2c5d0b53b190557964897af6d461f5a39939fbe",
        "schema/docket-access-1.xsd": "32b9f7173ec7fb74bd142f7b57a36f6e60fcceb5408c2b43b322d15eeda1f925",
        "schema/docket-archive-4.xsd": "03d04728a48ae38d5eb7701154e83f5763d899a9bf977df7ced6d1da916767a8",
        "schema/docket-correspondence-1.xsd": "1432046a3590b21031ad42967eab955b582737a76501a3bd162154c5da33c8ee",
        "schema/docket-board-2.xsd": "9452780aa3ee0e12f0bf6cd03a203ac2dd457ca84125f7c7e05770c73cc9e4e0",
        "schema/docket-board-3.xsd": "458d23ef7607adbf76004f11c14c77c1260070d765fd9336c5a436ce21c19032",
        "schema/docket-archive-5.xsd": "859de5ae27acea765bf9c5c2ce0c8e07b7e731b562ff6baa4d55efe1903f0194",
        "schema/docket-retention-1.xsd": "88fccd99b023cbf6cd61fbc26565d36106a6cab8e1447b901c5c9eb6b32ad7ac",
        "schema/docket-archive-6.xsd": "78bd7d4b9bd074efaf9ed739425c1950a7f2f50e61631c18e33cd774610e16ca",
        "schema/docket-keys-1.xsd": "a19c41e92a1f37f01321bed8dde41778e2e59ec1fab72553e0c84c518167709c",
        "schema/docket-signature-1.xsd": "57d9dfe47f29a1a56e701b15f76ba3022d072b1ae20c72f8cc5ae031b29ebcc9",
        "schema/docket-signed-1.xsd": "348aca339c9ad9324f589cbbb382e2ad883222d56ce9619605455e7e236055b1",
        "schema/scxml/scxml.xsd": "1040cfaadc5b0539f6a9c19b469311566d5395c4506fe1afdc44506cf2246a0f",
        "schema/scxml/xml.xsd": "7b695e836b90768ac5a5374ee3e8e23f1afa92d529b7baa286f91d7878c031d0",
    ]

    /// The schema files archive format 1 shipped with: what the format-1 fixture carries.
    static let format1Schemas = [
        "schema/docket-archive-1.xsd", "schema/docket-board-1.xsd", "schema/scxml/scxml.xsd", "schema/scxml/xml.xsd",
    ]

    @Test func aShippedSchemaIsNeverEditedInPlace() throws {
        let schemaDirectory = Self.repositoryRoot.appendingPathComponent("archive/schema").path
        var found: [String] = []
        for file in try FileManager.default.subpathsOfDirectory(atPath: schemaDirectory) where file.hasSuffix(".xsd") {
            found.append("schema/\(file)")
        }
        for file in found.sorted() {
            let expected = try #require(
                Self.shippedSchemas[file],
                "\(file) is not in ArchiveFormatTests.shippedSchemas: a new schema file ships with its SHA-256 listed")
            let bytes = try [UInt8](Data(contentsOf: Self.repositoryRoot.appendingPathComponent("archive/\(file)")))
            #expect(
                ArchiveStore.sha256(bytes) == expected,
                "\(file) changed after it shipped: archives hold copies of it. Put new content in a new versioned schema file instead (docs/archive-format.md)."
            )
        }
        #expect(Set(found) == Set(Self.shippedSchemas.keys), "a shipped schema file is missing: \(found)")
    }

    /// An archive written by Docket at archive format 1 (before this rule was written down),
    /// kept byte for byte in `Fixtures/archive-format-1`: users, a submission signed off,
    /// dispatched, answered and scheduled, documents, a series, a meeting with a published
    /// agenda and an edited report section.
    @Test func anArchiveWrittenByAnEarlierDocketVerifiesAndAcceptsWrites() throws {
        let fixture = Self.repositoryRoot.appendingPathComponent("Tests/DocketKitTests/Fixtures/archive-format-1").path
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent(
            "docket-format-\(UUID().uuidString)")
        defer {
            for file in (try? FileManager.default.subpathsOfDirectory(atPath: directory.path)) ?? [] {
                chmod(directory.appendingPathComponent(file).path, 0o755)
            }
            try? FileManager.default.removeItem(at: directory)
        }
        let path = directory.appendingPathComponent("archive").path
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        try FileManager.default.copyItem(atPath: fixture, toPath: path)

        // Its own schema copies are what it is checked against, and they are the shipped ones.
        for file in Self.format1Schemas {
            let digest = try #require(Self.shippedSchemas[file])
            let copy = try [UInt8](Data(contentsOf: URL(fileURLWithPath: "\(path)/\(file)")))
            #expect(ArchiveStore.sha256(copy) == digest, "the fixture's \(file) is not the shipped one")
        }

        let docket = try DocketArchive(opening: path)
        let problems = try docket.verify().filter { $0.severity == .problem }
        #expect(problems.isEmpty, "\(problems.map(\.message))")

        // Today's Docket writes into it: a document, an event, a meeting and a series entry.
        let reference = try #require(docket.submissionLines().first?.reference)
        // Its workflow predates labels: the ids read as words, on the submission and in lists.
        let pinned = try docket.submission(reference)
        #expect(pinned.state == "scheduled-for-board")
        #expect(pinned.workflow.stateLabel(pinned.state) == "Scheduled for board")
        #expect(pinned.workflow.eventLabel("record-response", from: "dispatched") == "Record response")
        #expect(try docket.submissionLines().first?.stateLabel == "Scheduled for board")
        let drafting = try docket.newSubmission(
            workflow: "best-value-submission", title: "Written by today's Docket", as: "olivia")
        try docket.addDocument(
            to: drafting, content: Array("A cover letter written later.\n".utf8),
            description: DocumentDescription(kind: .coverLetter, title: "Cover letter", originalFileName: "cover.txt"),
            as: "olivia")
        try docket.fire("withdraw", on: drafting, as: "olivia", comment: "format test")
        let meeting = try docket.newMeeting(
            board: "Best Value Programme Board", date: CalendarDate(iso: "2031-01-15")!, as: "clara")
        #expect(try docket.meeting(meeting).items.allSatisfy { $0.reference == nil })
        #expect(try docket.submission(reference).events.count > 0)

        // Format 2 (removals and replacements in a pack) is refused until `init --upgrade` adds
        // its schema; then the old archive takes it, and its format-1 files stay as they were.
        let response = try #require(try docket.submission(reference).documents.last)
        do {
            try docket.removeDocument(response.sha256, from: reference, reason: "format test", as: "olivia")
            Issue.record("a removal needs docket-archive-2.xsd, which this archive lacks")
        } catch {
            #expect("\(error)".contains("docket init --upgrade"), "\(error)")
        }
        let ownWorkflow = try Data(contentsOf: URL(fileURLWithPath: "\(path)/workflows/best-value-submission.scxml"))
        let added = try DocketArchive.addMissingDistributionFiles(
            to: path, from: Distribution(root: Self.repositoryRoot.path))
        // The workflows it had none of come in; the one it has keeps its own definition.
        #expect(added.contains("workflows/board-minutes.scxml"), "\(added)")
        #expect(
            try Data(contentsOf: URL(fileURLWithPath: "\(path)/workflows/best-value-submission.scxml")) == ownWorkflow)
        let upgraded = try DocketArchive(opening: path)
        #expect(try upgraded.workflows().map(\.name).contains("board-minutes"))
        try upgraded.removeDocument(response.sha256, from: reference, reason: "format test", as: "olivia")
        #expect(try upgraded.submission(reference).departedDocuments.map(\.metadata.sha256) == [response.sha256])
        let after = try upgraded.verify().filter { $0.severity == .problem }
        #expect(after.isEmpty, "\(after.map(\.message))")

        // And xmllint alone, with the schemas the archive carries, accepts every XML file in it.
        let xmllint = try ExternalTool.locate("xmllint", package: "libxml2-utils")
        var checked = 0
        for file in try FileManager.default.subpathsOfDirectory(atPath: path).sorted() where file.hasSuffix(".xml") {
            let schema: String
            if file.hasPrefix("meetings/") || file.hasPrefix("series/") || file.hasPrefix("reports/") {
                schema = "\(path)/schema/docket-board-1.xsd"
            } else if file.hasPrefix("access/") {
                schema = "\(path)/schema/docket-access-1.xsd"
            } else if file.hasPrefix("retention/") {
                schema = "\(path)/schema/docket-retention-1.xsd"  // the schedule `init --upgrade` adds
            } else {
                // Each file by the schema of its own format (format 2's also covers format 1's).
                let text = try String(contentsOfFile: "\(path)/\(file)", encoding: .utf8)
                let format = text.contains("urn:docket:archive:2") ? 2 : 1
                schema = "\(path)/schema/docket-archive-\(format).xsd"
            }
            let outcome = try xmllint.run(["--noout", "--nonet", "--schema", schema, "\(path)/\(file)"], timeout: 30)
            #expect(outcome.status == 0, "\(file): \(outcome.standardError)")
            checked += 1
        }
        #expect(checked > 20, "only \(checked) XML files were checked")
    }
}
