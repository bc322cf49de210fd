import Archive
import DocketKit
import Foundation
import TestSupport
import Testing
import Workflow

/// `exportBag` checked by tools that share no code with Docket: the Library of Congress
/// `bagit.py` (PyPI `bagit`, which scripts/test installs), `xmllint` run inside the bag, and
/// `sha256sum` for the chain head.
@Suite struct BagExportTests {
    let archive: TemporaryArchive
    var docket: DocketArchive { archive.docket }
    /// A scratch directory the bags go into (never inside the archive).
    let output: String

    init() throws {
        // 5 October 2016, 09:00 UTC: the day the response is recorded, which a received-on date
        // may not be after.
        archive = try TemporaryArchive(startingAt: Date(timeIntervalSince1970: 1_475_658_000))
        try archive.docket.addUser("olivia", roles: [.officer])
        try archive.docket.addUser("mayor", roles: [.mayor])
        try archive.docket.addSeries(
            "bvp", title: "Best Value Plan updates", cadence: "P6M", firstDue: CalendarDate(iso: "2015-09-30")!,
            workflow: "best-value-submission", as: "olivia")
        output = FileManager.default.temporaryDirectory.appendingPathComponent("docket-bag-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: output, withIntermediateDirectories: true)
    }

    func cleanUp() {
        try? FileManager.default.removeItem(atPath: output)
    }

    /// The model case up to the Commissioners' response: three documents, seven events.
    func respondedSubmission() throws -> String {
        let reference = try docket.newSubmission(
            workflow: "best-value-submission", title: "Best Value Plan: third six-month update", series: "bvp",
            as: "olivia")
        try add(.submission, "Third six-month submission", to: reference)
        try add(.coverLetter, "Dear Secretary of State", to: reference)
        try docket.fire("submit-for-sign-off", on: reference, as: "olivia")
        try docket.fire("sign-off", on: reference, as: "mayor")
        try docket.fire("dispatch", on: reference, as: "olivia", fields: ["dispatched-on": "2016-09-20"])
        try add(.response, "Commissioners' response", to: reference)
        try docket.fire("record-response", on: reference, as: "olivia", fields: ["received-on": "2016-10-05"])
        return reference
    }

    func add(_ kind: DocumentKind, _ text: String, to reference: String) throws {
        try docket.addDocument(
            to: reference, content: Array(text.utf8),
            description: DocumentDescription(kind: kind, title: text, originalFileName: "\(kind.rawValue).txt"),
            as: "olivia")
    }

    /// The error a use case throws, or nil if it succeeds. (A `catch` with a pattern on a
    /// typed-throws call crashes the Swift 6.3.1 compiler, so tests match the value instead.)
    func failure(_ body: () throws -> some Any) -> DocketError? {
        do {
            _ = try body()
            return nil
        } catch {
            return error as? DocketError
        }
    }

    func submissionFile(_ reference: String, _ relative: String) -> String {
        "\(archive.path)/submissions/\(reference)/\(relative)"
    }

    /// Rewrites an archived (read-only) file as a tamperer with the same account would.
    func tamper(_ path: String, _ edit: (inout String) -> Void) throws {
        chmod(path, 0o644)
        var text = try String(contentsOfFile: path, encoding: .utf8)
        let before = text
        edit(&text)
        try #require(text != before, "the tampering changed nothing in \(path)")
        try text.write(toFile: path, atomically: false, encoding: .utf8)
        chmod(path, 0o444)
    }

    /// Nothing at `directory` and no `.NAME.partial-*` beside it: what every refusal must leave.
    func expectNoBag(at directory: String, sourceLocation: SourceLocation = #_sourceLocation) {
        #expect(!FileManager.default.fileExists(atPath: directory), sourceLocation: sourceLocation)
        let leftovers = ((try? FileManager.default.contentsOfDirectory(atPath: output)) ?? []).filter {
            $0.contains(".partial-")
        }
        #expect(leftovers.isEmpty, "partial bags left behind: \(leftovers)", sourceLocation: sourceLocation)
    }

    // MARK: - A valid bag

    @Test func theBagValidatesWithBagitAndItsXMLWithXmllintInsideIt() throws {
        defer { cleanUp() }
        let reference = try respondedSubmission()
        // Leftovers an archive may hold: none of them is part of the record.
        try Data("partial".utf8).write(to: URL(fileURLWithPath: "\(archive.path)/schema/.tmp-1-2"))
        try Data("uncited".utf8).write(to: URL(fileURLWithPath: submissionFile(reference, "documents/.tmp-3-4")))
        #expect(FileManager.default.fileExists(atPath: submissionFile(reference, ".lock")))

        let bag = "\(output)/\(reference)"
        var calls: [(Int, Int)] = []
        let summary = try docket.exportBag(reference, to: bag) { calls.append(($0, $1)) }
        #expect(summary.directory == bag)
        #expect(summary.chainLength == 7)

        let validation = try BagTools.run(try BagTools.bagit(), ["--validate", bag])
        #expect(validation.status == 0, "bagit.py --validate: \(validation.output)")
        #expect(validation.output.contains("is valid"), "\(validation.output)")

        // The payload, walked here: every file, no hidden one, sized as Payload-Oxum says.
        let payload = try BagTools.files(under: "\(bag)/data")
        #expect(!payload.isEmpty)
        #expect(!payload.contains { $0.split(separator: "/").contains { $0.hasPrefix(".") } }, "\(payload)")
        let size = try payload.reduce(0) { total, file in
            total + (try FileManager.default.attributesOfItem(atPath: "\(bag)/data/\(file)")[.size] as! Int)
        }
        #expect(summary.files == payload.count)
        #expect(summary.bytes == size)
        for expected in [
            "schema/docket-archive-1.xsd", "schema/scxml/scxml.xsd", "schema/scxml/NOTICE.md",
            "submissions/\(reference)/submission.xml", "submissions/\(reference)/head.xml",
            "submissions/\(reference)/events/000001.xml", "submissions/\(reference)/events/000007.xml",
        ] {
            #expect(payload.contains(expected), "\(expected) missing from \(payload)")
        }
        let pinned = payload.filter { $0.hasPrefix("workflows/pinned/") && $0.hasSuffix(".scxml") }
        #expect(pinned.count == 1)
        let documents = payload.filter { $0.hasPrefix("submissions/\(reference)/documents/") }
        #expect(documents.count == 6, "\(documents)")  // three documents, each with its metadata

        // Progress: once before the first file, then once per file.
        #expect(calls.count == summary.files + 1)
        #expect(calls.first.map { $0 == (0, summary.files) } == true)
        #expect(calls.last.map { $0 == (summary.files, summary.files) } == true)

        // The manifests: sorted, every payload file once, and the three tag files.
        let manifest = try String(contentsOfFile: "\(bag)/manifest-sha256.txt", encoding: .utf8)
        let manifestPaths = manifest.split(separator: "\n").map { String($0.dropFirst(66)) }
        #expect(manifestPaths == payload.map { "data/\($0)" }.sorted())
        let tagManifest = try String(contentsOfFile: "\(bag)/tagmanifest-sha256.txt", encoding: .utf8)
        #expect(
            Set(tagManifest.split(separator: "\n").map { String($0.dropFirst(66)) })
                == ["bagit.txt", "bag-info.txt", "manifest-sha256.txt"])
        #expect(
            try String(contentsOfFile: "\(bag)/bagit.txt", encoding: .utf8)
                == "BagIt-Version: 1.0\nTag-File-Character-Encoding: UTF-8\n")

