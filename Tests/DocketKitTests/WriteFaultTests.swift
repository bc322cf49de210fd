import Archive
import DocketKit
import Foundation
import TestSupport
import Testing
import Workflow

/// A device failing with EIO, injected into the write layer (no real disk here fails on
/// demand): at the write, the fsync and the rename of a file, during document adds, fires and
/// an import. Each refusal names the file and the error, leaves no temporary file and nothing
/// `verify` calls a problem, loses nothing acknowledged, and the same operation succeeds once
/// the fault clears. Faults match only this suite's archives, so tests alongside are untouched.
@Suite("Write faults", .serialized)
struct WriteFaultTests {
    let archive: TemporaryArchive
    var docket: DocketArchive { archive.docket }

    init() throws {
        archive = try TemporaryArchive()
        try docket.addUser("ada", roles: [.admin])
        try docket.addUser("olivia", roles: [.officer])
        try docket.addUser("mayor", roles: [.mayor])
    }

    /// Arms a fault at `step` of writes to this archive's files whose path contains `part`.
    func inject(_ step: DurableFile.Step, into part: String, skipping: Int = 0) {
        let root = "\(archive.path)/"
        DurableFile.faults.inject(
            .init(step, skipping: skipping) { path in path.hasPrefix(root) && path.contains(part) })
    }

    /// Clears the fault, checking that it fired: a test whose fault never fired proves nothing.
    func clearFault() {
        #expect(DurableFile.faults.clear() == 1, "the injected fault did not fire")
    }

    /// The refusal names the failed file (not its temporary name), under `part`, and the error.
    func expectClear(_ error: DocketError?, naming part: String) {
        let text = error.map { "\($0)" } ?? "no error"
        #expect(text.contains("Input/output error"), "\(text)")
        #expect(text.contains(archive.path) && text.contains(part), "\(text)")
        #expect(!text.contains(DurableFile.temporaryPrefix), "\(text)")
    }

    /// Nothing `verify` calls a problem, and no temporary file left anywhere in the archive.
    func expectClean() throws {
        let problems = try docket.verify().filter { $0.severity == .problem }
        #expect(problems.isEmpty, "\(problems)")
        let names = try FileManager.default.subpathsOfDirectory(atPath: archive.path)
        let temporary = names.filter { $0.split(separator: "/").last?.hasPrefix(DurableFile.temporaryPrefix) == true }
        #expect(temporary.isEmpty, "\(temporary)")
    }

    /// A new submission in its first state, with nothing in its pack.
    func newSubmission() throws -> String {
        try docket.newSubmission(workflow: "best-value-submission", title: "EIO", as: "olivia")
    }

    /// A letter's content and description, for adding to a pack.
    func letter(_ title: String) -> ([UInt8], DocumentDescription) {
        (
            Array("A letter: \(title)".utf8),
            DocumentDescription(kind: .correspondence, title: title, originalFileName: "letter.txt")
        )
    }

    @Test(
        "a document add refused by EIO leaves no trace, and succeeds once the fault clears",
        arguments: [DurableFile.Step.write, .fsync, .rename], ["/documents/", "/events/"])
    func addFacingEIO(step: DurableFile.Step, part: String) throws {
        let reference = try newSubmission()
        let kept = letter("kept")
        let acknowledged = try docket.addDocument(to: reference, content: kept.0, description: kept.1, as: "olivia")
        let events = try docket.submission(reference).events.count

        let refused = letter("refused")
        inject(step, into: part)
        let error = failure {
            try docket.addDocument(to: reference, content: refused.0, description: refused.1, as: "olivia")
        }
        clearFault()
        expectClear(error, naming: part)
        let view = try docket.submission(reference)
        #expect(view.documents.map(\.sha256) == [acknowledged.sha256])
        #expect(view.events.count == events)
        try expectClean()

        let added = try docket.addDocument(to: reference, content: refused.0, description: refused.1, as: "olivia")
        #expect(try docket.submission(reference).documents.map(\.sha256) == [acknowledged.sha256, added.sha256])
        try expectClean()
    }

    @Test(
        "a fire refused by EIO leaves the state as it was, and succeeds once the fault clears",
        arguments: [DurableFile.Step.write, .fsync, .rename])
    func fireFacingEIO(step: DurableFile.Step) throws {
        let reference = try BoardSteps.readyForSignOff(docket, title: "EIO")
        try docket.fire("submit-for-sign-off", on: reference, as: "olivia")
        let before = try docket.submission(reference)

        inject(step, into: "/events/")
        let error = failure { try docket.fire("return-for-redraft", on: reference, as: "mayor", comment: "Again") }
        clearFault()
        expectClear(error, naming: "/events/")
        let after = try docket.submission(reference)
        #expect(after.state == before.state && after.events.count == before.events.count)
        try expectClean()

        try docket.fire("return-for-redraft", on: reference, as: "mayor", comment: "Again")
        #expect(try docket.submission(reference).state == "drafting")
        #expect(try docket.submission(reference).events.count == before.events.count + 1)
        try expectClean()
    }

    /// The head is a checkpoint written after the event: a change whose head cannot be written is
    /// acknowledged all the same, `verify` notes the head one event behind, and the next change repairs it.
    @Test("a head that cannot be written leaves the change acknowledged and the archive sound")
    func headFacingEIO() throws {
        let reference = try newSubmission()
        let kept = letter("kept")
        inject(.rename, into: "/head.xml")
        let added = try docket.addDocument(to: reference, content: kept.0, description: kept.1, as: "olivia")
        clearFault()
        #expect(try docket.submission(reference).documents.map(\.sha256) == [added.sha256])
        let notes = try docket.verify().filter { $0.path.hasSuffix("/head.xml") }
        #expect(notes.map(\.severity) == [.note], "\(notes)")
        try expectClean()
        try docket.fire("withdraw", on: reference, as: "olivia", comment: "Done")
        #expect(try docket.verify().filter { $0.path.hasSuffix("/head.xml") }.isEmpty)
    }

