import Archive
import DocketKit
import Foundation
import Mail
import TestSupport
import Testing
import Workflow

/// The actions of the Board's decisions tracked to done on a real archive: marked done and
/// reopened in the meeting's log by their owner, a clerk or an administrator, listed in the
/// register, in what is due and in the calendar feed, and chased by mail until done.
@Suite struct ActionTrackingTests {
    let archive: TemporaryArchive
    var docket: DocketArchive { archive.docket }
    let meeting: String

    /// A meeting of 19 October 2016 whose standing items are decided with three actions:
    /// A1.1 (olivia, 30 November), A1.2 (oscar, 14 December), A2.1 (olivia, 7 December).
    init(startingAt start: String = "2016-09-20T09:00:00Z", meetingOn date: String = "2016-10-19") throws {
        archive = try TemporaryArchive(startingAt: try Date.ISO8601FormatStyle().parse(start))
        let docket: DocketArchive = archive.docket
        try docket.addUser("olivia", roles: [.officer], email: "olivia@towerhamlets.gov.uk")
        try docket.addUser("oscar", roles: [.officer], email: "oscar@towerhamlets.gov.uk")
        try docket.addUser("clive", roles: [.clerk])
        try docket.addUser("victor", roles: [.viewer])
        try docket.addUser("ada", roles: [.admin], email: "governance@towerhamlets.gov.uk")
        try docket.setEscalationContact(series: nil, user: "ada")
        meeting = try docket.newMeeting(
            board: "Best Value Programme Board", date: CalendarDate(iso: date)!, as: "clive")
        try docket.publishAgenda(meeting, as: "clive")
        try docket.recordDecision(
            meeting: meeting, item: "1", type: .noted, resolution: "Apologies were noted.",
            actions: [
                ActionRequest(text: "Write to absent members", owner: "olivia", due: "2016-11-30"),
                ActionRequest(text: "Book the room", owner: "oscar", due: "2016-12-14"),
            ], as: "clive")
        try docket.recordDecision(
            meeting: meeting, item: "2", type: .noted, resolution: "No interests were declared.",
            actions: [ActionRequest(text: "Update the register of interests", owner: "olivia", due: "2016-12-07")],
            as: "clive")
    }

    func line(_ id: String) throws -> ActionLine {
        try #require(try docket.actions(includeDone: true).first { $0.meeting == meeting && $0.id == id })
    }

    @Test func theOwnerMarksDoneAClerkReopensAndTheLogSaysWhoAndWhen() throws {
        archive.advance(days: 30)
        let marked = try docket.completeAction(
            meeting: meeting, action: "A1.1", note: "Letters sent on 18 October", as: "olivia")
        #expect(marked.isDone)
        guard case .done(let mark) = try line("A1.1").status else {
            Issue.record("A1.1 is not done")
            return
        }
        #expect(mark.user == "olivia" && mark.time == archive.now && mark.note == "Letters sent on 18 October")
        #expect(try docket.proceedings(of: meeting).isDone("A1.1"))

        // Done twice is refused, and so is reopening an open action or without a note.
        let twice = failure { try docket.completeAction(meeting: meeting, action: "A1.1", as: "olivia") }
        #expect(twice?.description.contains("already done") == true, "\(String(describing: twice))")
        let openOne = failure { try docket.reopenAction(meeting: meeting, action: "A2.1", note: "x", as: "olivia") }
        #expect(openOne?.description.contains("open, not done") == true, "\(String(describing: openOne))")
        let silent = failure { try docket.reopenAction(meeting: meeting, action: "A1.1", note: " ", as: "clive") }
        #expect(silent?.description.contains("say why") == true, "\(String(describing: silent))")

        archive.advance(days: 1)
        try docket.reopenAction(meeting: meeting, action: "A1.1", note: "One letter came back", as: "clive")
        guard case .open(let reopened) = try line("A1.1").status else {
            Issue.record("A1.1 is not open again")
            return
        }
        #expect(reopened?.user == "clive" && reopened?.note == "One letter came back")
        // An administrator may mark anyone's action done.
        try docket.completeAction(meeting: meeting, action: "A1.2", as: "ada")
        #expect(try line("A1.2").isDone)

        // Every mark is a valid entry of the meeting's hash-chained log (board format 3).
        let entries = try FileManager.default.contentsOfDirectory(atPath: "\(archive.path)/meetings/\(meeting)")
            .filter { $0.hasSuffix(".xml") }.sorted()
        let last = try #require(entries.last)
        _ = try ExternalTool.xmllint().runSucceeding([
            "--noout", "--schema", "\(archive.path)/schema/docket-board-3.xsd",
            "\(archive.path)/meetings/\(meeting)/\(last)",
        ])
        #expect(try docket.verify().filter { $0.severity == .problem }.isEmpty)
    }

