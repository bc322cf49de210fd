import Archive
import DocketKit
import Foundation
import Index
import Synchronization
import TestSupport
import Testing
import Workflow

/// Series, meetings and agendas on a real archive: numbering, publication, supplements,
/// exemption, roles and tamper evidence.
@Suite struct BoardBusinessTests {
    let archive: TemporaryArchive
    var docket: DocketArchive { archive.docket }

    init() throws {
        archive = try TemporaryArchive()
        try docket.addUser("olivia", roles: [.officer])
        try docket.addUser("mayor", roles: [.mayor])
        try docket.addUser("clive", roles: [.clerk])
        try docket.addSeries(
            "bvp", title: "Best Value Plan updates", cadence: "P6M", firstDue: day("2015-09-30"),
            workflow: "best-value-submission", service: "Corporate Strategy", as: "olivia")
    }

    func day(_ text: String) -> CalendarDate { CalendarDate(iso: text)! }

    /// A submission taken to `response-received` (or only to `dispatched`).
    func responded(_ title: String, series: String? = "bvp", dispatchedOn: String = "2016-09-20") throws -> String {
        let reference = try docket.newSubmission(
            workflow: "best-value-submission", title: title, series: series, service: "Corporate Strategy",
            as: "olivia")
        for (kind, text) in [
            (DocumentKind.submission, "The update \(title)"), (.coverLetter, "Dear Secretary \(title)"),
        ] {
            try docket.addDocument(
                to: reference, content: Array(text.utf8),
                description: DocumentDescription(
                    kind: kind, title: "\(kind.rawValue) \(title)", originalFileName: "\(kind.rawValue).txt"),
                as: "olivia")
        }
        try docket.fire("submit-for-sign-off", on: reference, as: "olivia")
        try docket.fire("sign-off", on: reference, as: "mayor")
        try docket.fire("dispatch", on: reference, as: "olivia", fields: ["dispatched-on": dispatchedOn])
        try docket.addDocument(
            to: reference, content: Array("Reply to \(title)".utf8),
            description: DocumentDescription(
                kind: .response, title: "Reply", originalFileName: "reply.txt",
                creator: Party(person: nil, organisation: "Secretary of State’s Commissioners")),
            as: "olivia")
        // The clock stands at 20 September 2016: the reply came the same day (a received-on date
        // cannot be after the day it is recorded).
        try docket.fire("record-response", on: reference, as: "olivia", fields: ["received-on": "2016-09-20"])
        return reference
    }

    func schedule(_ reference: String, for meeting: String) throws {
        try docket.fire("schedule-for-board", on: reference, as: "clive", fields: ["meeting": meeting])
    }

    func board() throws -> String {
        try docket.newMeeting(
            board: "Best Value Programme Board", date: day("2016-10-19"), time: "18:30", venue: "Town Hall",
            as: "clive")
    }

    @Test func seriesNumberTheirSubmissionsAndKnowWhatIsDue() throws {
        let first = try responded("first")
        archive.advance(days: 1)
        let withdrawn = try docket.newSubmission(
            workflow: "best-value-submission", title: "abandoned", series: "bvp", as: "olivia")
        try docket.fire("withdraw", on: withdrawn, as: "olivia", comment: "Drafted in error")
        archive.advance(days: 1)
        let second = try docket.newSubmission(
            workflow: "best-value-submission", title: "second", series: "bvp", as: "olivia")
        let series = try docket.series("bvp")
        #expect(series.members.map(\.reference) == [first, withdrawn, second])
        #expect(series.members.map(\.number) == [1, nil, 2])
        #expect(series.members[0].dispatchedOn == day("2016-09-20"))
        #expect(series.members[0].due == day("2015-09-30"))
        #expect(series.members[2].due == day("2016-03-30"))
        // The second is not dispatched: it is the next due, and overdue on 20 September 2016.
        #expect(series.nextDue.number == 2 && series.nextDue.date == day("2016-03-30"))
        #expect(series.isOverdue)
    }

