import Archive
import DocketKit
import Foundation
import GRDB
import TestSupport
import Testing
import Workflow

@testable import Index

/// The index as a cache of a real archive: kept current by this process's writes, brought up
/// to date on open after changes made elsewhere, rebuilt identically, never trusted over the archive.
@Suite struct IndexSyncTests {
    let archive: TemporaryArchive
    var docket: DocketArchive { archive.docket }

    init() throws {
        archive = try TemporaryArchive()
        try docket.addUser("olivia", roles: [.officer], fullName: "Olivia Officer")
        try docket.addSeries(
            "bvp", title: "Best Value Plan updates", cadence: "P6M", firstDue: CalendarDate(iso: "2015-09-30")!,
            workflow: "best-value-submission", as: "olivia")
    }

    func newSubmission(_ title: String = "Best Value Plan: third six-month update") throws -> String {
        try docket.newSubmission(workflow: "best-value-submission", title: title, series: "bvp", as: "olivia")
    }

    @discardableResult
    func add(
        _ text: String, to reference: String, kind: DocumentKind = .correspondence, in docket: DocketArchive? = nil,
        fileName: String = "letter.txt", relations: [Relation] = []
    ) throws -> DocumentMetadata {
        try (docket ?? self.docket).addDocument(
            to: reference, content: Array(text.utf8),
            description: DocumentDescription(
                kind: kind, title: String(text.prefix(30)), originalFileName: fileName,
                date: CalendarDate(year: 2016, month: 9, day: 20), creator: Party(parsing: "John Biggs (LBTH)"),
                relations: relations),
            as: "olivia")
    }

    func found(_ query: String, in docket: DocketArchive? = nil) throws -> [String] {
        try (docket ?? self.docket).search(SearchRequest(query: try SearchQuery(query))).hits.map(\.sha256)
    }

    /// Moves every modification time in the archive an hour back, as for an archive written
    /// earlier: fingerprints are then settled (see `ArchiveStore.fingerprint`).
    func ageArchive() throws {
        let past = timeval(tv_sec: time(nil) - 3600, tv_usec: 0)
        var times = [past, past]
        for file in try FileManager.default.subpathsOfDirectory(atPath: archive.path) + [""] {
            #expect(utimes("\(archive.path)/\(file)", &times) == 0)
        }
    }

    @Test func thisProcessWritesAreSearchableAtOnce() throws {
        let reference = try newSubmission()
        #expect(try found("grants").isEmpty)  // opens the index
        let letter = try add("The Commissioners note progress on grants.", to: reference)
        #expect(try found("grants") == [letter.sha256])
        try add("The update itself", to: reference, kind: .submission, fileName: "update.txt")
        try add("Cover letter", to: reference, kind: .coverLetter, fileName: "cover.txt")
        try docket.fire("submit-for-sign-off", on: reference, as: "olivia")
        let hit = try #require(try docket.search(SearchRequest(query: try SearchQuery("grants"))).hits.first)
        #expect(hit.submissionState == "awaiting-sign-off")
    }

    @Test func changesByAnotherProcessArePickedUpOnOpenWithoutReadingTheRest() throws {
        var references: [String] = []
        for number in 1...5 {
            let reference = try newSubmission("Update \(number)")
            try add("Routine letter \(number)", to: reference)
            references.append(reference)
        }
        _ = try docket.syncIndex()
        try ageArchive()
        _ = try docket.syncIndex()  // records the settled fingerprints
        let other = try archive.reopen()
        let added = try add("A letter about the Mayor's office and its grants", to: references[2], in: other)

        let later = try archive.reopen()
        let report = try later.syncIndex()
        #expect(report.updated == 1)
        #expect(report.unchanged == 4)
        #expect(try found("grants", in: later) == [added.sha256])
    }

    @Test func aRestoredOrRemovedSubmissionIsSeenOnOpen() throws {
        let kept = try newSubmission()
        try add("Original letter about housing", to: kept)
        let doomed = try newSubmission("To be removed")
        try add("A letter about libraries", to: doomed)
        _ = try docket.syncIndex()
        try ageArchive()
        // Back up one submission (times preserved, as backup tools do), change it, restore it.
        let directory = "\(archive.path)/submissions/\(kept)"
        let backup = "\(archive.path)/../backup-\(UUID().uuidString)"
        try run("/bin/cp", "-a", directory, backup)
        defer { try? FileManager.default.removeItem(atPath: backup) }
        let later = try add("A later letter about parking", to: kept)
        #expect(try found("parking") == [later.sha256])
        try run("/bin/chmod", "-R", "u+w", directory)
        try FileManager.default.removeItem(atPath: directory)
        try run("/bin/cp", "-a", backup, directory)
        try run("/bin/chmod", "-R", "u+w", "\(archive.path)/submissions/\(doomed)")
        try FileManager.default.removeItem(atPath: "\(archive.path)/submissions/\(doomed)")

        let reopened = try archive.reopen()
        let report = try reopened.syncIndex()
        #expect(report.updated == 1)
        #expect(report.removed == 1)
        #expect(try found("parking", in: reopened).isEmpty)
        #expect(try found("housing", in: reopened).count == 1)
        #expect(try found("libraries", in: reopened).isEmpty)
    }

