import Archive
import DocketKit
import Foundation
import TestSupport
import Testing
import Workflow

/// A bulk import and an agenda's publication meeting a full disk, for real (a small tmpfs, as
/// `DiskFullTests`; 16 MB, as the search index's write-ahead log alone grows to 4 MB): each stops with an error naming the file it could not write, leaves what it
/// acknowledged and nothing half-written that `verify` calls a problem, and run again once
/// space returns finishes the job with nothing lost or doubled.
@Suite("Disk full: import and publish", .serialized)
struct DiskFullImportPublishTests {
    /// 20 September 2016, as the Board tests: meetings in October are ahead.
    static let clock: @Sendable () -> Date = { Date(timeIntervalSince1970: 1_474_362_000) }

    /// A new archive on `disk`, with an administrator, an officer, the mayor and a clerk.
    func archive(on disk: SmallDisk) throws -> DocketArchive {
        let docket = try DocketArchive.create(
            at: "\(disk.path)/archive", from: Distribution(root: TemporaryArchive.repositoryRoot.path),
            clock: Self.clock)
        try docket.addUser("ada", roles: [.admin])
        try docket.addUser("olivia", roles: [.officer])
        try docket.addUser("mayor", roles: [.mayor])
        try docket.addUser("clive", roles: [.clerk])
        return docket
    }

    /// Problems `verify` finds (notes, such as a head one event behind, are not problems).
    func problems(_ docket: DocketArchive) throws -> [VerificationFinding] {
        try docket.verify().filter { $0.severity == .problem }
    }

    /// The refusal says the disk is full and names a file of the archive, not a temporary name.
    func expectClear(_ error: DocketError?, on disk: SmallDisk) {
        let text = error.map { "\($0)" } ?? "no error"
        #expect(text.contains("No space left on device"), "\(text)")
        #expect(text.contains("\(disk.path)/archive/") && !text.contains(DurableFile.temporaryPrefix), "\(text)")
    }

    /// The names of a submission's transitions, in order.
    func transitions(of view: SubmissionView) -> [String] {
        view.events.compactMap { event in
            if case .transition(let body) = event.body { body.name } else { nil }
        }
    }