    @Test func seriesAreCheckedWhenSubmissionsJoinThem() throws {
        #expect(throws: DocketError.self) {
            try docket.newSubmission(workflow: "best-value-submission", title: "x", series: "nope", as: "olivia")
        }
        #expect(throws: DocketError.self) {
            try docket.addSeries(
                "BVP", title: "again", cadence: "P6M", firstDue: day("2016-01-01"), workflow: "best-value-submission",
                as: "olivia")
        }
        #expect(throws: DocketError.self) {
            try docket.addSeries(
                "q", title: "bad", cadence: "six months", firstDue: day("2016-01-01"),
                workflow: "best-value-submission",
                as: "olivia")
        }
        #expect(throws: DocketError.self) {
            try docket.addSeries(
                "m", title: "mayor's", cadence: "P1Y", firstDue: day("2016-01-01"), workflow: "best-value-submission",
                as: "mayor")
        }
        #expect(docket.seriesIDs() == ["bvp"])
    }

    @Test func anUnknownMeetingIsRefusedAndNothingIsRecorded() throws {
        let reference = try responded("third")
        let before = try docket.submission(reference).sequence
        do {
            try schedule(reference, for: "BVPB-2016-10-19")
            Issue.record("scheduling for a meeting that does not exist was accepted")
        } catch {
            #expect("\(error)".contains("no meeting 'BVPB-2016-10-19'"), "\(error)")
        }
        #expect(try docket.submission(reference).sequence == before)
        #expect(try docket.submission(reference).state == "response-received")
    }

    @Test func agendaNumbersFollowTheOrderUntilPublishedAndNeverChangeAfter() throws {
        let meeting = try board()
        #expect(meeting == "BVPB-2016-10-19")
        let a = try responded("alpha")
        let b = try responded("bravo")
        try schedule(a, for: meeting)
        try schedule(b, for: meeting)
        var view = try docket.meeting(meeting)
        #expect(
            view.items.map(\.title).prefix(3) == [
                "Apologies for absence", "Declarations of interest", "Minutes of the last meeting",
            ])
        #expect(view.items.compactMap(\.reference) == [a, b])
        #expect(view.items.map(\.number) == [1, 2, 3, 4, 5])
        #expect(view.reportDeadline == day("2016-10-10"))
        #expect(view.publicationDeadline == day("2016-10-12"))

        // Before publication the clerk's order sets the numbers.
        try docket.orderAgenda(meeting, references: [b, a], as: "clive")
        view = try docket.meeting(meeting)
        #expect(
            view.items.filter { $0.kind == .submission }.map { "\($0.number) \($0.reference!)" } == [
                "4 \(b)", "5 \(a)",
            ])

        // Only a clerk (or admin) publishes.
        #expect(throws: DocketError.self) { try docket.publishAgenda(meeting, as: "olivia") }
        let published = try docket.publishAgenda(meeting, as: "clive")
        #expect(published.count == 5)
        #expect(throws: DocketError.self) { try docket.publishAgenda(meeting, as: "clive") }  // nothing new

        // Re-ordering after publication changes the order of business, never the numbers.
        try docket.orderAgenda(meeting, references: [a, b], as: "clive")
        view = try docket.meeting(meeting)
        let items = view.items.filter { $0.kind == .submission }
        #expect(items.map(\.reference) == [a, b])
        #expect(items.map(\.number) == [5, 4])
        #expect(items.allSatisfy { $0.isPublished })

        // A late item goes on a supplementary agenda with the next number.
        let late = try responded("charlie")
        try schedule(late, for: meeting)
        view = try docket.meeting(meeting)
        #expect(view.unpublishedCount == 1)
        #expect(view.items.last?.number == 6 && view.items.last?.isPublished == false)
        try docket.publishAgenda(meeting, as: "clive")
        view = try docket.meeting(meeting)
        let supplementary = try #require(view.items.first { $0.reference == late })
        #expect(supplementary.number == 6 && supplementary.supplement == 1)
        #expect(view.publications == 2)

        // Deferred after publication: keeps its number, marked withdrawn.
        try docket.fire("defer", on: a, as: "clive", comment: "Next meeting")
        view = try docket.meeting(meeting)
        let deferred = try #require(view.items.first { $0.reference == a })
        #expect(deferred.number == 5 && deferred.isWithdrawn)
        #expect(view.items.first { $0.reference == b }?.number == 4)

        // Publishing archived each item's report, HTML and DOCX.
        let reports = try docket.submission(b).documents.filter { $0.kind == .boardReport }
        #expect(reports.map(\.originalFileName).sorted() == ["board-report-\(b).docx", "board-report-\(b).html"])
        #expect(try docket.verify().filter { $0.severity == .problem }.isEmpty)
    }

    @Test func exemptItemsNeedAParagraphOfScheduleTwelveA() throws {
        let meeting = try board()
        let reference = try responded("confidential")
        try schedule(reference, for: meeting)
        #expect(throws: DocketError.self) {
            try docket.setExempt(meeting, reference: reference, paragraph: 8, as: "clive")
        }
        #expect(throws: DocketError.self) {
            try docket.setExempt(meeting, reference: "NOPE-1", paragraph: 3, as: "clive")
        }
        #expect(throws: DocketError.self) {
            try docket.setExempt(meeting, reference: reference, paragraph: 3, as: "olivia")
        }
        try docket.setExempt(meeting, reference: reference, paragraph: 3, as: "clive")
        #expect(try docket.meeting(meeting).items.first { $0.reference == reference }?.exemptParagraph == 3)

        // Not yet published: a public pack holds no papers of the item at all.
        var publicPack = try docket.meetingPack(meeting, public: true)
        #expect(publicPack.files.map(\.path) == ["00-agenda.html", "00-agenda.docx"])
        #expect(publicPack.leftOut.map(\.reference) == [reference])
        try docket.publishAgenda(meeting, as: "clive")

        publicPack = try docket.meetingPack(meeting, public: true)
        let fullPack = try docket.meetingPack(meeting, public: false).files.map(\.path)
        #expect(publicPack.files.map(\.path) == ["00-agenda.html", "00-agenda.docx"])
        #expect(fullPack.contains("04-\(reference)/report.docx"))
        #expect(fullPack.contains { $0.hasPrefix("04-\(reference)/annex-A-1-") })
        #expect(fullPack.contains { $0.hasPrefix("04-\(reference)/annex-B-1-reply") })
        // The public agenda says what was left out and why, and not even the annexes' titles.
        let agenda = try docket.agenda(meeting, public: true)
        #expect(agenda.blocks.contains(.notice(DocketArchive.exemptNotice(3))))
        #expect(
            agenda.blocks.contains { if case .notice(let text) = $0 { text.hasPrefix("Public pack") } else { false } })
        #expect(!agenda.blocks.contains { if case .bulletList = $0 { true } else { false } })
        let publicHTML = String(decoding: try docket.renderAgenda(meeting, format: .html, public: true), as: UTF8.self)
        #expect(!publicHTML.contains("Annex A") && !publicHTML.contains("Reply"))
        // The clerk's own agenda lists them.
        #expect(try docket.agenda(meeting).blocks.contains { if case .bulletList = $0 { true } else { false } })

        // The ZIP itself: contents.txt lists only what is in it.
        let zip = archive.path + "-public.zip"
        defer { try? FileManager.default.removeItem(atPath: zip) }
        try docket.writeMeetingPack(meeting, public: true, to: zip)
        let listing = try ExternalTool.pythonWithDocx().runSucceeding([
            "-c",
            "import sys, zipfile; z = zipfile.ZipFile(sys.argv[1]); print(z.read('contents.txt').decode()); "
                + "print('|'.join(z.namelist()))",
            zip,
        ]).standardOutput
        #expect(!listing.contains(reference), "\(listing)")
        #expect(listing.contains("contents.txt|00-agenda.html|00-agenda.docx"))

        try docket.setExempt(meeting, reference: reference, paragraph: nil, as: "clive")
        #expect(try docket.meetingPack(meeting, public: true).files.map(\.path) == fullPack)
    }

    @Test func aLongRunningProcessFollowsAnIndexRebuiltByAnother() throws {
        let meeting = try board()
        let reference = try responded("after the rebuild")
        let webApp = try archive.reopen()
        #expect(try webApp.meeting(meeting).items.filter { $0.kind == .submission }.isEmpty)
        #expect(try webApp.search(SearchRequest(query: try SearchQuery("rebuild"))).hits.count >= 1)
        _ = try archive.reopen().reindex()  // `docket reindex` in another process
        let cli = try archive.reopen()  // then a CLI command that schedules
        try cli.fire("schedule-for-board", on: reference, as: "clive", fields: ["meeting": meeting])
        #expect(try webApp.meeting(meeting).items.contains { $0.reference == reference })
        #expect(try webApp.stateCounts().contains { $0.state == "scheduled-for-board" && $0.count == 1 })
    }

    @Test func anExemptItemDeferredToAnotherMeetingStaysExemptUntilOpened() throws {
        let first = try board()
        let second = try docket.newMeeting(
            board: "Best Value Programme Board", date: day("2016-11-16"), time: "18:30", as: "clive")
        let exempt = try responded("exempt then deferred")
        let open = try responded("open then deferred")
        for reference in [exempt, open] { try schedule(reference, for: first) }
        try docket.setExempt(first, reference: exempt, paragraph: 3, as: "clive")
        for reference in [exempt, open] {
            try docket.fire("defer", on: reference, as: "clive", comment: "Not reached; to the next meeting.")
            try schedule(reference, for: second)
        }
        func paragraph(_ reference: String) throws -> Int?? {
            try docket.meeting(second).items.first { $0.reference == reference }.map(\.exemptParagraph)
        }
        #expect(try paragraph(exempt) == .some(3))
        #expect(try paragraph(open) == .some(nil))
        // The public pack leaves the carried item out without anyone marking it again.
        try docket.publishAgenda(second, as: "clive")
        #expect(try docket.meetingPack(second, public: true).leftOut.map(\.reference) == [exempt])
        // The clerk's own decision at the new meeting wins.
        try docket.setExempt(second, reference: exempt, paragraph: nil, as: "clive")
        #expect(try paragraph(exempt) == .some(nil))
        #expect(try docket.meetingPack(second, public: true).leftOut.isEmpty)
    }

    @Test func aPackRefusesADocumentChangedOnDisk() throws {
        let meeting = try board()
        let reference = try responded("tampered")
        try schedule(reference, for: meeting)
        let cover = try #require(try docket.submission(reference).documents.first { $0.kind == .coverLetter })
        let path = try docket.document(reference, sha256: cover.sha256).path
        chmod(path, 0o644)
        try "Dear Secretary, a different letter".write(toFile: path, atomically: false, encoding: .utf8)
        do {
            _ = try docket.meetingPack(meeting, public: false)
            Issue.record("a pack was made with a document that no longer matches its SHA-256")
        } catch {
            #expect("\(error)".contains("not \(cover.sha256) as recorded"), "\(error)")
        }
    }

    @Test func reportSectionsAreEditedWithCheckedPlaceholdersAndVersioned() throws {
        let meeting = try board()
        let reference = try responded("third")
        try schedule(reference, for: meeting)
        #expect(throws: DocketError.self) {
            try docket.editReportSection(reference, section: .background, text: "The {ordnial} update.", as: "olivia")
        }
        #expect(throws: DocketError.self) {
            try docket.editReportSection(reference, section: .background, text: "Unclosed {ordinal", as: "olivia")
        }
        #expect(throws: DocketError.self) {
            try docket.editReportSection(reference, section: .background, text: "Mayor's text", as: "mayor")
        }
        try docket.editReportSection(
            reference, section: .background, text: "Sent {dispatched-when}, the {ordinal} update.\n\nSecond {{para}}.",
            as: "olivia")
        let report = try docket.boardReport(reference)
        #expect(report.blocks.contains(.paragraph(number: "3.1", text: "Sent last month, the first update.")))
        #expect(report.blocks.contains(.paragraph(number: "3.2", text: "Second {para}.")))
        #expect(try docket.reportSections(reference).first { $0.section == .background }?.source == .submission)
        #expect(try docket.reportSections(reference).first { $0.section == .legal }?.source == .template)

        try docket.publishAgenda(meeting, as: "clive")
        let first = try docket.submission(reference).documents.filter { $0.kind == .boardReport }
        #expect(first.count == 2)
        // Archiving again unchanged adds nothing; after an edit it adds a new version of each.
        try docket.archiveBoardReport(reference, as: "olivia")
        #expect(try docket.submission(reference).documents.filter { $0.kind == .boardReport }.count == 2)
        archive.advance(days: 1)
        try docket.editReportSection(reference, section: .finance, text: "Within budget.", as: "olivia")
        try docket.archiveBoardReport(reference, as: "olivia")
        let all = try docket.submission(reference).documents.filter { $0.kind == .boardReport }
        #expect(all.count == 4)
        for document in all.suffix(2) {
            let earlier = try #require(first.first { $0.originalFileName == document.originalFileName })
            #expect(document.relations == [Relation(kind: .versionOf, target: earlier.sha256)])
        }
    }

    @Test func aTamperedMeetingLogIsFoundByVerify() throws {
        let meeting = try board()
        try docket.orderAgenda(meeting, references: [], as: "clive")
        let file = "\(archive.path)/meetings/\(meeting)/000001.xml"
        chmod(file, 0o644)
        var text = try String(contentsOfFile: file, encoding: .utf8)
        text = text.replacingOccurrences(of: "<date>2016-10-19</date>", with: "<date>2016-10-26</date>")
        #expect(text.contains("2016-10-26"))
        try text.write(toFile: file, atomically: false, encoding: .utf8)
        let problems = try docket.verify().filter { $0.severity == .problem }
        #expect(
            problems.contains { $0.path == "meetings/\(meeting)/000002.xml" && $0.message.contains("hash chain") },
            "\(problems.map { "\($0.path): \($0.message)" })")
        #expect(throws: DocketError.self) { try docket.meeting(meeting) }
    }

    @Test func twoClerksActingOnTheSameViewOfAnAgendaCannotBothSucceed() throws {
        let meeting = try board()
        let reference = try responded("race")
        try schedule(reference, for: meeting)
        let second = try archive.reopen()
        // Both clerks look at the agenda as it stands, then both act on what they saw.
        let seen = try docket.meeting(meeting).logLength
        try docket.publishAgenda(meeting, as: "clive", expectedLogLength: seen)
        let stale = Result { () throws(DocketError) in
            try second.setExempt(meeting, reference: reference, paragraph: 1, as: "clive", expectedLogLength: seen)
        }
        switch stale {
        case .success:
            Issue.record("a change based on a stale view of the agenda was accepted")
        case .failure(let error):
            #expect(
                "\(error)" == "meeting \(meeting) changed since it was read (\(seen + 1) entries, not \(seen)); "
                    + "look at it again and retry")
        }
        #expect(try docket.meeting(meeting).items.allSatisfy { $0.exemptParagraph == nil })
    }

    @Test func viewsKeptBetweenCallsFollowChangesMadeByAnotherProcess() throws {
        let meeting = try board()
        let reference = try responded("kept")
        let webApp = try archive.reopen()  // a long-running process that keeps its views
        #expect(try webApp.meeting(meeting).items.filter { $0.kind == .submission }.isEmpty)
        #expect(try webApp.series("bvp").members.map(\.reference) == [reference])
        #expect(!(try webApp.due().contains { $0.kind == .report && $0.subject == reference }))
        // Another process (the CLI) schedules the submission and publishes the agenda.
        try schedule(reference, for: meeting)
        #expect(try webApp.meeting(meeting).items.contains { $0.reference == reference })
        #expect(try webApp.due().contains { $0.kind == .report && $0.subject == reference })
        // A change only the meeting's log records (no submission changes with it).
        try docket.setExempt(meeting, reference: reference, paragraph: 3, as: "clive")
        #expect(try webApp.meeting(meeting).items.first { $0.reference == reference }?.exemptParagraph == 3)
        try docket.publishAgenda(meeting, as: "clive")
        let published = try webApp.meeting(meeting)
        #expect(published.publications == 1)
        #expect(published.items.first { $0.reference == reference }?.isPublished == true)
        // Publishing archived the report, so no report is due for it any more.
        #expect(!(try webApp.due().contains { $0.kind == .report && $0.subject == reference }))
        let second = try responded("joined later")
        #expect(try webApp.series("bvp").members.map(\.reference).contains(second))
        // Time alone (no write) makes the next update overdue once its day has passed.
        let series = try webApp.series("bvp")
        #expect(!series.isOverdue)
        let today = docket.calendar.today(archive.now)
        let days = series.nextDue.date.dayNumber - today.dayNumber
        #expect(days > 0)
        archive.advance(days: Double(days + 2))
        #expect(try webApp.series("bvp").isOverdue)
    }

    /// Four processes' views of one archive publish the same agenda at once: one publication,
    /// six distinct numbers. That holds trivially if the publishers ran one after another, so
    /// a loser must be seen to have lost the race itself (it read the agenda before the winner
    /// recorded it, and its own write was refused as a conflict); on a fresh archive each time,
    /// until one is (ten tries at most).
    @Test func concurrentPublishersNeverGiveTwoItemsOneNumber() throws {
        var tries: [String] = []
        var sawARace = false
        for attempt in 1...10 where !sawARace {
            let fixture = attempt == 1 ? self : try BoardBusinessTests()
            let outcome = try fixture.publishConcurrently()
            tries.append(
                "try \(attempt): \(outcome.published) published, \(outcome.raced) lost the race, "
                    + "\(outcome.late.count) came late \(outcome.late.map { String($0.prefix(60)) })")
            sawARace = outcome.raced > 0
        }
        print("BoardBusinessTests concurrent publishers: \(tries.joined(separator: "; "))")
        #expect(sawARace, "no publisher lost a race in \(tries.count) tries: they never overlapped")
    }

    /// Publishes this archive's agenda from four views at once (four threads let go together)
    /// and checks what must hold.
    func publishConcurrently(sourceLocation: SourceLocation = #_sourceLocation) throws -> (
        published: Int, raced: Int, late: [String]
    ) {
        let meeting = try board()
        for name in ["one", "two", "three"] { try schedule(try responded(name), for: meeting) }
        let writers = [docket, try archive.reopen(), try archive.reopen(), try archive.reopen()]
        // Each view reads the agenda first (so that none is still loading when the others
        // write), then all four threads wait at one gate and are let go together.
        for writer in writers { _ = try writer.meeting(meeting) }
        let outcomes = Mutex<[Result<Void, DocketError>]>([])
        let ready = DispatchGroup()
        let finished = DispatchGroup()
        let gate = DispatchSemaphore(value: 0)
        for writer in writers {
            ready.enter()
            finished.enter()
            Thread.detachNewThread {
                ready.leave()
                gate.wait()
                let outcome = Result { () throws(DocketError) in _ = try writer.publishAgenda(meeting, as: "clive") }
                outcomes.withLock { $0.append(outcome) }
                finished.leave()
            }
        }
        ready.wait()
        for _ in writers { gate.signal() }
        try #require(
            finished.wait(timeout: .now() + 120) == .success, "the publishers had not finished after 120 s",
            sourceLocation: sourceLocation)
        var published = 0
        var raced = 0
        var late: [String] = []
        for outcome in outcomes.withLock({ $0 }) {
            switch outcome {
            case .success: published += 1
            case .failure(.archive(.conflict)), .failure(.boardLogChanged): raced += 1
            case .failure(let error): late.append("\(error)")
            }
        }
        #expect(published >= 1, "nobody published: \(late)", sourceLocation: sourceLocation)
        let view = try docket.meeting(meeting)
        #expect(view.publications == 1, sourceLocation: sourceLocation)
        #expect(view.items.map(\.number).sorted() == [1, 2, 3, 4, 5, 6], sourceLocation: sourceLocation)
        let entries = try FileManager.default.contentsOfDirectory(atPath: "\(archive.path)/meetings/\(meeting)")
            .filter { !$0.hasPrefix(".") }.sorted()
        #expect(entries == (1...entries.count).map { String(format: "%06d.xml", $0) }, sourceLocation: sourceLocation)
        #expect(try docket.verify().filter { $0.severity == .problem }.isEmpty, sourceLocation: sourceLocation)
        return (published, raced, late)
    }

    @Test func dueListsDeadlinesInWorkingDaysAndTheCalendarCarriesThem() throws {
        let meeting = try board()
        let reference = try responded("due")
        try schedule(reference, for: meeting)
        let due = try docket.due()
        let report = try #require(due.first { $0.kind == .report && $0.subject == reference })
        #expect(report.date == day("2016-10-10"))
        #expect(!report.isOverdue)
        let publication = try #require(due.first { $0.kind == .publication })
        #expect(publication.date == day("2016-10-12") && publication.who == ["clerk"])
        #expect(due.contains { $0.kind == .series && $0.subject == "bvp" })
        let soon = try docket.due(within: 5)
        #expect(!soon.isEmpty && soon.count < due.count)
        // A state's deadline says the state as its workflow labels it.
        let waiting = try docket.newSubmission(workflow: "best-value-submission", title: "waiting", as: "olivia")
        for kind in [DocumentKind.submission, .coverLetter] {
            try docket.addDocument(
                to: waiting, content: Array("waiting \(kind.rawValue)".utf8),
                description: DocumentDescription(kind: kind, title: kind.rawValue, originalFileName: "w.txt"),
                as: "olivia")
        }
        try docket.fire("submit-for-sign-off", on: waiting, as: "olivia")
        let deadline = try #require(try docket.due().first { $0.kind == .state && $0.subject == waiting })
        #expect(deadline.what == "Awaiting the Mayor’s sign-off: waiting")
        #expect(soon.allSatisfy { $0.isOverdue || $0.date <= day("2016-09-25") })

        let feed = String(decoding: try docket.calendarFeed(), as: UTF8.self)
        #expect(feed.hasPrefix("BEGIN:VCALENDAR\r\n"))
        #expect(feed.contains("UID:meeting-\(meeting)@docket\r\n"))
        #expect(feed.contains("DTSTART:20161019T173000Z\r\n"))  // 18:30 in London is 17:30 UTC in October
        #expect(feed.contains("DTSTART;VALUE=DATE:20161010\r\n"))
        #expect(feed.split(separator: "\r\n").allSatisfy { $0.utf8.count <= 75 })
    }

    @Test func idsThatClimbOutOfTheArchiveAreRefusedAndNothingIsWritten() throws {
        // The archive's parent is the shared temporary directory, where tests running beside
        // this one come and go: look for what these ids would create there, not at everything.
        let outside = URL(fileURLWithPath: archive.path).deletingLastPathComponent().path
        let climbed = ["escape", "a", ".hidden", "series", "meetings", "reports"].map { "\(outside)/\($0)" }
        let before = climbed.filter { FileManager.default.fileExists(atPath: $0) }
        for id in ["../escape", "..", "a/b", "/etc", ".hidden", ""] {
            #expect(throws: DocketError.self, "meeting \(id)") { try docket.meeting(id) }
            #expect(throws: DocketError.self, "series \(id)") { try docket.series(id) }
            #expect(throws: DocketError.self, "series add \(id)") {
                try docket.addSeries(
                    id, title: "t", cadence: "P1M", firstDue: day("2016-01-01"), workflow: "best-value-submission",
                    as: "olivia")
            }
            #expect(throws: DocketError.self, "report edit \(id)") {
                try docket.editReportSection(id, section: .background, text: "x", as: "olivia")
            }
            #expect(throws: DocketError.self, "agenda \(id)") { try docket.meetingPack(id, public: true) }
        }
        #expect(climbed.filter { FileManager.default.fileExists(atPath: $0) } == before)
        #expect(DocketArchive.safeFileName("../../etc/passwd") == "etc-passwd")
        #expect(DocketArchive.safeFileName("..") == "document")
    }

    @Test func aBoardLogWithADoctypeIsRefusedNotExpanded() throws {
        let meeting = try board()
        let file = "\(archive.path)/meetings/\(meeting)/000002.xml"
        let hostile = """
            <?xml version="1.0"?>
            <!DOCTYPE entry [<!ENTITY x SYSTEM "file:///etc/passwd">]>
            <entry xmlns="urn:docket:board:1" format="1"><log kind="meeting" id="\(meeting)"/>&x;</entry>
            """
        try hostile.write(toFile: file, atomically: true, encoding: .utf8)
        #expect(throws: DocketError.self) { try docket.meeting(meeting) }
        let problems = try docket.verify().filter { $0.severity == .problem }
        #expect(problems.contains { $0.path == "meetings/\(meeting)/000002.xml" }, "\(problems)")
        #expect(!problems.contains { $0.message.contains("root:") })
    }

    /// A submission whose series was never defined (written before series existed) still gets
    /// its report, worded without an ordinal, rather than stopping the agenda, pack or publication.
    @Test func aSeriesNameThatWasNeverDefinedDoesNotStopTheBoard() throws {
        let meeting = try board()
        let reference = try responded("legacy")
        try schedule(reference, for: meeting)
        try FileManager.default.removeItem(atPath: "\(archive.path)/series/bvp")  // as in an older archive
        let report = try docket.boardReport(reference)
        #expect(
            report.blocks.contains { block in
                if case .paragraph("1.1", let text) = block {
                    text.hasPrefix(
                        "This report presents the Council’s submission to the Secretary of State of 20th September")
                } else {
                    false
                }
            })
        try docket.publishAgenda(meeting, as: "clive")
        #expect(try docket.meetingPack(meeting, public: true).files.count == 2 + 2 + 3)
    }
}