    @Test func anyoneButTheOwnerAClerkOrAnAdministratorIsRefusedNamingTheRule() throws {
        for user in ["oscar", "victor"] {
            let refused = failure { try docket.completeAction(meeting: meeting, action: "A1.1", as: user) }
            guard case .notPermitted = refused else {
                Issue.record("\(user): expected notPermitted, got \(String(describing: refused))")
                continue
            }
            let sentence = refused?.description ?? ""
            #expect(sentence.contains("olivia's") && sentence.contains("clerk or admin"), "\(sentence)")
        }
        #expect(try !line("A1.1").isDone)
        let unknown = failure { try docket.completeAction(meeting: meeting, action: "A9.9", as: "clive") }
        #expect(
            unknown?.description.contains("its actions: A1.1, A1.2, A2.1") == true, "\(String(describing: unknown))")
    }

    @Test func aStaleViewIsRefusedAndNothingIsWritten() throws {
        let seen = try line("A1.1").logLength
        try docket.completeAction(meeting: meeting, action: "A1.2", as: "oscar", expectedLogSequence: seen)
        let stale = failure {
            try docket.completeAction(meeting: meeting, action: "A1.1", as: "olivia", expectedLogSequence: seen)
        }
        guard case .boardLogChanged = stale else {
            Issue.record("expected boardLogChanged, got \(String(describing: stale))")
            return
        }
        #expect(try !line("A1.1").isDone)
        #expect(try line("A1.1").logLength == seen + 1)
    }

    /// Two processes mark the same action done at once, twenty times (a clerk reopens it in
    /// between): each time exactly one wins, and the log records one mark per race.
    @Test func twoWritersAtOnceExactlyOneWins() throws {
        let second = try archive.reopen()
        var losses: [String] = []
        for round in 1...20 {
            let before = try line("A1.1").logLength
            let lock = NSLock()
            nonisolated(unsafe) var errors: [DocketError?] = []
            DispatchQueue.concurrentPerform(iterations: 2) { index in
                let writer: DocketArchive = index == 0 ? archive.docket : second
                let error = failure {
                    try writer.completeAction(meeting: meeting, action: "A1.1", note: "writer \(index)", as: "olivia")
                }
                lock.withLock { errors.append(error) }
            }
            #expect(errors.filter { $0 == nil }.count == 1, "round \(round): \(errors)")
            for case let error? in errors {
                switch error {
                case .boardLogChanged, .archive(.conflict): losses.append("conflict")
                case .invalidInput(let message) where message.contains("already done"): losses.append("already done")
                default: Issue.record("round \(round): the loser got \(error)")
                }
            }
            #expect(try line("A1.1").logLength == before + 1, "round \(round)")
            try docket.reopenAction(meeting: meeting, action: "A1.1", note: "round \(round) again", as: "clive")
        }
        print(
            "ActionTrackingTests racing writers: \(losses.count) losses, \(losses.filter { $0 == "conflict" }.count) conflicts"
        )
        #expect(try docket.verify().filter { $0.severity == .problem }.isEmpty)
    }

    @Test func theRegisterIsDueAndOverdueByTheArchivesClock() throws {
        try docket.completeAction(meeting: meeting, action: "A1.2", as: "oscar")
        #expect(try docket.actions().map(\.id) == ["A1.1", "A2.1"], "open only, soonest due first")
        #expect(try docket.actions(owner: "olivia", includeDone: true).map(\.id) == ["A1.1", "A2.1"])
        #expect(try docket.actions(includeDone: true).map(\.id) == ["A1.1", "A2.1", "A1.2"])
        let first = try line("A1.1")
        #expect(first.meetingDate == CalendarDate(iso: "2016-10-19") && first.board == "Best Value Programme Board")
        #expect(first.item == 1 && first.text == "Write to absent members" && !first.isOverdue)

        // What is due lists open actions by due date, for their owner; never a done one.
        let due = try docket.due().filter { $0.kind == .action }
        #expect(due.map(\.action) == ["A1.1", "A2.1"])
        #expect(
            due.first?.who == ["olivia"] && due.first?.subject == meeting && due.first?.what.contains("absent") == true)

        archive.advance(days: 72)  // 1 December 2016
        #expect(try line("A1.1").isOverdue && !line("A2.1").isOverdue)
        #expect(try docket.due().first { $0.action == "A1.1" }?.isOverdue == true)
    }

    /// The feed carries each action as a VTODO, read back by Python's icalendar.
    @Test func theCalendarFeedCarriesEachActionAsAToDo() throws {
        archive.advance(days: 10)
        try docket.completeAction(meeting: meeting, action: "A1.2", note: "Room 101; booked, paid", as: "oscar")
        let feed = try docket.calendarFeed()
        let directory = try TemporaryDirectory("ics-actions")
        defer { directory.remove() }
        let path = try directory.write(feed, to: "docket.ics")
        let script = """
            import sys, json, icalendar
            cal = icalendar.Calendar.from_ical(open(sys.argv[1], "rb").read())
            out = {}
            for t in cal.walk("VTODO"):
                out[str(t["UID"])] = {"due": t["DUE"].dt.isoformat(), "summary": str(t["SUMMARY"]),
                    "description": str(t["DESCRIPTION"]), "status": str(t["STATUS"]),
                    "completed": t["COMPLETED"].dt.isoformat() if "COMPLETED" in t else ""}
            print(json.dumps({"todos": out, "events": len(cal.walk("VEVENT"))}))
            """
        let output = try ExternalTool.pythonWithICalendar().runSucceeding(["-c", script, path]).standardOutput
        struct Parsed: Decodable {
            var todos: [String: [String: String]]
            var events: Int
        }
        let parsed = try JSONDecoder().decode(Parsed.self, from: Data(output.utf8))
        #expect(parsed.todos.count == 3 && parsed.events >= 1, "\(parsed)")
        let open = try #require(parsed.todos["action-\(meeting)-A1.1@docket"])
        #expect(open["due"] == "2016-11-30" && open["status"] == "NEEDS-ACTION" && open["completed"] == "")
        #expect(open["summary"] == "Action A1.1: Write to absent members")
        #expect(open["description"]?.contains("19th October 2016 (\(meeting)), item 1") == true, "\(open)")
        let done = try #require(parsed.todos["action-\(meeting)-A1.2@docket"])
        #expect(done["status"] == "COMPLETED" && done["completed"] == "2016-09-30T09:00:00+00:00", "\(done)")
        // Actions are to-dos, not deadlines as events as well.
        #expect(!String(decoding: feed, as: UTF8.self).contains("UID:due-action"))
    }

    /// An action is chased like a deadline: a reminder to its owner before it is due, a
    /// reminder when overdue, then the escalation; a done action never.
    @Test func notifyRemindsTheOwnerAndEscalatesButNeverChasesADoneAction() throws {
        let chased = try ActionTrackingTests(startingAt: "2026-03-26T09:00:00Z", meetingOn: "2026-03-25")
        let docket = chased.docket
        try docket.recordDecision(
            meeting: chased.meeting, item: "3", type: .agreed, resolution: "The minutes were agreed.",
            actions: [
                ActionRequest(text: "Publish the minutes", owner: "olivia", due: "2026-04-02"),
                ActionRequest(text: "Sign the minutes", owner: "oscar", due: "2026-04-02"),
            ], as: "clive")
        try docket.completeAction(meeting: chased.meeting, action: "A3.2", as: "oscar")
        let mta = try NotifyTests.CaptureMTA()
        for _ in 0..<16 {
            try docket.notify(at: chased.archive.now, setup: mta.setup)
            try docket.notify(at: chased.archive.now, setup: mta.setup)
            chased.archive.advance(days: 1)
        }
        let messages = try docket.outboxMessages().filter { $0.decided.about == "\(chased.meeting).A3.1.action" }
        #expect(messages.map(\.day) == ["2026-03-31", "2026-04-07", "2026-04-09"], "\(messages.map(\.day))")
        #expect(messages.map(\.decided.kind) == [.dueSoon, .overdue, .escalation])
        #expect(messages.map(\.decided.recipient) == ["olivia", "olivia", "ada"])
        let all = try docket.outboxMessages()
        #expect(!all.contains { $0.decided.about?.contains("A3.2") == true }, "a done action is never chased")
        let received = try mta.received().filter { $0.contains("Publish the minutes") }
        #expect(received.count == 3, "each reason reached the MTA once")
        let subject = try #require(received.first.flatMap { mta.header("Subject", of: $0) })
        #expect(subject == "Due 2nd April 2026: \(chased.meeting) action A3.1: Publish the minutes", "\(subject)")
        #expect(received.first?.contains("/actions?meeting") == true, "the link opens the meeting's actions")
    }

    /// Someone who chose a digest finds their actions due this week or overdue in it.
    @Test func aDigestListsTheOwnersActionsDueThisWeekOrOverdue() throws {
        let chased = try ActionTrackingTests(startingAt: "2026-03-30T09:00:00Z", meetingOn: "2026-03-25")
        let docket = chased.docket
        try docket.changeMail(of: "oscar", notify: .digest)
        try docket.recordDecision(
            meeting: chased.meeting, item: "3", type: .agreed, resolution: "The minutes were agreed.",
            actions: [
                ActionRequest(text: "Sign the minutes", owner: "oscar", due: "2026-04-02"),
                ActionRequest(text: "File the minutes", owner: "oscar", due: "2026-06-30"),
            ], as: "clive")
        let mta = try NotifyTests.CaptureMTA()
        let report = try docket.notify(at: chased.archive.now, setup: mta.setup)
        #expect(report.decided.filter { $0.recipient == "oscar" }.map(\.kind) == [.digest])
        let digest = try #require(try mta.received().first { $0.contains("digest+2026-03-30+0+oscar") })
        #expect(digest.contains("Due this week:") && digest.contains("action A3.1: Sign the minutes"), "\(digest)")
        #expect(digest.contains("Overdue:") && digest.contains("action A1.2: Book the room"))
        #expect(!digest.contains("File the minutes"), "not due for months")
    }
}

