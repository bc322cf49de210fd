import Archive
import DocketKit
import Foundation
import Testing
import Workflow

/// `exportBag` checked by the Library of Congress `bagit` tool (PyPI `bagit`, which
/// scripts/test installs) and by `xmllint` inside the bag, with no Docket code in the check.
@Suite struct BagExportTests {
    let archive: TemporaryArchive
    var docket: DocketArchive { archive.docket }
    let output: String

    init() throws {
        archive = try TemporaryArchive()
        output = FileManager.default.temporaryDirectory.appendingPathComponent("docket-bag-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: output, withIntermediateDirectories: true)
        try docket.addUser("olivia", roles: [.officer])
        try docket.addUser("mayor", roles: [.mayor])
    }

    func cleanUp() {
        for file in (try? FileManager.default.subpathsOfDirectory(atPath: output)) ?? [] {
            chmod("\(output)/\(file)", 0o755)
        }
        try? FileManager.default.removeItem(atPath: output)
    }

    /// The model case up to dispatch: three documents, four events.
    func dispatchedSubmission() throws -> String {
        let reference = try docket.newSubmission(
            workflow: "best-value-submission",
            title: "Best Value Plan: third six-month update to the Secretary of State",
            series: "bvp", as: "olivia")
        for (kind, text) in [(DocumentKind.submission, "The update"), (.coverLetter, "Dear Secretary of State")] {
            try docket.addDocument(
                to: reference, content: Array(text.utf8),
                description: DocumentDescription(kind: kind, title: text, originalFileName: "\(kind.rawValue).txt"),
                as: "olivia")
        }
        try docket.fire("submit-for-sign-off", on: reference, as: "olivia")
        try docket.fire("sign-off", on: reference, as: "mayor")
        try docket.fire("dispatch", on: reference, as: "olivia", fields: ["dispatched-on": "2016-09-20"])
        return reference
    }

    static func bagitTool() throws -> String {
        for candidate in ["/root/.pyenv/shims/bagit.py", "/usr/local/bin/bagit.py", "/usr/bin/bagit.py"]
        where FileManager.default.isExecutableFile(atPath: candidate) {
            return candidate
        }
        let which = try run("/usr/bin/env", ["which", "bagit.py"])
        let path = which.output.trimmingCharacters(in: .whitespacesAndNewlines)
        guard which.status == 0, !path.isEmpty else {
            Issue.record("bagit.py is not installed: run `python3 -m pip install bagit` (scripts/test does)")
            throw CocoaError(.fileNoSuchFile)
        }
        return path
    }

    static func run(_ executable: String, _ arguments: [String], in directory: String? = nil) throws
        -> (status: Int32, output: String)
    {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        if let directory { process.currentDirectoryURL = URL(fileURLWithPath: directory) }
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        try process.run()
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: data, as: UTF8.self))
    }

    @Test func theBagValidatesWithBagitAndXmllintAndNamesItsChainHead() throws {
        defer { cleanUp() }
        let reference = try dispatchedSubmission()
        let bag = "\(output)/bag"
        let summary = try docket.exportBag(reference, to: bag)
        #expect(summary.chainLength == 5)

        let validation = try Self.run(try Self.bagitTool(), ["--validate", bag])
        #expect(validation.status == 0, "\(validation.output)")

        // bag-info.txt: the reference, title (one line), dates, and the head computed here.
        let info = try String(contentsOfFile: "\(bag)/bag-info.txt", encoding: .utf8)
        let lastEvent = "\(archive.path)/submissions/\(reference)/events/000005.xml"
        let head = ArchiveStore.sha256(Array(try Data(contentsOf: URL(fileURLWithPath: lastEvent))))
        for line in [
            "External-Identifier: \(reference)", "Docket-Reference: \(reference)",
            "Docket-Title: Best Value Plan: third six-month update to the Secretary of State",
            "Docket-State: dispatched", "Docket-Dispatched-On: 2016-09-20", "Docket-Chain-Length: 5",
            "Docket-Chain-Head: \(head)", "Payload-Oxum: \(summary.bytes).\(summary.files)",
        ] {
            #expect(info.contains(line + "\n"), "missing \(line) in\n\(info)")
        }
        #expect(summary.chainHead == head)

        // The XML inside checks against the schema inside, with xmllint alone.
        let data = "\(bag)/data"
        let events = try FileManager.default.contentsOfDirectory(atPath: "\(data)/submissions/\(reference)/events")
        let xml = events.map { "submissions/\(reference)/events/\($0)" } + ["submissions/\(reference)/submission.xml"]
        let xmllint = try Self.run(
            "/usr/bin/xmllint", ["--noout", "--schema", "schema/docket-archive-1.xsd"] + xml, in: data)
        #expect(xmllint.status == 0, "\(xmllint.output)")
        // No lock files or temporaries from the archive.
        let all = try FileManager.default.subpathsOfDirectory(atPath: bag)
        #expect(!all.contains { $0.split(separator: "/").contains { $0.hasPrefix(".") } })
        #expect(FileManager.default.fileExists(atPath: "\(archive.path)/submissions/\(reference)/.lock"))
    }

    @Test func aChangedByteInTheBagIsCaughtByBagit() throws {
        defer { cleanUp() }
        let reference = try dispatchedSubmission()
        let bag = "\(output)/bag"
        let summary = try docket.exportBag(reference, to: bag)
        let metadata = try FileManager.default.contentsOfDirectory(
            atPath: "\(bag)/data/submissions/\(reference)/documents"
        )
        .filter { $0.hasSuffix(".txt") }
        let file = "\(bag)/data/submissions/\(reference)/documents/\(metadata[0])"
        chmod(file, 0o644)
        var bytes = try Data(contentsOf: URL(fileURLWithPath: file))
        bytes[0] ^= 0x20
        try bytes.write(to: URL(fileURLWithPath: file))
        let validation = try Self.run(try Self.bagitTool(), ["--validate", bag])
        #expect(validation.status != 0)
        #expect(summary.files > 0)
    }

    @Test func refusalsLeaveNoBagBehind() throws {
        defer { cleanUp() }
        let reference = try dispatchedSubmission()
        // A non-empty directory.
        let occupied = "\(output)/occupied"
        try FileManager.default.createDirectory(atPath: occupied, withIntermediateDirectories: true)
        try Data("x".utf8).write(to: URL(fileURLWithPath: "\(occupied)/keep.txt"))
        #expect(throws: DocketError.self) { try docket.exportBag(reference, to: occupied) }
        #expect(try FileManager.default.contentsOfDirectory(atPath: occupied) == ["keep.txt"])
        // An unknown submission.
        #expect(throws: DocketError.self) { try docket.exportBag("NOPE-2016-01", to: "\(output)/nope") }
        #expect(!FileManager.default.fileExists(atPath: "\(output)/nope"))
        // A damaged chain: an event edited after the fact.
        let event = "\(archive.path)/submissions/\(reference)/events/000002.xml"
        chmod(event, 0o644)
        var text = try String(contentsOfFile: event, encoding: .utf8)
        text = text.replacingOccurrences(of: "<previous>", with: "<previous>0")
        try text.write(toFile: event, atomically: false, encoding: .utf8)
        do {
            try docket.exportBag(reference, to: "\(output)/damaged")
            Issue.record("exported a damaged submission")
        } catch {
            #expect(error.description.contains("000002.xml"), "\(error)")
        }
        #expect(!FileManager.default.fileExists(atPath: "\(output)/damaged"))
        #expect(try FileManager.default.contentsOfDirectory(atPath: output).allSatisfy { !$0.hasPrefix(".") })
    }

    @Test func aDocumentChangedOnDiskIsRefusedNotPackaged() throws {
        defer { cleanUp() }
        let reference = try dispatchedSubmission()
        let documents = "\(archive.path)/submissions/\(reference)/documents"
        let content = try FileManager.default.contentsOfDirectory(atPath: documents).first { $0.hasSuffix(".txt") }!
        chmod("\(documents)/\(content)", 0o644)
        try Data("tampered".utf8).write(to: URL(fileURLWithPath: "\(documents)/\(content)"))
        do {
            try docket.exportBag(reference, to: "\(output)/bag")
            Issue.record("packaged a changed document")
        } catch {
            #expect(error.description.contains(content), "\(error)")
        }
        #expect(!FileManager.default.fileExists(atPath: "\(output)/bag"))
    }
}