        // bag-info.txt: the submission, its dates and a chain head computed by sha256sum.
        let head = try BagTools.sha256sum(submissionFile(reference, "events/000007.xml"))
        #expect(summary.chainHead == head)
        let view = try docket.submission(reference)
        let info = try String(contentsOfFile: "\(bag)/bag-info.txt", encoding: .utf8)
        for line in [
            "Bagging-Date: 2016-10-05", "External-Identifier: \(reference)",
            "External-Description: Best Value Plan: third six-month update",
            "Payload-Oxum: \(size).\(payload.count)", "Docket-Reference: \(reference)",
            "Docket-Title: Best Value Plan: third six-month update", "Docket-Series: \(view.record.series ?? "?")",
            "Docket-Workflow: best-value-submission \(view.record.workflowDigest)",
            "Docket-State: \(view.state)", "Docket-Created: 2016-10-05T09:00:00.000Z",
            "Docket-Last-Event: 2016-10-05T09:00:00.000Z", "Docket-Dispatched-On: 2016-09-20",
            "Docket-Received-On: 2016-10-05", "Docket-Chain-Length: 7", "Docket-Chain-Head: \(head)",
        ] {
            #expect(info.contains("\n\(line)\n") || info.hasPrefix("\(line)\n"), "no '\(line)' in\n\(info)")
        }
        #expect(info.contains("\nBag-Size: "))
        #expect(info.contains("Bag-Software-Agent: Docket"))
        #expect(!info.contains("Source-Organization"))  // this archive.xml names no organisation
        for line in info.split(separator: "\n", omittingEmptySubsequences: false).dropLast() {
            #expect(line.firstMatch(of: /^[A-Z][A-Za-z-]*: \S.*$/) != nil, "not a tag line: '\(line)'")
        }

