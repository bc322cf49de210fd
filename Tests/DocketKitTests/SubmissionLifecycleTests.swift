import Archive
import DocketKit
import Foundation
import TestSupport
import Testing
import Workflow

/// The use cases over a real archive directory: the model case end to end, and each refusal.
@Suite struct SubmissionLifecycleTests {
    let archive: TemporaryArchive
    var docket: DocketArchive { archive.docket }

    init() throws {
        archive = try TemporaryArchive()
        try archive.docket.addUser("olivia", roles: [.officer], fullName: "Olivia Officer")
        try archive.docket.addUser("mayor", roles: [.mayor], fullName: "John Biggs")
        try archive.docket.addUser("clive", roles: [.clerk])
        try archive.docket.addUser("ada", roles: [.admin])
        try archive.docket.addUser("deputy", roles: [.officer])
        try archive.docket.addSeries(
            "bvp", title: "Best Value Plan updates", cadence: "P6M", firstDue: CalendarDate(iso: "2015-09-30")!,
            workflow: "best-value-submission", as: "olivia")
    }

    func newSubmission() throws -> String {
        try docket.newSubmission(
            workflow: "best-value-submission", title: "Best Value Plan: third six-month update", series: "bvp",
            service: "Service Head, Corporate Strategy and Equality", as: "olivia")
    }

    @discardableResult
    func add(_ kind: DocumentKind, _ text: String, to reference: String, annex: String? = nil) throws
        -> DocumentMetadata
    {
        try docket.addDocument(
            to: reference, content: Array(text.utf8),
            description: DocumentDescription(
                kind: kind, title: text, originalFileName: "\(kind.rawValue).txt", annex: annex),
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

    @Test func theModelCaseEndToEnd() throws {
        let reference = try newSubmission()
        #expect(reference == "BVP-2016-01")  // the series prefix and the London year of the clock
        try add(.submission, "Third six-month submission", to: reference, annex: "A")
        try add(.coverLetter, "Cover letter from the Mayor", to: reference)
        try docket.fire("submit-for-sign-off", on: reference, as: "olivia")
        archive.advance(days: 1)
        try docket.fire("sign-off", on: reference, as: "mayor")
        try docket.fire("dispatch", on: reference, as: "olivia", fields: ["dispatched-on": "2016-09-20"])
        archive.advance(days: 14)  // the response is recorded on the day it came, 5 October
        try add(.response, "Commissioners' response", to: reference)
        try docket.fire("record-response", on: reference, as: "olivia", fields: ["received-on": "2016-10-05"])
        #expect(
            try docket.newMeeting(
                board: "Best Value Programme Board", date: CalendarDate(iso: "2016-10-19")!, as: "clive")
                == "BVPB-2016-10-19")
        try docket.fire("schedule-for-board", on: reference, as: "clive", fields: ["meeting": "BVPB-2016-10-19"])
        #expect(
            try docket.fire("record-outcome", on: reference, as: "clive", fields: ["outcome": "Noted"]).state
                == "considered")
        let view = try docket.submission(reference)

        #expect(view.state == "considered")
        #expect(view.isFinal)
        #expect(view.sequence == 9)  // 3 documents + 6 transitions
        #expect(view.documents.map(\.kind) == [.submission, .coverLetter, .response])
        #expect(view.documents[0].direction == .outgoing)
        #expect(view.documents[2].direction == .incoming)
        let signOff = view.events[3]
        #expect(signOff.actor.user == "mayor")
        #expect(signOff.actor.role == .mayor)
        guard case .transition(let transition) = signOff.body else {
            Issue.record("event 4 should be the sign-off")
            return
        }
        #expect(transition.name == "sign-off")
        #expect(Set(transition.documents.map(\.sha256)) == Set(view.documents.prefix(2).map(\.sha256)))
        #expect(try docket.verify().isEmpty)
    }

    @Test func refusalsChangeNothing() throws {
        let reference = try newSubmission()
        let before = try docket.submission(reference).sequence
        #expect(throws: DocketError.self) { try docket.fire("submit-for-sign-off", on: reference, as: "olivia") }
        #expect(throws: DocketError.self) { try docket.fire("sign-off", on: reference, as: "mayor") }
        #expect(throws: DocketError.self) { try docket.fire("withdraw", on: reference, as: "clive", comment: "x") }
        #expect(throws: DocketError.self) { try docket.fire("withdraw", on: reference, as: "nobody", comment: "x") }
        #expect(try docket.submission(reference).sequence == before)
        // Admin may withdraw, with a comment, and do nothing else.
        #expect(throws: DocketError.self) { try docket.fire("withdraw", on: reference, as: "ada") }
        #expect(try docket.fire("withdraw", on: reference, as: "ada", comment: "Superseded").state == "withdrawn")
    }