    @Test("an import refused part-way keeps what it acknowledged, and finishes once space returns")
    func importOnAFullDisk() throws {
        guard let disk = try SmallDisk("disk-full-import", megabytes: 16) else { return }
        let docket = try archive(on: disk)
        // The folder being imported is elsewhere: only the archive's disk fills.
        let folder = try TemporaryDirectory("disk-full-import-files")
        defer { folder.remove() }
        var manifest = "file,reference,submission_title,state,kind,title\n"
        for submission in 1...3 {
            for letter in 1...8 {
                let name = "s\(submission)-\(letter).txt"
                let text = "Letter \(letter) of submission \(submission). " + String(repeating: "x", count: 40_000)
                _ = try folder.write(Array(text.utf8), to: name)
                manifest += "\(name),OLD-\(submission),Old correspondence \(submission),considered,correspondence,"
                manifest += "Letter \(letter)\n"
            }
        }
        let manifestPath = try folder.write(Array(manifest.utf8), to: "manifest.csv")
        let plan = try docket.planImport(ImportManifest(contentsOf: manifestPath), as: "ada")
        #expect(plan.problems.isEmpty && plan.documentCount == 24, "\(plan.problems)")

        try disk.fill(leaving: 500_000)
        var acknowledged = 0
        let refusal = failure {
            try docket.runImport(plan, manifestName: "manifest.csv", as: "ada") { done, _ in acknowledged = done }
        }
        expectClear(refusal, on: disk)
        #expect(acknowledged > 0 && acknowledged < plan.documentCount, "\(acknowledged) documents imported")

        // Exactly what it acknowledged is there (documents in plan order), and a submission is
        // moved into its state only once all its documents are.
        let planned = plan.submissions.flatMap { submission in submission.documents.map { (submission, $0) } }
        for (offset, (submission, document)) in planned.enumerated() {
            let held = (try? docket.submission(submission.reference))?.documents.map(\.sha256) ?? []
            #expect(held.contains(document.sha256) == (offset < acknowledged), "row \(document.row)")
        }
        for submission in plan.submissions {
            guard let view = try? docket.submission(submission.reference) else { continue }
            let imported = transitions(of: view).filter { $0 == WorkflowEngine.importEvent }
            if view.documents.count < submission.documents.count { #expect(imported.isEmpty) }
            #expect(imported.count <= 1)
        }

        // Space returns: nothing half-written, and the same import finishes the job.
        try disk.giveBack()
        let found = try problems(docket)
        #expect(found.isEmpty, "\(found)")
        let report = try docket.runImport(plan, manifestName: "manifest.csv", as: "ada")
        #expect(report.documentsAlreadyPresent == acknowledged)
        #expect(report.documentsAdded == plan.documentCount - acknowledged)
        for submission in plan.submissions {
            let view = try docket.submission(submission.reference)
            #expect(Set(view.documents.map(\.sha256)) == Set(submission.documents.map(\.sha256)))
            #expect(view.documents.count == submission.documents.count)
            #expect(view.state == "considered")
            #expect(transitions(of: view) == [WorkflowEngine.importEvent])
        }
        #expect(try problems(docket).isEmpty)
    }

    @Test("a publication refused on a full disk is finished by publishing again once space returns")
    func publishOnAFullDisk() throws {
        guard let disk = try SmallDisk("disk-full-publish", megabytes: 16) else { return }
        let docket = try archive(on: disk)
        let meeting = try docket.newMeeting(
            board: "Best Value Programme Board", date: CalendarDate(iso: "2016-10-19")!, time: "18:30",
            venue: "Town Hall", as: "clive")
        var references: [String] = []
        for title in ["Alpha", "Bravo", "Charlie", "Delta"] {
            let reference = try BoardSteps.answered(docket, title: title)
            try docket.fire("schedule-for-board", on: reference, as: "clive", fields: ["meeting": meeting])
            references.append(reference)
        }
        func reports(_ reference: String) throws -> [DocumentMetadata] {
            try docket.submission(reference).documents.filter { $0.kind == .boardReport }
        }

        // No room at all: the publication itself is refused, and nothing changes.
        try disk.fill(leaving: 0)
        expectClear(failure { try docket.publishAgenda(meeting, as: "clive") }, on: disk)
        #expect(try docket.meeting(meeting).publications == 0)
        #expect(try docket.meeting(meeting).items.allSatisfy { !$0.isPublished })
        #expect(try references.allSatisfy { try reports($0).isEmpty })
        try disk.giveBack()
        #expect(try problems(docket).isEmpty)

        // Room for the publication and some reports, not for every item's pair: the numbers are
        // fixed (acknowledged in the meeting's log) and the reports archived are whole.
        try disk.fill(leaving: 100_000)
        expectClear(failure { try docket.publishAgenda(meeting, as: "clive") }, on: disk)
        #expect(try docket.meeting(meeting).publications == 1)
        let archived = try references.map { try reports($0).count }
        #expect(archived.reduce(0, +) < 2 * references.count, "\(archived)")

        // Space returns: nothing half-written, and publishing again finishes the job, once.
        try disk.giveBack()
        let found = try problems(docket)
        #expect(found.isEmpty, "\(found)")
        try docket.publishAgenda(meeting, as: "clive")
        let published = try docket.meeting(meeting)
        #expect(published.publications == 1)
        #expect(published.items.allSatisfy { $0.isPublished })
        for reference in references {
            let titles = try reports(reference).map(\.title)
            #expect(titles.count == 2 && !titles.contains { $0.contains("version") }, "\(titles)")
        }
        #expect(try problems(docket).isEmpty)
    }
}
