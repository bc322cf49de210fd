import Archive
import DocketKit
import Foundation
import Synchronization
import TestSupport
import Testing
import Workflow

/// The access log over a real archive: one hash chain across UTC days, checked by `verify`
/// against edits, deletions and a writer racing another, and valid for `xmllint` alone.
@Suite struct AccessLogTests {
    static let zeros = String(repeating: "0", count: 64)

    /// An archive whose clock starts at 2016-09-20 09:00 UTC, with four entries over three days
    /// (20th: two; 21st: one; 24th: one).
    static func archiveWithLog() throws -> TemporaryArchive {
        let archive = try TemporaryArchive()
        let docket = archive.docket!
        try docket.recordAccess(.signIn(user: "ada", method: .password, address: "192.0.2.7"))
        archive.advance(days: 0.25)
        try docket.recordAccess(
            .view(
                user: "ada", item: "BVPB-2016-10-19", what: "agenda of BVPB-2016-10-19 (full)", allowed: true,
                address: "192.0.2.7"))
        archive.advance(days: 1)
        try docket.recordAccess(
            .signInRefused(
                name: "Robert <b>'); --", method: .password, reason: "name or password not recognised",
                address: "198.51.100.1"))
        archive.advance(days: 3)
        try docket.recordAccess(.signOut(user: "ada", address: "192.0.2.7"))
        return archive
    }

    static func problems(_ docket: DocketArchive) throws -> [VerificationFinding] {
        try docket.verify().filter { $0.severity == .problem && $0.path.hasPrefix("access") }
    }

    /// Makes an archived (read-only) file writable and replaces `old` with `new` in it.
    static func edit(_ path: String, replacing old: String, with new: String) throws {
        chmod(path, 0o644)
        let text = try String(contentsOfFile: path, encoding: .utf8)
        #expect(text.contains(old), "\(path) has no \(old)")
        try Data(text.replacingOccurrences(of: old, with: new).utf8).write(to: URL(fileURLWithPath: path))
    }

    @Test func theChainRunsAcrossDaysAndEveryEntryValidates() throws {
        let archive = try Self.archiveWithLog()
        let docket = archive.docket!
        #expect(docket.store.accessLogDays() == ["2016-09-20", "2016-09-21", "2016-09-24"])
        let read = try docket.store.readAccessLog()
        #expect(read.map(\.entry.sequence) == [1, 2, 1, 1])
        #expect(read[0].entry.previous == Self.zeros)
        #expect(read[1].entry.previous == read[0].fileSHA256)
        // A day's first entry links to the last file of the most recent earlier day.
        #expect(read[2].entry.previous == read[1].fileSHA256)
        #expect(read[3].entry.previous == read[2].fileSHA256)
        // A typed name that is no user name is kept as typed, apart from `user`.
        #expect(read[2].entry.event.user == nil)
        #expect(read[2].entry.event.attemptedName == "Robert <b>'); --")
        #expect(read[2].entry.event.outcome == .refused)
        #expect(try Self.problems(docket).isEmpty)
        // Reading from a later day checks that day's first link against the day before it.
        #expect(try docket.store.readAccessLog(since: "2016-09-24").map(\.entry.event.action) == [.signOut])

        let xmllint = try ExternalTool.locate("xmllint", package: "libxml2-utils")
        let files = try FileManager.default.subpathsOfDirectory(atPath: "\(archive.path)/access").filter {
            $0.hasSuffix(".xml")
        }
        #expect(files.count == 5)  // four entries and the head
        let outcome = try xmllint.run(
            ["--noout", "--nonet", "--schema", "\(archive.path)/schema/docket-access-1.xsd"]
                + files.map { "\(archive.path)/access/\($0)" }, timeout: 30)
        #expect(outcome.status == 0, "\(outcome.standardError)")
    }

    @Test func theLogIsFilteredByUserItemAndLondonDay() throws {
        let archive = try Self.archiveWithLog()
        let docket = archive.docket!
        #expect(try docket.accessLog(user: "ada").map(\.event.action) == [.signIn, .view, .signOut])
        #expect(try docket.accessLog(item: "BVPB-2016-10-19").map(\.event.action) == [.view])
        #expect(try docket.accessLog(user: "olivia").isEmpty)
        // From the start of 21st September in London (23:00 UTC on the 20th).
        let since = try #require(CalendarDate(iso: "2016-09-21"))
        #expect(try docket.accessLog(since: since).map(\.event.action) == [.signInRefused, .signOut])
        #expect(try docket.accessLog(user: "ada", since: since).map(\.event.action) == [.signOut])
    }