    @Test func aRebuiltIndexAnswersExactlyAsBefore() throws {
        for number in 1...4 {
            let reference = try newSubmission("Update \(number)")
            let cover = try add("Cover letter \(number): the Mayor signs off the best value plan", to: reference)
            try add(
                "Commissioners' reply \(number) on grants and governance", to: reference, kind: .response,
                relations: [Relation(kind: .replyTo, target: cover.sha256)])
        }
        let queries = ["mayor", "\"best value\"", "gov*", "grants OR plan", "mayor NOT grants", "update"]
        func answers(_ docket: DocketArchive) throws -> [[DocumentHit]] {
            try queries.map { try docket.search(SearchRequest(query: try SearchQuery($0), limit: 50)).hits }
                + [try docket.thread(of: "BVP-2016-02")]
        }
        let before = try answers(docket)
        #expect(before[0].count == 4)
        // Equal answers prove nothing if they are empty: every query finds something first.
        // ("reply NOT grants" found nothing here, every reply being about grants.)
        #expect(before.allSatisfy { !$0.isEmpty }, "\(zip(queries + ["thread"], before.map(\.count)))")
        try FileManager.default.removeItem(atPath: "\(archive.path)/index.sqlite")
        let fresh = try archive.reopen()
        let report = try fresh.reindex()
        #expect(report.updated == 4)
        #expect(report.rebuilt)
        #expect(try answers(fresh) == before)
        #expect(!FileManager.default.fileExists(atPath: "\(archive.path)/index.sqlite.rebuild-\(getpid())"))
    }

    /// A fire indexes its submission from what it read and wrote rather than a second read of
    /// the chain: the rows are those a rebuild from the archive makes, to the facets.
    @Test func firedEventsAreIndexedAsARebuildReadsThem() throws {
        try docket.addUser("morgan", roles: [.mayor], fullName: "John Biggs")
        let reference = try newSubmission()
        _ = try docket.syncIndex()  // opens the index, so this process's writes go to it
        try add("The third six-month update", to: reference, kind: .submission, fileName: "update.txt")
        try add("Dear Secretary of State", to: reference, kind: .coverLetter, fileName: "cover.txt")
        try docket.fire("submit-for-sign-off", on: reference, as: "olivia", comment: "For the Mayor")
        try docket.fire("return-for-redraft", on: reference, as: "morgan", comment: "Tighten the finances")
        try docket.fire("submit-for-sign-off", on: reference, as: "olivia")
        let before = try indexRows()
        #expect(before["event"]?.count == 5, "\(before)")
        #expect(before["event"]?.last?.contains("awaiting-sign-off") == true, "\(before)")
        #expect(before["text"]?.count == 2)
        try FileManager.default.removeItem(atPath: "\(archive.path)/index.sqlite")
        _ = try archive.reopen().reindex()
        #expect(try indexRows() == before)
    }

    /// The index's rows about submissions, events and documents' searchable text, without the
    /// ids and fingerprints that differ between an index kept up and one rebuilt.
    func indexRows() throws -> [String: [String]] {
        let index = try SearchIndex(path: "\(archive.path)/index.sqlite")
        let queries = [
            "submission": "SELECT reference, state, is_final, sequence, last_activity, meeting FROM submission",
            "event": """
            SELECT sequence, name, from_state, to_state, time, user, role, on_behalf_of, comment, file_sha256
            FROM event ORDER BY sequence
            """,
            "text": """
            SELECT d.sha256, t.title, t.body, t.parties, t.context, t.facets
            FROM document d JOIN document_text t ON t.rowid = d.id ORDER BY d.sha256
            """,
        ]
        return try index.read { db in
            try queries.mapValues { sql in
                try Row.fetchAll(db, sql: sql).map { row in row.databaseValues.map(\.description).joined(separator: "|")
                }
            }
        }
    }

