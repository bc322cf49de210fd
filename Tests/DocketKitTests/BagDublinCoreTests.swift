import Archive
import DocketKit
import Foundation
import TestSupport
import Testing
import Workflow
import XML

/// The descriptive metadata a bag carries for a records office (`data/metadata/`), checked by
/// tools that share no code with Docket: `xmllint --nonet` against the DCMI's own schemas
/// (`Fixtures/dcmi`, in Docket's container `Fixtures/dublin-core`), Python's `csv` module for
/// Archivematica's `metadata.csv`, and `bagit.py` for the bag around them.
@Suite struct BagDublinCoreTests {
    let archive: TemporaryArchive
    var docket: DocketArchive { archive.docket }
    let output: String

    static let fixtures = TemporaryArchive.repositoryRoot.appendingPathComponent("Tests/DocketKitTests/Fixtures").path
    static let namespaces = ["d": "urn:docket:dublin-core:1", "dcterms": "http://purl.org/dc/terms/"]

    init() throws {
        archive = try TemporaryArchive(startingAt: Date(timeIntervalSince1970: 1_475_658_000))  // 2016-10-05 09:00 UTC
        try archive.docket.addUser("olivia", roles: [.officer])
        output = FileManager.default.temporaryDirectory.appendingPathComponent("docket-dc-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: output, withIntermediateDirectories: true)
    }

    func cleanUp() {
        try? FileManager.default.removeItem(atPath: output)
    }

    @discardableResult
    func add(
        _ kind: DocumentKind, _ title: String, to reference: String, date: String? = nil, creator: Party? = nil,
        description: String? = nil, replacing: String? = nil
    ) throws -> DocumentMetadata {
        try docket.addDocument(
            to: reference, content: Array("\(kind.rawValue): \(title)\n".utf8),
            description: DocumentDescription(
                kind: kind, title: title, originalFileName: "\(kind.rawValue).txt",
                date: date.flatMap { CalendarDate(iso: $0) }, creator: creator, description: description,
                relations: replacing.map { [Relation(kind: .replaces, target: $0)] } ?? []),
            as: "olivia")
    }

    /// Exports `reference` and checks the bag with bagit.py; returns the bag's directory.
    func exportedBag(_ reference: String) throws -> String {
        let bag = "\(output)/\(reference)"
        try docket.exportBag(reference, to: bag)
        let validation = try BagTools.run(try BagTools.bagit(), ["--validate", bag])
        #expect(validation.status == 0, "bagit.py --validate: \(validation.output)")
        return bag
    }

    /// `metadata.csv` as Python's csv module reads it: the header, then a row per record.
    func csvRows(_ bag: String) throws -> [[String]] {
        let script = """
            import csv, json, sys
            with open(sys.argv[1], newline='', encoding='utf-8') as f:
                print(json.dumps(list(csv.reader(f, strict=True))))
            """
        let result = try CommandLineTools.run(
            try BagTools.tool("python3"), ["-c", script, "\(bag)/data/metadata/metadata.csv"])
        try #require(result.status == 0, "python3 csv: \(result.output)")
        return try JSONDecoder().decode([[String]].self, from: Data(result.output.utf8))
    }

    /// The values of one column heading in a row (a repeated heading gives all of its non-empty cells).
    func values(_ heading: String, in row: [String], header: [String]) -> [String] {
        zip(header, row).filter { $0.0 == heading && !$0.1.isEmpty }.map(\.1)
    }

    func dublinCore(_ bag: String) throws -> XMLDocument {
        let path = "\(bag)/data/metadata/dublin-core.xml"
        return try XMLDocument(parsing: Array(try Data(contentsOf: URL(fileURLWithPath: path))), source: path)
    }

    /// The text of the dcterms elements called `term` in the record whose identifier is `identifier`.
    func terms(_ term: String, of identifier: String, in document: XMLDocument) throws -> [String] {
        try document.nodes(
            "/d:records/d:record[dcterms:identifier = '\(identifier)']/dcterms:\(term)", namespaces: Self.namespaces
        ).map(\.text)
    }

    /// A submission of three documents, one replacing another that so left the pack.
    func submissionWithAReplacement() throws -> (reference: String, documents: [DocumentMetadata]) {
        let reference = try docket.newSubmission(
            workflow: "best-value-submission", title: "Best Value Plan: third update", as: "olivia")
        let submission = try add(
            .submission, "Third six-month submission", to: reference, date: "2016-09-19",
            creator: Party(person: "Olivia Officer", organisation: "Tower Hamlets"),
            description: "The plan's third update")
        let letter = try add(.coverLetter, "Dear Secretary of State", to: reference, date: "2016-09-18")
        let corrected = try add(
            .coverLetter, "Dear Secretary of State (corrected)", to: reference, date: "2016-09-20",
            replacing: letter.sha256)
        return (reference, [submission, letter, corrected])
    }

    // MARK: - Dublin Core XML

    @Test func theDublinCoreRecordsValidateAgainstTheDCMISchemas() throws {
        defer { cleanUp() }
        let (reference, documents) = try submissionWithAReplacement()
        let bag = try exportedBag(reference)

        let manifest = try String(contentsOfFile: "\(bag)/manifest-sha256.txt", encoding: .utf8)
        #expect(manifest.contains("  data/metadata/dublin-core.xml\n"))
        #expect(manifest.contains("  data/metadata/metadata.csv\n"))

        // The DCMI's schemas, from the test's fixtures and never from the network.
        let xmllint = try BagTools.run(
            try BagTools.tool("xmllint"),
            [
                "--nonet", "--noout", "--schema", "\(Self.fixtures)/dublin-core/docket-dublin-core-1.xsd",
                "\(bag)/data/metadata/dublin-core.xml",
            ])
        #expect(xmllint.status == 0, "\(xmllint.output)")
        #expect(xmllint.output.contains("dublin-core.xml validates"), "\(xmllint.output)")

        let xml = try dublinCore(bag)
        let records = try xml.nodes("/d:records/d:record", namespaces: Self.namespaces)
        #expect(records.count == 1 + documents.count)
        #expect(try terms("title", of: reference, in: xml) == ["Best Value Plan: third update"])
        #expect(try terms("type", of: reference, in: xml) == ["Collection"])

        let (submission, letter, corrected) = (documents[0], documents[1], documents[2])
        let path = "data/submissions/\(reference)/documents/\(submission.storedAs)"
        #expect(try terms("identifier", of: submission.sha256, in: xml) == [submission.sha256, path])
        #expect(try terms("title", of: submission.sha256, in: xml) == ["Third six-month submission"])
        #expect(try terms("creator", of: submission.sha256, in: xml) == ["Olivia Officer (Tower Hamlets)"])
        #expect(try terms("created", of: submission.sha256, in: xml) == ["2016-09-19"])
        #expect(try terms("description", of: submission.sha256, in: xml) == ["The plan's third update"])
        #expect(try terms("type", of: submission.sha256, in: xml) == ["Text", "submission"])
        #expect(try terms("format", of: submission.sha256, in: xml) == ["text/plain"])
        #expect(try terms("isPartOf", of: submission.sha256, in: xml) == [reference])
        #expect(try terms("accessRights", of: submission.sha256, in: xml) == ["OFFICIAL"])
        // The replacement, stated both ways between the two letters' records.
        #expect(try terms("replaces", of: corrected.sha256, in: xml) == [letter.sha256])
        #expect(try terms("isReplacedBy", of: letter.sha256, in: xml) == [corrected.sha256])
        #expect(try terms("replaces", of: submission.sha256, in: xml).isEmpty)
        // The encoding schemes are the dcterms ones, named with the prefix in scope.
        let schemes = try xml.nodes(
            "/d:records/d:record[dcterms:identifier = '\(submission.sha256)']/*[@xsi:type]",
            namespaces: Self.namespaces.merging(["xsi": "http://www.w3.org/2001/XMLSchema-instance"]) { $1 }
        ).map { "\($0.name)=\($0.attribute("type", namespace: "http://www.w3.org/2001/XMLSchema-instance") ?? "")" }
        #expect(
            schemes == [
                "created=dcterms:W3CDTF", "dateSubmitted=dcterms:W3CDTF", "type=dcterms:DCMIType",
                "format=dcterms:IMT",
            ])
    }

    @Test func aWrongTermFailsTheDCMISchemas() throws {
        defer { cleanUp() }
        let (reference, _) = try submissionWithAReplacement()
        let bag = try exportedBag(reference)
        // The check above could only pass if xmllint really reads the DCMI's vocabulary.
        let path = "\(bag)/data/metadata/dublin-core.xml"
        var text = try String(contentsOfFile: path, encoding: .utf8)
        text = text.replacingOccurrences(of: ">Collection<", with: ">Colection<")
        try text.write(toFile: path, atomically: false, encoding: .utf8)
        let xmllint = try BagTools.run(
            try BagTools.tool("xmllint"),
            ["--nonet", "--noout", "--schema", "\(Self.fixtures)/dublin-core/docket-dublin-core-1.xsd", path])
        #expect(xmllint.status != 0, "\(xmllint.output)")
        #expect(xmllint.output.contains("Colection"), "\(xmllint.output)")
    }

    // MARK: - Archivematica's metadata.csv

    @Test func metadataCSVHasOneRowPerDocumentFile() throws {
        defer { cleanUp() }
        let (reference, documents) = try submissionWithAReplacement()
        let bag = try exportedBag(reference)
        let rows = try csvRows(bag)
        let header = try #require(rows.first)
        #expect(header.first == "filename")
        for heading in [
            "dc.title", "dc.creator", "dc.date", "dc.type", "dc.format", "dc.identifier", "dcterms.isPartOf",
        ] {
            #expect(header.contains(heading), "\(heading) missing from \(header)")
        }
        #expect(rows.dropFirst().allSatisfy { $0.count == header.count })

        // Every document content file in the bag, once: the payload walked here, not Docket's list.
        let payload = try BagTools.files(under: "\(bag)/data")
        let contentFiles = payload.filter {
            $0.hasPrefix("submissions/\(reference)/documents/") && !$0.hasSuffix(".xml")
        }
        #expect(contentFiles.count == documents.count)
        #expect(rows.dropFirst().map { $0[0] }.sorted() == contentFiles.map { "data/\($0)" }.sorted())

        for document in documents {
            let row = try #require(
                rows.first { $0[0] == "data/submissions/\(reference)/documents/\(document.storedAs)" })
            #expect(values("dc.title", in: row, header: header) == [document.title])
            #expect(values("dc.date", in: row, header: header) == [document.date.map { "\($0)" } ?? "?"])
            #expect(values("dc.creator", in: row, header: header) == (document.creator.map { ["\($0)"] } ?? []))
            #expect(values("dc.identifier", in: row, header: header) == [document.sha256])
            #expect(values("dc.type", in: row, header: header) == ["Text"])
            #expect(values("dc.format", in: row, header: header) == ["text/plain"])
            #expect(values("dcterms.isPartOf", in: row, header: header) == [reference])
        }
        let (letter, corrected) = (documents[1], documents[2])
        let letterRow = try #require(rows.first { $0[0].hasSuffix(letter.storedAs) })
        #expect(values("dcterms.isReplacedBy", in: letterRow, header: header) == [corrected.sha256])
    }