    @Test func aChangedByteInAnyEntryIsFound() throws {
        // The first entry (covered by the next link), a day's last (by the next day's first),
        // and the log's very last (by the head).
        for (index, old, new) in [(0, "192.0.2.7", "192.0.2.8"), (1, "(full)", "(fall)"), (3, "ada", "adb")] {
            let archive = try Self.archiveWithLog()
            let entry = try archive.docket.store.readAccessLog()[index]
            try Self.edit(entry.path, replacing: old, with: new)
            let problems = try Self.problems(archive.docket)
            #expect(!problems.isEmpty, "an edit of entry \(index) was not found")
            #expect(
                problems.contains { $0.path.hasPrefix("access/log/") && $0.message.contains("SHA-256") },
                "\(problems)")
        }
    }

    @Test func aDeletedEntryIsFound() throws {
        for index in [1, 3] {  // the middle of the log, and its last entry
            let archive = try Self.archiveWithLog()
            let entry = try archive.docket.store.readAccessLog()[index]
            #expect(unlink(entry.path) == 0)
            let problems = try Self.problems(archive.docket)
            #expect(!problems.isEmpty, "the deletion of entry \(index) was not found")
        }
        // A middle entry of a day: out of sequence.
        let archive = try Self.archiveWithLog()
        archive.advance(days: 0.01)
        try archive.docket.recordAccess(.signIn(user: "ada", method: .password, address: nil))
        try archive.docket.recordAccess(.signOut(user: "ada", address: nil))
        let entries = try archive.docket.store.readAccessLog()
        #expect(entries.suffix(3).map(\.entry.sequence) == [1, 2, 3])
        #expect(unlink(entries[entries.count - 2].path) == 0)
        let problems = try Self.problems(archive.docket)
        #expect(problems.contains { $0.message.contains("out of sequence") }, "\(problems)")
    }

    @Test func aHeadOneEntryBehindIsANoteAndAMissingHeadAProblem() throws {
        let archive = try Self.archiveWithLog()
        let head = "\(archive.path)/access/head.xml"
        let before = try Data(contentsOf: URL(fileURLWithPath: head))
        try archive.docket.recordAccess(.signOut(user: "olivia", address: nil))
        // A crash between the entry and its head leaves the head as it was.
        chmod(head, 0o644)
        try before.write(to: URL(fileURLWithPath: head))
        let findings = try archive.docket.verify().filter { $0.path.hasPrefix("access") }
        #expect(findings.map(\.severity) == [.note], "\(findings)")
        #expect(unlink(head) == 0)
        let problems = try Self.problems(archive.docket)
        #expect(problems.map(\.path) == ["access/head.xml"] && problems[0].message.contains("missing"))
    }

    @Test func twoWritersAtOnceLoseNothing() throws {
        let archive = try TemporaryArchive()
        let writers = [archive.docket!, try archive.reopen()]
        let failures = Mutex<[String]>([])
        DispatchQueue.concurrentPerform(iterations: 2) { writer in
            for number in 1...50 {
                do {
                    try writers[writer].recordAccess(
                        .view(
                            user: "ada", item: "W\(writer)-\(number)", what: "writer \(writer)", allowed: true,
                            address: nil))
                } catch {
                    failures.withLock { $0.append("\(error)") }
                }
            }
        }
        #expect(failures.withLock { $0 }.isEmpty)
        let entries = try archive.docket.store.readAccessLog()
        #expect(entries.count == 100)
        #expect(Set(entries.compactMap(\.entry.event.item)).count == 100)
        #expect(try Self.problems(archive.docket).isEmpty)
    }

    @Test func textIsMadeFitForTheLogNotRefused() throws {
        let archive = try TemporaryArchive()
        let long = String(repeating: "x", count: 300)
        let entry = try archive.docket.recordAccess(
            .view(
                user: "ada", item: "../etc/passwd", document: "not-a-hash", what: "line one\nline two",
                allowed: false, reason: long, address: " 10.0.0.1 "))
        #expect(entry.event.item == nil && entry.event.document == nil)
        #expect(entry.event.what == "line one line two; asked for '../etc/passwd'; document 'not-a-hash'")
        #expect(entry.event.reason?.count == 200)
        #expect(entry.event.address == "10.0.0.1")
        #expect(entry.event.outcome == .refused)
        let refused = try archive.docket.recordAccess(
            .signInRefused(name: String(repeating: "é", count: 100), method: .password, reason: "x", address: nil))
        #expect(refused.event.attemptedName?.count == 64)
        let known = try archive.docket.recordAccess(
            .signInRefused(name: "olivia", method: .password, reason: "name or password not recognised", address: nil))
        #expect(known.event.user == "olivia" && known.event.attemptedName == nil)
        #expect(try Self.problems(archive.docket).isEmpty)
    }

    @Test func anArchiveWithoutTheAccessSchemaSaysHowToAddIt() throws {
        let archive = try TemporaryArchive()
        #expect(unlink("\(archive.path)/schema/docket-access-1.xsd") == 0)
        let old = try archive.reopen()
        let error = failure { try old.recordAccess(.signOut(user: "ada", address: nil)) }
        #expect("\(String(describing: error))".contains("docket init --upgrade"))
        #expect(try old.verify().contains { $0.path == "schema/docket-access-1.xsd" && $0.severity == .note })
    }

    @Test func theClearanceFileIsReadWrittenAndChecked() throws {
        let archive = try TemporaryArchive()
        let store = archive.docket.store
        #expect(try store.clearance() == nil)
        let record = ClearanceRecord(
            clearedRoles: ["clerk", "records-manager"], openMarkings: ["OFFICIAL"], changed: archive.now,
            changedBy: "ada")
        try store.writeClearance(record)
        #expect(try store.clearance() == record)
        try store.writeClearance(ClearanceRecord(clearedRoles: [], openMarkings: ["OFFICIAL", "PUBLIC"]))
        #expect(try store.clearance()?.openMarkings == ["OFFICIAL", "PUBLIC"])
        // The schema refuses a clearance with no open marking, or a role that is no role name.
        #expect(throws: ArchiveError.self) {
            try store.writeClearance(ClearanceRecord(clearedRoles: [], openMarkings: []))
        }
        #expect(throws: ArchiveError.self) {
            try store.writeClearance(ClearanceRecord(clearedRoles: ["Admin"], openMarkings: ["OFFICIAL"]))
        }
        try Self.edit("\(archive.path)/access/clearance.xml", replacing: "OFFICIAL", with: "")
        #expect(throws: ArchiveError.self) { try store.clearance() }
        #expect(try Self.problems(archive.docket).map(\.path) == ["access/clearance.xml"])
    }
}