    @Test func aDamagedOrForeignIndexIsRebuiltFromTheArchive() throws {
        let reference = try newSubmission()
        let letter = try add("Letter about waste collection", to: reference)
        _ = try docket.syncIndex()
        let indexPath = "\(archive.path)/index.sqlite"
        for suffix in ["-wal", "-shm"] { try? FileManager.default.removeItem(atPath: indexPath + suffix) }
        try Data(repeating: 0x5A, count: 10_000).write(to: URL(fileURLWithPath: indexPath))
        let reopened = try archive.reopen()
        let report = try reopened.syncIndex()
        #expect(report.rebuilt)
        #expect(try found("waste", in: reopened) == [letter.sha256])

        // Another archive's index copied over this one's is not believed either.
        let stranger = try TemporaryArchive()
        try stranger.docket.addUser("olivia", roles: [.officer])
        let theirs = try stranger.docket.newSubmission(workflow: "best-value-submission", title: "Theirs", as: "olivia")
        try stranger.docket.addDocument(
            to: theirs, content: Array("zebra crossing".utf8),
            description: DocumentDescription(kind: .correspondence, title: "Zebra", originalFileName: "z.txt"),
            as: "olivia")
        _ = try stranger.docket.syncIndex()
        for suffix in ["", "-wal", "-shm"] {
            try? FileManager.default.removeItem(atPath: indexPath + suffix)
            if suffix != "-shm", FileManager.default.fileExists(atPath: "\(stranger.path)/index.sqlite\(suffix)") {
                try FileManager.default.copyItem(
                    atPath: "\(stranger.path)/index.sqlite\(suffix)", toPath: indexPath + suffix)
            }
        }
        let third = try archive.reopen()
        #expect(try third.syncIndex().rebuilt)
        #expect(try found("zebra", in: third).isEmpty)
        #expect(try found("waste", in: third) == [letter.sha256])
    }

    @Test func anUnreadableSubmissionIsReportedNotIndexedAndDoesNotStopTheRest() throws {
        let good = try newSubmission("Good")
        try add("Readable letter about roads", to: good)
        let bad = try newSubmission("Bad")
        try add("Letter about bridges", to: bad)
        let eventPath = "\(archive.path)/submissions/\(bad)/events/000001.xml"
        chmod(eventPath, 0o644)
        var text = try String(contentsOfFile: eventPath, encoding: .utf8)
        text = text.replacingOccurrences(of: "<previous>", with: "<previous>0")
        try text.write(toFile: eventPath, atomically: false, encoding: .utf8)
        let report = try archive.reopen().reindex()
        #expect(report.updated == 1)
        #expect(report.unreadable.keys.sorted() == [bad])
        let reopened = try archive.reopen()
        #expect(try found("roads", in: reopened).count == 1)
        #expect(try found("bridges", in: reopened).isEmpty)
    }

    @Test func aDocumentWhoseTextCannotBeReadIsStillArchivedAndFoundByMetadata() throws {
        let reference = try newSubmission()
        let picture = try docket.addDocument(
            to: reference, content: [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 1, 2, 3],
            description: DocumentDescription(
                kind: .annex, title: "Organisation chart", originalFileName: "chart.png",
                creator: Party(parsing: "(Commissioners)")),
            as: "olivia")
        #expect(try found("organisation chart") == [picture.sha256])
        let withoutText = try docket.documentsWithoutText()
        #expect(withoutText.map(\.sha256) == [picture.sha256])
        #expect(withoutText.first?.textNote?.isEmpty == false)
        #expect(try docket.search(SearchRequest(party: "commissioners")).hits.map(\.sha256) == [picture.sha256])
        // verify says so, as a note (not a problem): the document itself is sound.
        let findings = try docket.verify()
        #expect(findings.filter { $0.severity == .problem }.isEmpty)
        #expect(
            findings.contains {
                $0.severity == .note && $0.path.hasSuffix(picture.sha256) && $0.message.contains("text not extracted")
            })
    }

    @Test func aSubmissionStillBeingCreatedIsLeftOutQuietly() throws {
        let reference = try newSubmission()
        try add("A letter about trees", to: reference)
        // What an interrupted (or not yet finished) creation leaves: folders, no submission.xml.
        try FileManager.default.createDirectory(
            atPath: "\(archive.path)/submissions/BVP-2016-99/events", withIntermediateDirectories: true)
        let report = try archive.reopen().syncIndex()
        #expect(report.unreadable.isEmpty)
        #expect(report.updated == 1)
        #expect(try found("trees").count == 1)
    }

    @Test func threadOfAnUnknownSubmissionIsRefused() throws {
        do {
            _ = try docket.thread(of: "NOPE-2016-01")
            Issue.record("listed a thread for an unknown submission")
        } catch {
            #expect(error.description.contains("NOPE-2016-01"))
        }
    }

    func run(_ arguments: String...) throws {
        let result = try CommandLineTools.run(arguments[0], Array(arguments.dropFirst()), timeout: 60)
        #expect(result.status == 0, "\(arguments): \(result.output)")
    }
}