    /// The archive's schema keeps a document's title to one line, so the line break is in the
    /// description, which may run over several.
    @Test func aCommaAQuoteAndANewlineRoundTripThroughTheCSV() throws {
        defer { cleanUp() }
        let reference = try docket.newSubmission(workflow: "best-value-submission", title: "Awkward", as: "olivia")
        let title = "Reply, \"as agreed\""
        let description = "Re: \"the plan\", as sent,\nand its annex"
        let document = try add(.coverLetter, title, to: reference, description: description)
        let bag = try exportedBag(reference)

        let rows = try csvRows(bag)
        #expect(rows.count == 2, "\(rows)")
        let header = try #require(rows.first)
        let row = try #require(rows.last)
        #expect(values("dc.title", in: row, header: header) == [title])
        #expect(values("dc.description", in: row, header: header) == [description])
        // With no date of its own, the day it was filed.
        #expect(values("dc.date", in: row, header: header) == ["2016-10-05T09:00:00.000Z"])
        // RFC 4180: CRLF between records, a line break inside a quoted field kept as it was.
        let raw = try String(contentsOfFile: "\(bag)/data/metadata/metadata.csv", encoding: .utf8)
        #expect(raw.hasPrefix("filename,dc.title,"))
        #expect(raw.contains(",\"Reply, \"\"as agreed\"\"\","), "\(raw)")
        #expect(raw.contains(",\"Re: \"\"the plan\"\", as sent,\nand its annex\","), "\(raw)")
        #expect(raw.hasSuffix("\r\n"))

        let xml = try dublinCore(bag)
        #expect(try terms("title", of: document.sha256, in: xml) == [title])
        #expect(try terms("description", of: document.sha256, in: xml) == [description])
    }
}