/// The demo's meeting of 19 October 2016, its item 4 (the third update) decided with actions:
/// the action text of an exempt item is for cleared readers only.
@Suite struct ExemptActionTests {
    @Test func aReaderNotClearedSeesNoTextOfAnExemptItemsAction() throws {
        let directory = try TemporaryDirectory("exempt-actions")
        defer {
            // Archived files are read-only: made writable again so that the directory goes.
            _ = try? ExternalTool(path: "/bin/chmod").run(["-R", "u+w", directory.url.path])
            directory.remove()
        }
        let path = directory.path("archive")
        let demo = try DemoArchive.build(
            at: path, from: Distribution(root: TemporaryArchive.repositoryRoot.path), meetingHeld: false)
        let now = try Date.ISO8601FormatStyle().parse("2016-10-20T10:00:00Z")
        let docket = try DocketArchive(opening: path, clock: { now })
        // Exempt first: an item's exemption is fixed once its decision is recorded.
        try docket.setExempt(demo.meeting, reference: "BVP-2016-02", paragraph: 3, as: "clara")
        try docket.recordDecision(
            meeting: demo.meeting, item: "4", type: .noted, resolution: "Noted in private session.",
            actions: [ActionRequest(text: "Brief the Commissioners on the sale", owner: "victor", due: "2016-11-30")],
            as: "clara")
        let secret = "Brief the Commissioners on the sale"

        let seenByVictor = try #require(try docket.actions(owner: "victor", for: "victor").first)
        #expect(seenByVictor.isWithheld && seenByVictor.text == ActionLine.withheldText)
        // The public list, what is due (a summary anyone sees) and the calendar feed withhold it too.
        #expect(try docket.actions().first { $0.id == "A4.1" }?.isWithheld == true)
        #expect(try !docket.due().contains { $0.what.contains(secret) })
        #expect(try docket.due().contains { $0.action == "A4.1" && $0.who == ["victor"] })
        #expect(!String(decoding: try docket.calendarFeed(), as: UTF8.self).contains("the sale"))
        let recorded = try docket.accessLog(user: "clara").count

        // A cleared reader sees it, and each view is recorded.
        #expect(try docket.actions(for: "clara").first { $0.id == "A4.1" }?.text == secret)
        #expect(try docket.accessLog(user: "clara").count == recorded + 1, "the view is recorded")
    }
}