    /// Where an import's fault falls: the third document's content (each document is two
    /// files, content and metadata, so four matching steps go first), or the new submission's
    /// first head, before any document.
    static let importFaults: [(DurableFile.Step, String, skipping: Int, acknowledged: Int)] = [
        (.write, "/documents/", 4, 2), (.fsync, "/documents/", 4, 2), (.rename, "/documents/", 4, 2),
        (.rename, "/head.xml", 0, 0),
    ]

    @Test(
        "an import refused by EIO part-way keeps what it acknowledged, and finishes once the fault clears",
        arguments: importFaults)
    func importFacingEIO(fault: (DurableFile.Step, String, skipping: Int, acknowledged: Int)) throws {
        let folder = try TemporaryDirectory("write-fault-import")
        defer { folder.remove() }
        var manifest = "file,reference,submission_title,state,kind,title\n"
        for index in 1...5 {
            _ = try folder.write(Array("Old letter \(index)".utf8), to: "\(index).txt")
            manifest += "\(index).txt,OLD-1,Old correspondence,considered,correspondence,Letter \(index)\n"
        }
        let plan = try docket.planImport(
            ImportManifest(contentsOf: try folder.write(Array(manifest.utf8), to: "manifest.csv")), as: "ada")
        #expect(plan.problems.isEmpty)

        inject(fault.0, into: fault.1, skipping: fault.skipping)
        var acknowledged = 0
        let error = failure {
            try docket.runImport(plan, manifestName: "manifest.csv", as: "ada") { done, _ in acknowledged = done }
        }
        clearFault()
        expectClear(error, naming: fault.1)
        #expect(acknowledged == fault.acknowledged)
        let documents = plan.submissions[0].documents
        let held = try docket.submission("OLD-1")
        #expect(held.documents.map(\.sha256) == documents.prefix(acknowledged).map(\.sha256))
        #expect(held.events.count == acknowledged, "no import event before every document is in")
        try expectClean()

        let report = try docket.runImport(plan, manifestName: "manifest.csv", as: "ada")
        #expect(report.documentsAlreadyPresent == acknowledged && report.documentsAdded == 5 - acknowledged)
        let view = try docket.submission("OLD-1")
        #expect(view.documents.map(\.sha256) == documents.map(\.sha256))
        #expect(view.state == "considered")
        try expectClean()
    }

    /// A publication whose second item's report fails: the numbers are fixed, the first item's
    /// reports archived whole, and publishing again archives the rest, once.
    @Test("a publication refused by EIO part-way is finished by publishing again")
    func publishFacingEIO() throws {
        try docket.addUser("clive", roles: [.clerk])
        let meeting = try docket.newMeeting(
            board: "Best Value Programme Board", date: CalendarDate(iso: "2016-10-19")!, time: "18:30",
            venue: "Town Hall", as: "clive")
        var references: [String] = []
        for title in ["Alpha", "Bravo"] {
            let reference = try BoardSteps.answered(docket, title: title)
            try docket.fire("schedule-for-board", on: reference, as: "clive", fields: ["meeting": meeting])
            references.append(reference)
        }
        func reports() throws -> [Int] {
            try references.map { try docket.submission($0).documents.filter { $0.kind == .boardReport }.count }
        }

        // Each report is two files (content, metadata), and each item has two reports.
        inject(.write, into: "/documents/", skipping: 4)
        let error = failure { try docket.publishAgenda(meeting, as: "clive") }
        clearFault()
        expectClear(error, naming: "/documents/")
        #expect(try docket.meeting(meeting).publications == 1)
        #expect(try reports() == [2, 0])
        try expectClean()

        try docket.publishAgenda(meeting, as: "clive")
        #expect(try docket.meeting(meeting).publications == 1)
        #expect(try reports() == [2, 2])
        try expectClean()
    }

    /// The one step after a file is in place: its directory's fsync. The change is made (undoing it
    /// could race a writer that built on it), so the error says the file is written; nothing is
    /// doubled by carrying on.
    @Test("a failed directory fsync names the file as written, and the record stands once")
    func directorySyncFacingEIO() throws {
        let reference = try newSubmission()
        let kept = letter("kept")
        inject(.syncDirectory, into: "/events")
        let added = failure {
            try docket.addDocument(to: reference, content: kept.0, description: kept.1, as: "olivia")
        }
        clearFault()
        let text = added.map { "\($0)" } ?? "no error"
        #expect(text.contains("/events/") && text.contains(".xml: written, but the fsync of its directory failed"))
        #expect(text.contains("Input/output error"), "\(text)")
        #expect(try docket.submission(reference).documents.map(\.sha256) == [ArchiveStore.sha256(kept.0)])
        try expectClean()

        // Adding it again finds it there; the next change follows it.
        #expect(
            failure { try docket.addDocument(to: reference, content: kept.0, description: kept.1, as: "olivia") } != nil
        )
        try docket.fire("withdraw", on: reference, as: "olivia", comment: "Done")
        #expect(try docket.submission(reference).events.count == 2)
        try expectClean()
    }
}