    /// A submission signed off by the Mayor, ready to be dispatched.
    func signedOff() throws -> String {
        let reference = try newSubmission()
        try add(.submission, "Submission", to: reference)
        try add(.coverLetter, "Cover letter", to: reference)
        try docket.fire("submit-for-sign-off", on: reference, as: "olivia")
        try docket.fire("sign-off", on: reference, as: "mayor")
        return reference
    }

    @Test func aDispatchDatedInTheFutureIsRefusedAndChangesNothing() throws {
        let reference = try signedOff()
        let before = try docket.submission(reference).sequence
        let refusal = failure {
            try docket.fire("dispatch", on: reference, as: "olivia", fields: ["dispatched-on": "2099-01-01"])
        }
        guard case .rejected(.unmetRequirements(_, let unmet))? = refusal else {
            Issue.record("a dispatch dated 2099-01-01 must be refused, not \(String(describing: refusal))")
            return
        }
        #expect(
            unmet.map(\.description) == [
                "field dispatched-on '2099-01-01' is after today (2016-09-20): it must be the date it happened"
            ])
        #expect(try docket.submission(reference).sequence == before)
        #expect(try docket.submission(reference).state == "signed-off")
    }

    @Test func todayIsTheLondonDateOfTheArchivesClock() throws {
        // 23:30 UTC on 20 September 2016 is 00:30 on the 21st in London (BST).
        let evening = try TemporaryArchive(startingAt: Date(timeIntervalSince1970: 1_474_414_200))
        let docket = evening.docket!
        try docket.addUser("olivia", roles: [.officer])
        try docket.addUser("mayor", roles: [.mayor])
        let reference = try docket.newSubmission(workflow: "best-value-submission", title: "Late", as: "olivia")
        for kind in [DocumentKind.submission, .coverLetter] {
            try docket.addDocument(
                to: reference, content: Array(kind.rawValue.utf8),
                description: DocumentDescription(kind: kind, title: kind.rawValue, originalFileName: "a.txt"),
                as: "olivia")
        }
        try docket.fire("submit-for-sign-off", on: reference, as: "olivia")
        try docket.fire("sign-off", on: reference, as: "mayor")
        let tooLate = failure {
            try docket.fire("dispatch", on: reference, as: "olivia", fields: ["dispatched-on": "2016-09-22"])
        }
        #expect(tooLate?.description.contains("after today (2016-09-21)") == true, "\(String(describing: tooLate))")
        #expect(
            try docket.fire("dispatch", on: reference, as: "olivia", fields: ["dispatched-on": "2016-09-21"]).state
                == "dispatched")
    }

    @Test func aRunningSubmissionKeepsTheDefinitionItStartedOnNewOnesTakeTheNewFile() throws {
        // The archive's current workflow replaced, as an administrator would copy a file in: first
        // by one from before labels and past-date fields (the format-1 fixture's), then back.
        let current = "\(archive.path)/workflows/best-value-submission.scxml"
        let fixtures = TemporaryArchive.repositoryRoot.appendingPathComponent("Tests/DocketKitTests/Fixtures")
        let older = try Data(
            contentsOf: fixtures.appendingPathComponent("archive-format-1/workflows/best-value-submission.scxml"))
        let newer = try Data(contentsOf: URL(fileURLWithPath: current))
        func install(_ definition: Data) throws {
            try FileManager.default.removeItem(atPath: current)
            try definition.write(to: URL(fileURLWithPath: current))
        }
        try install(older)
        let running = try signedOff()
        try install(newer)
        let started = try signedOff()
        #expect(try docket.submission(running).workflow.digest != docket.submission(started).workflow.digest)

        // The running one keeps its rules and wording: no date rule, its ids read as words.
        let tomorrow = "2016-09-21"
        #expect(
            try docket.fire("dispatch", on: running, as: "olivia", fields: ["dispatched-on": tomorrow]).state
                == "dispatched")
        let old = try docket.submission(running)
        #expect(old.workflow.stateLabel(old.state) == "Dispatched")
        // The new one follows the new file.
        let refusal = failure {
            try docket.fire("dispatch", on: started, as: "olivia", fields: ["dispatched-on": tomorrow])
        }
        #expect(refusal?.description.contains("is after today (2016-09-20)") == true, "\(String(describing: refusal))")
        let new = try docket.submission(started)
        #expect(new.workflow.stateLabel(new.state) == "Signed off by the Mayor")
        #expect(try docket.verify().filter { $0.severity == .problem }.isEmpty)
    }

    @Test func dispatchRefusesAPackChangedSinceSignOff() throws {
        let reference = try newSubmission()
        try add(.submission, "Submission", to: reference)
        try add(.coverLetter, "Cover letter", to: reference)
        try docket.fire("submit-for-sign-off", on: reference, as: "olivia")
        try docket.fire("sign-off", on: reference, as: "mayor")
        let late = try add(.annex, "A late annex", to: reference, annex: "C")
        let refusal = failure {
            try docket.fire("dispatch", on: reference, as: "olivia", fields: ["dispatched-on": "2016-09-20"])
        }
        guard case .rejected(.packChangedSinceSignOff(let change))? = refusal else {
            Issue.record("dispatch should be refused as the pack changed, not \(String(describing: refusal))")
            return
        }
        #expect(change.added.map(\.sha256) == [late.sha256])
        // Reopen, sign again, and the new pack goes.
        try docket.fire("reopen", on: reference, as: "olivia", comment: "Annex C added")
        try docket.fire("submit-for-sign-off", on: reference, as: "olivia")
        try docket.fire("sign-off", on: reference, as: "mayor")
        #expect(
            try docket.fire("dispatch", on: reference, as: "olivia", fields: ["dispatched-on": "2016-09-20"]).state
                == "dispatched")
    }

    @Test func aDeputyActsForTheMayorUntilTheDelegationExpires() throws {
        let reference = try newSubmission()
        try add(.submission, "Submission", to: reference)
        try add(.coverLetter, "Cover letter", to: reference)
        try docket.fire("submit-for-sign-off", on: reference, as: "olivia")
        try docket.delegate(from: "mayor", to: "deputy", role: .mayor, until: CalendarDate(iso: "2016-09-30")!)
        archive.advance(days: 30)  // past the delegation
        let refusal = failure { try docket.fire("sign-off", on: reference, as: "deputy") }
        guard case .delegationExpired(let user, let role, let from, _)? = refusal else {
            Issue.record("an expired delegation must be refused, not \(String(describing: refusal))")
            return
        }
        #expect(user == "deputy" && role == .mayor && from == "mayor")
        try docket.delegate(from: "mayor", to: "deputy", role: .mayor, until: CalendarDate(iso: "2016-12-31")!)
        try docket.fire("sign-off", on: reference, as: "deputy")
        let view = try docket.submission(reference)
        #expect(view.events.last?.actor.user == "deputy")
        #expect(view.events.last?.actor.onBehalfOf == "mayor")
        // Delegating a role one does not hold, to oneself, or into the past is refused.
        #expect(throws: DocketError.self) {
            try docket.delegate(from: "olivia", to: "deputy", role: .mayor, until: CalendarDate(iso: "2016-12-31")!)
        }
        #expect(throws: DocketError.self) {
            try docket.delegate(from: "mayor", to: "mayor", role: .mayor, until: CalendarDate(iso: "2016-12-31")!)
        }
        #expect(throws: DocketError.self) {
            try docket.delegate(from: "mayor", to: "deputy", role: .mayor, until: CalendarDate(iso: "2016-01-01")!)
        }
        #expect(throws: DocketError.self) {
            try docket.delegate(from: "mayor", to: "ghost", role: .mayor, until: CalendarDate(iso: "2016-12-31")!)
        }
    }

    @Test func usersAreCheckedOnTheWayIn() throws {
        #expect(throws: DocketError.self) { try docket.addUser("Olivia", roles: [.officer]) }
        #expect(throws: DocketError.self) { try docket.addUser("../etc", roles: [.officer]) }
        #expect(throws: DocketError.self) { try docket.addUser("nobody", roles: []) }
        #expect(throws: DocketError.self) { try docket.addUser("olivia", roles: [.clerk]) }
        #expect(try docket.users().map(\.name) == ["ada", "clive", "deputy", "mayor", "olivia"])
    }

    @Test func deadlinesCountWorkingDaysFromEnteringTheState() throws {
        // Tuesday 20 September 2016, 09:00 UTC.
        let reference = try newSubmission()
        try add(.submission, "Submission", to: reference)
        try add(.coverLetter, "Cover letter", to: reference)
        try docket.fire("submit-for-sign-off", on: reference, as: "olivia")
        let view = try docket.submission(reference)
        #expect(view.deadline == CalendarDate(iso: "2016-09-27"))  // 5 working days, over a weekend
        #expect(!view.isOverdue)
        archive.advance(days: 8)
        #expect(try docket.submission(reference).isOverdue)
    }

    @Test func documentsAreContentAddressedAndNeverAddedTwice() throws {
        let reference = try newSubmission()
        let first = try add(.submission, "Same words", to: reference)
        #expect(first.sha256 == ArchiveStore.sha256(Array("Same words".utf8)))
        #expect(throws: DocketError.self) { try add(.annex, "Same words", to: reference) }
        #expect(throws: DocketError.self) {
            try docket.addDocument(
                to: reference, content: [],
                description: DocumentDescription(kind: .annex, title: "Empty", originalFileName: "e.txt"), as: "olivia")
        }
        #expect(throws: DocketError.self) {
            try docket.addDocument(
                to: reference, content: [1],
                description: DocumentDescription(kind: .annex, title: "By the mayor", originalFileName: "m.txt"),
                as: "mayor")
        }
        let (metadata, path) = try docket.document(reference, sha256: first.sha256)
        #expect(metadata.title == "Same words")
        #expect(FileManager.default.contents(atPath: path) == Data("Same words".utf8))
        #expect(throws: DocketError.self) { try docket.document(reference, sha256: "../../archive") }
        #expect(throws: DocketError.self) { try docket.document("../x", sha256: first.sha256) }
    }

    @Test func everyFileWrittenValidatesWithXmllintAlone() throws {
        let reference = try newSubmission()
        try add(.submission, "Submission <with> & \"markup\"", to: reference, annex: "A")
        try add(.coverLetter, "Cover letter", to: reference)
        try docket.fire("submit-for-sign-off", on: reference, as: "olivia")
        try docket.fire("return-for-redraft", on: reference, as: "mayor", comment: "Section 2 — tighten ✓")
        try docket.delegate(from: "mayor", to: "deputy", role: .mayor, until: CalendarDate(iso: "2016-12-31")!)
        _ = try docket.newMeeting(
            board: "Best Value Programme Board", date: CalendarDate(iso: "2016-10-19")!, as: "clive")
        let files = FileManager.default.enumerator(atPath: archive.path)!.compactMap { $0 as? String }
            .filter { $0.hasSuffix(".xml") && !$0.hasPrefix("schema/") }
        #expect(files.count >= 10)
        // Board logs (series, meetings, reports) have their own schema; the rest the archive's.
        let boardDirectories = ["series/", "meetings/", "reports/"]
        let boardFiles = files.filter { file in boardDirectories.contains { file.hasPrefix($0) } }
        #expect(boardFiles.count == 2)
        // The retention schedule every new archive carries has its own schema too.
        let retentionFiles = files.filter { $0.hasPrefix("retention/") }
        #expect(retentionFiles == ["retention/schedule.xml"])
        for (schema, group) in [
            ("schema/docket-archive-1.xsd", files.filter { !boardFiles.contains($0) && !retentionFiles.contains($0) }),
            ("schema/docket-board-1.xsd", boardFiles),
            ("schema/docket-retention-1.xsd", retentionFiles),
        ] {
            let xmllint = try ChildProcess.run(
                "/usr/bin/xmllint", ["--noout", "--schema", schema] + group, in: URL(fileURLWithPath: archive.path),
                timeout: 120)
            let output = xmllint.standardError
            #expect(xmllint.status == 0, "\(output)")
            #expect(output.components(separatedBy: " validates").count - 1 == group.count)
        }
    }

    @Test func aSubmissionKeepsTheWorkflowItStartedWith() throws {
        let reference = try newSubmission()
        let pinned = try docket.submission(reference).workflow.digest
        // An administrator edits the current definition: a new deadline.
        let current = "\(archive.path)/workflows/best-value-submission.scxml"
        chmod(current, 0o644)
        let text = try String(contentsOfFile: current, encoding: .utf8)
            .replacingOccurrences(of: "docket:deadline-working-days=\"5\"", with: "docket:deadline-working-days=\"7\"")
        try text.write(toFile: current, atomically: true, encoding: .utf8)
        let reopened = try archive.reopen()
        #expect(try reopened.workflow(named: "best-value-submission").definition.digest != pinned)
        #expect(try reopened.submission(reference).workflow.digest == pinned)
        #expect(try reopened.submission(reference).workflow.state("awaiting-sign-off")?.deadlineWorkingDays == 5)
        let later = try reopened.newSubmission(workflow: "best-value-submission", title: "Fourth update", as: "olivia")
        #expect(try reopened.submission(later).workflow.state("awaiting-sign-off")?.deadlineWorkingDays == 7)
    }

    /// A crash between claiming a reference and writing `submission.xml` leaves an empty
    /// directory: listing still works, the next reference skips it, and verify notes it.
    @Test func anInterruptedCreationIsHarmless() throws {
        let first = try newSubmission()
        try FileManager.default.createDirectory(
            atPath: "\(archive.path)/submissions/BVP-2016-02", withIntermediateDirectories: false)
        #expect(try docket.submissions().map(\.reference) == [first])
        #expect(try newSubmission() == "BVP-2016-03")
        let findings = try docket.verify()
        #expect(findings.allSatisfy { $0.severity == .note })
        #expect(findings.contains { $0.path.hasSuffix("BVP-2016-02") && $0.message.contains("interrupted") })
    }
}