        // The XML inside checks against the schemas inside, with xmllint alone.
        let data = "\(bag)/data"
        let archiveXML =
            documents.filter { $0.hasSuffix(".xml") } + [
                "submissions/\(reference)/submission.xml", "submissions/\(reference)/head.xml",
            ] + payload.filter { $0.hasPrefix("submissions/\(reference)/events/") }
        let xmllint = try BagTools.run(
            try BagTools.tool("xmllint"), ["--noout", "--schema", "schema/docket-archive-1.xsd"] + archiveXML, in: data)
        #expect(xmllint.status == 0, "\(xmllint.output)")
        #expect(xmllint.output.components(separatedBy: " validates").count - 1 == archiveXML.count, "\(xmllint.output)")
        let scxml = try BagTools.run(
            try BagTools.tool("xmllint"), ["--noout", "--schema", "schema/scxml/scxml.xsd"] + pinned, in: data)
        #expect(scxml.status == 0, "\(scxml.output)")
        expectNoBag(at: "\(output)/nothing-else")
    }

    @Test func aChangedByteInTheBagIsCaughtByBagit() throws {
        defer { cleanUp() }
        let reference = try respondedSubmission()
        let bag = "\(output)/bag"
        try docket.exportBag(reference, to: bag)
        let before = try BagTools.run(try BagTools.bagit(), ["--validate", bag])
        #expect(before.status == 0, "\(before.output)")

        let documents = "\(bag)/data/submissions/\(reference)/documents"
        let content = try #require(
            try FileManager.default.contentsOfDirectory(atPath: documents).sorted().first { $0.hasSuffix(".txt") })
        var bytes = try Data(contentsOf: URL(fileURLWithPath: "\(documents)/\(content)"))
        bytes[0] ^= 0x01  // same length, so only the checksum can tell
        try bytes.write(to: URL(fileURLWithPath: "\(documents)/\(content)"))
        let after = try BagTools.run(try BagTools.bagit(), ["--validate", bag])
        #expect(after.status != 0, "bagit.py accepted a changed payload file: \(after.output)")
        #expect(after.output.contains(content), "\(after.output)")
    }

    @Test func aSubmissionWithoutEventsIsAnchoredOnItsSubmissionFile() throws {
        defer { cleanUp() }
        let reference = try docket.newSubmission(workflow: "best-value-submission", title: "Empty", as: "olivia")
        let bag = "\(output)/empty"
        let summary = try docket.exportBag(reference, to: bag)
        #expect(summary.chainLength == 0)
        #expect(summary.chainHead == (try BagTools.sha256sum(submissionFile(reference, "submission.xml"))))
        let validation = try BagTools.run(try BagTools.bagit(), ["--validate", bag])
        #expect(validation.status == 0, "\(validation.output)")
        let info = try String(contentsOfFile: "\(bag)/bag-info.txt", encoding: .utf8)
        #expect(info.contains("Docket-Chain-Length: 0\n"))
        #expect(info.contains("Docket-Chain-Head: \(summary.chainHead)\n"))
        #expect(!info.contains("Docket-Last-Event"))
        let head = try String(contentsOfFile: "\(bag)/data/submissions/\(reference)/head.xml", encoding: .utf8)
        #expect(head.contains("<sequence>0</sequence>") && head.contains(summary.chainHead), "\(head)")
    }

    @Test func anEditedSubmissionFileIsCaughtByTheChainHead() throws {
        defer { cleanUp() }
        let reference = try docket.newSubmission(workflow: "best-value-submission", title: "Empty", as: "olivia")
        try tamper(submissionFile(reference, "submission.xml")) {
            $0 = $0.replacingOccurrences(of: ">Empty<", with: ">Emptied<")
        }
        let bag = "\(output)/edited"
        let error = failure { try docket.exportBag(reference, to: bag) }
        #expect(error?.description.contains("\(reference)/submission.xml") == true, "\(String(describing: error))")
        expectNoBag(at: bag)
    }

    @Test func anEmptyDirectoryIsFilledAndATrailingSlashIsFine() throws {
        defer { cleanUp() }
        let reference = try respondedSubmission()
        let bag = "\(output)/empty-dir"
        try FileManager.default.createDirectory(atPath: bag, withIntermediateDirectories: true)
        let summary = try docket.exportBag(reference, to: bag + "/")
        #expect(summary.directory == bag)
        let validation = try BagTools.run(try BagTools.bagit(), ["--validate", bag])
        #expect(validation.status == 0, "\(validation.output)")
    }

    // MARK: - Refusals, each leaving nothing behind

    @Test func anOccupiedDirectoryOrAFileIsRefused() throws {
        defer { cleanUp() }
        let reference = try respondedSubmission()
        let occupied = "\(output)/occupied"
        try FileManager.default.createDirectory(atPath: occupied, withIntermediateDirectories: true)
        try Data("keep".utf8).write(to: URL(fileURLWithPath: "\(occupied)/keep.txt"))
        let error = failure { try docket.exportBag(reference, to: occupied) }
        #expect(
            error?.description.contains("\(occupied) exists and is not empty") == true, "\(String(describing: error))")
        #expect(try FileManager.default.contentsOfDirectory(atPath: occupied) == ["keep.txt"])

        let file = "\(output)/a-file"
        try Data("keep".utf8).write(to: URL(fileURLWithPath: file))
        #expect(failure { try docket.exportBag(reference, to: file) } != nil)
        #expect(try String(contentsOfFile: file, encoding: .utf8) == "keep")
        expectNoBag(at: "\(output)/none")
    }

    @Test func anUnknownSubmissionIsRefused() throws {
        defer { cleanUp() }
        let bag = "\(output)/nope"
        let error = failure { try docket.exportBag("NOPE-2016-01", to: bag) }
        #expect(error?.description == "no submission NOPE-2016-01 in this archive", "\(String(describing: error))")
        expectNoBag(at: bag)
    }

    @Test func aBrokenChainIsRefusedNamingTheFile() throws {
        defer { cleanUp() }
        let reference = try respondedSubmission()
        try tamper(submissionFile(reference, "events/000002.xml")) {
            $0 = $0.replacingOccurrences(of: "<previous>", with: "<previous>0")
        }
        let bag = "\(output)/damaged"
        let error = failure { try docket.exportBag(reference, to: bag) }
        #expect(error?.description.contains("events/000002.xml") == true, "\(String(describing: error))")
        expectNoBag(at: bag)
    }

    @Test func anEditedLastEventIsCaughtByTheChainHead() throws {
        defer { cleanUp() }
        let reference = try respondedSubmission()
        // Still valid XML and nothing after it to notice: only head.xml records its SHA-256.
        try tamper(submissionFile(reference, "events/000007.xml")) {
            $0 = $0.replacingOccurrences(of: "2016-10-05", with: "2016-10-06")
        }
        let bag = "\(output)/edited"
        let error = failure { try docket.exportBag(reference, to: bag) }
        #expect(error?.description.contains("events/000007.xml") == true, "\(String(describing: error))")
        #expect(error?.description.contains("head.xml") == true, "\(String(describing: error))")
        expectNoBag(at: bag)
    }

    @Test func aChangedDocumentIsRefusedNotPackaged() throws {
        defer { cleanUp() }
        let reference = try respondedSubmission()
        let documents = submissionFile(reference, "documents")
        let content = try #require(
            try FileManager.default.contentsOfDirectory(atPath: documents).sorted().first { $0.hasSuffix(".txt") })
        try tamper("\(documents)/\(content)") { $0 += " (amended)" }
        let bag = "\(output)/changed"
        let error = failure { try docket.exportBag(reference, to: bag) }
        #expect(error?.description.contains("documents/\(content)") == true, "\(String(describing: error))")
        expectNoBag(at: bag)
    }

    @Test func aBagInsideTheArchiveIsRefused() throws {
        defer { cleanUp() }
        let reference = try respondedSubmission()
        let inside = "\(archive.path)/submissions/bag"
        let error = failure { try docket.exportBag(reference, to: inside) }
        #expect(error?.description.contains("inside the archive") == true, "\(String(describing: error))")
        #expect(!FileManager.default.fileExists(atPath: inside))
    }

    // MARK: - BagIt text rules

    @Test func manifestPathsAndTagValuesFollowRFC8493() {
        defer { cleanUp() }
        #expect(BagIt.manifestPath("data/a%b\nc\rd.txt") == "data/a%25b%0Ac%0Dd.txt")
        #expect(
            BagIt.manifestPath("data/submissions/BVP-2016-01/events/000001.xml")
                == "data/submissions/BVP-2016-01/events/000001.xml")
        #expect(
            BagIt.tagValue("Best Value Plan:\nthird update\r\n\tto the Secretary ")
                == "Best Value Plan: third update to the Secretary")
    }
}

/// The external tools the bag is checked with, found the way a shell would find them.
enum BagTools {
    static func bagit() throws -> String { try CommandLineTools.bagit() }
    static func tool(_ name: String) throws -> String { try CommandLineTools.tool(name) }
    static func run(_ executable: String, _ arguments: [String], in directory: String? = nil) throws
        -> (status: Int32, output: String)
    {
        try CommandLineTools.run(executable, arguments, in: directory)
    }

    /// The SHA-256 of a file as coreutils computes it.
    static func sha256sum(_ path: String) throws -> String {
        let result = try run(try tool("sha256sum"), [path])
        try #require(result.status == 0, "sha256sum \(path): \(result.output)")
        return String(result.output.prefix(64))
    }

    /// Every regular file under `directory`, relative, sorted.
    static func files(under directory: String) throws -> [String] {
        try FileManager.default.subpathsOfDirectory(atPath: directory).filter {
            var isDirectory: ObjCBool = false
            return FileManager.default.fileExists(atPath: "\(directory)/\($0)", isDirectory: &isDirectory)
                && !isDirectory.boolValue
        }.sorted()
    }
}
