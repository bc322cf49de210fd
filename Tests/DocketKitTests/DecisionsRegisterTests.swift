import Archive
import DocketKit
import Foundation
import Reports
import TestSupport
import Testing
import Workflow
import XML
import ZIPFoundation

/// The decisions register and its notices on a real archive: the call-in date counted over a
/// weekend and bank holidays from the London date of recording, exempt items' decisions kept
/// from readers not cleared for them (and cleared readers' views recorded), filters, order and
/// paging, and a DOCX notice read back.
@Suite struct DecisionsRegisterTests {
    let archive: TemporaryArchive
    var docket: DocketArchive { archive.docket }
    /// The Board of Wednesday 21 December 2016, its submission item exempt (paragraph 3).
    let christmas: String
    /// An Audit Committee of Tuesday 1 November 2016 with one decision on a standing item.
    let audit: String
    let reference: String

    init() throws {
        archive = try TemporaryArchive()
        let docket: DocketArchive = archive.docket
        try docket.addUser("olivia", roles: [.officer])
        try docket.addUser("mayor", roles: [.mayor])
        try docket.addUser("clive", roles: [.clerk])
        try docket.addUser("victor", roles: [.viewer])
        christmas = try docket.newMeeting(
            board: "Best Value Programme Board", date: CalendarDate(iso: "2016-12-21")!, as: "clive")
        audit = try docket.newMeeting(board: "Audit Committee", date: CalendarDate(iso: "2016-11-01")!, as: "clive")
        reference = try BoardSteps.answered(docket, title: "Land disposal")
        try docket.fire("schedule-for-board", on: reference, as: "clive", fields: ["meeting": christmas])
        try docket.setExempt(christmas, reference: reference, paragraph: 3, as: "clive")
        try docket.publishAgenda(christmas, as: "clive")
        try docket.publishAgenda(audit, as: "clive")
        // Tuesday 1 November 2016, 23:30 UTC (GMT again since 30 October: still the 1st in London).
        archive.advance(days: 42 + 14.5 / 24)
        try docket.recordDecision(
            meeting: audit, item: "1", type: .noted, resolution: "Apologies from Cllr Hale were noted.", as: "clive")
        // Friday 23 December 2016, 10:00 UTC.
        archive.advance(days: 51 + 10.5 / 24)
        try docket.recordDecision(
            meeting: christmas, item: reference, type: .agreed,
            resolution: "The Board agreed to dispose of the depot site\nat the price in the exempt report.",
            vote: DecisionVote(inFavour: 4, against: 1, abstentions: 1),
            actions: [ActionRequest(text: "Instruct the agents", owner: "olivia", due: "2017-01-31")], as: "clive")
        try docket.recordDecision(
            meeting: christmas, item: "1", type: .noted, resolution: "There were no apologies.", as: "clive")
    }

    var exemptItem: Int {
        get throws { try #require(try docket.meeting(christmas).items.first { $0.reference == reference }).number }
    }

    @Test func theCallInPeriodSkipsTheWeekendAndTheChristmasBankHolidays() throws {
        let friday = CalendarDate(iso: "2016-12-23")!
        // Sat 24, Sun 25, Mon 26 (Boxing Day), Tue 27 (Christmas substitute) do not count;
        // Wed 28, Thu 29, Fri 30, Tue 3 January (Mon 2 is the New Year substitute) and Wed 4 do.
        #expect(
            CallInPeriod.standard.lastDay(publishedOn: friday, calendar: docket.calendar)
                == CalendarDate(iso: "2017-01-04"))
        #expect(
            try CallInPeriod(workingDays: 1).lastDay(publishedOn: friday, calendar: docket.calendar)
                == CalendarDate(iso: "2016-12-28"))

        let page = try docket.decisionsRegister(DecisionsQuery(meeting: christmas), for: "olivia")
        let standing = try #require(page.decisions.first { $0.item == 1 })
        #expect(standing.published == friday)
        #expect(standing.mayBeImplementedAfter == CalendarDate(iso: "2017-01-04"))
        let shorter = try docket.decisionsRegister(
            DecisionsQuery(meeting: christmas, callIn: try CallInPeriod(workingDays: 2)), for: "olivia")
        #expect(shorter.decisions.allSatisfy { $0.mayBeImplementedAfter == CalendarDate(iso: "2016-12-29") })

        // Recorded at 23:30 UTC on Tuesday 1 November (GMT): published that day, implemented
        // after Tuesday 8 November (Wed 2 … Tue 8, the weekend skipped).
        let audited = try #require(
            try docket.decisionsRegister(DecisionsQuery(meeting: audit), for: nil).decisions.first)
        #expect(audited.published == CalendarDate(iso: "2016-11-01"))
        #expect(audited.mayBeImplementedAfter == CalendarDate(iso: "2016-11-08"))
    }

    @Test func aDecisionRecordedLateOnASummerEveningIsPublishedOnTheNextLondonDay() throws {
        // 23:30 UTC on Wednesday 19 October 2016 is 00:30 on Thursday the 20th in London (BST).
        let late = try TemporaryArchive(startingAt: Date(timeIntervalSince1970: 1_476_919_800))
        try late.docket.addUser("clive", roles: [.clerk])
        let meeting = try late.docket.newMeeting(
            board: "Best Value Programme Board", date: CalendarDate(iso: "2016-10-19")!, as: "clive")
        try late.docket.publishAgenda(meeting, as: "clive")
        try late.docket.recordDecision(meeting: meeting, item: "1", type: .noted, resolution: "Noted.", as: "clive")
        let decision = try #require(late.docket.decisionsRegister(DecisionsQuery(), for: nil).decisions.first)
        #expect(decision.published == CalendarDate(iso: "2016-10-20"))
        #expect(decision.mayBeImplementedAfter == CalendarDate(iso: "2016-10-27"))
    }

    @Test func anExemptItemsDecisionIsWithheldFromAViewerAndAClearedViewIsRecorded() throws {
        let item = try exemptItem
        let publicPage = try docket.decisionsRegister(DecisionsQuery(), for: nil)
        let victors = try docket.decisionsRegister(DecisionsQuery(), for: "victor")
        for page in [publicPage, victors] {
            #expect(page.decisions.map(\.meeting) == [christmas, audit])
            #expect(page.total == 2)
            #expect(!page.decisions.contains { $0.reference == reference || $0.resolution.contains("depot") })
        }
        #expect(try docket.accessLog(user: "victor").isEmpty, "nothing restricted was shown or asked for")

        // The notice, asked for directly, is refused and the refusal recorded.
        #expect(
            failure {
                try docket.renderDecisionNotice(
                    meeting: christmas, item: "\(item)", format: .html, for: "victor", from: "192.0.2.7")
            }.map { if case .withheld = $0 { true } else { false } } == true)
        let refused = try docket.accessLog(user: "victor")
        #expect(refused.map(\.event.outcome) == [.refused])
        #expect(refused.first?.event.item == reference && refused.first?.event.address == "192.0.2.7")

        // Olivia (an officer) is cleared: the decision is listed, and her view recorded.
        let olivias = try docket.decisionsRegister(DecisionsQuery(), for: "olivia", from: "192.0.2.8")
        #expect(olivias.total == 3)
        let exempt = try #require(olivias.decisions.first { $0.reference == reference })
        #expect(exempt.isExempt && exempt.exemptParagraph == 3)
        #expect(exempt.vote == DecisionVote(inFavour: 4, against: 1, abstentions: 1))
        #expect(exempt.actions.map(\.owner) == ["olivia"])
        let views = try docket.accessLog(user: "olivia")
        #expect(views.map(\.event.action) == [.view])
        #expect(views.first?.event.outcome == .allowed && views.first?.event.item == reference)
        #expect(views.first?.event.what?.contains("exempt item \(item) of \(christmas)") == true)
    }

    @Test func filtersOrderAndPaging() throws {
        let all = try docket.decisionsRegister(DecisionsQuery(), for: "olivia").decisions
        // Newest meeting first; within a meeting, the later item first.
        #expect(all.map(\.meeting) == [christmas, christmas, audit])
        #expect(all.map(\.item) == [try exemptItem, 1, 1])
        #expect(
            try docket.decisionsRegister(DecisionsQuery(since: CalendarDate(iso: "2016-11-02")), for: "olivia")
                .decisions.map(\.meeting) == [christmas, christmas])
        for name in ["Audit Committee", "audit committee", "AC"] {
            #expect(
                try docket.decisionsRegister(DecisionsQuery(board: name), for: "olivia").decisions.map(\.meeting) == [
                    audit
                ])
        }
        let unknown = failure { try docket.decisionsRegister(DecisionsQuery(board: "Planning"), for: "olivia") }
        #expect("\(unknown.map { "\($0)" } ?? "")".contains("no board 'Planning'"))
        #expect(failure { try docket.decisionsRegister(DecisionsQuery(meeting: "NOPE-1"), for: nil) } != nil)

        var pages: [[RegisteredDecision]] = []
        var offset = 0
        while true {
            let page = try docket.decisionsRegister(DecisionsQuery(limit: 2, offset: offset), for: "olivia")
            pages.append(page.decisions)
            #expect(page.total == 3)
            offset += page.decisions.count
            if !page.hasMore { break }
        }
        #expect(pages.map(\.count) == [2, 1])
        #expect(pages.flatMap { $0 } == all)
        #expect(failure { try docket.decisionsRegister(DecisionsQuery(limit: 0), for: nil) } != nil)
    }

    @Test func theNoticeIsAValidDOCXWhoseDocumentHoldsTheResolutionAndTheDates() throws {
        let item = try exemptItem
        let bytes = try docket.renderDecisionNotice(meeting: christmas, item: reference, format: .docx, for: "olivia")
        let package = try ZIPFoundation.Archive(data: Data(bytes), accessMode: .read)
        let entry = try #require(package["word/document.xml"])
        var data = Data()
        _ = try package.extract(entry) { data.append($0) }
        let document = try XMLDocument(parsing: [UInt8](data))
        let w = ["w": "http://schemas.openxmlformats.org/wordprocessingml/2006/main"]
        let paragraphs = try document.nodes("//w:p", namespaces: w).map {
            try document.string("string(.)", namespaces: w, relativeTo: $0)
        }
        let text = paragraphs.joined(separator: "\n")
        #expect(text.contains("The Board agreed to dispose of the depot site at the price in the exempt report."))
        #expect(text.contains("Decision: Agreed."))
        #expect(text.contains("Vote: 4 for, 1 against, 1 abstention."))
        #expect(text.contains("Instruct the agents"))
        #expect(text.contains("31st January 2017"))
        #expect(text.contains("published on 23rd December 2016"))
        #expect(text.contains("may be implemented after 4th January 2017"))
        #expect(text.contains("paragraph 3 of Part 1 of Schedule 12A"))
        #expect(text.contains("Call-in: for 5 working days"))
        #expect(try document.number("count(//w:tbl)", namespaces: w) == 2)

        let html = String(
            decoding: try docket.renderDecisionNotice(
                meeting: christmas, item: "\(item)", format: .html, for: "olivia"),
            as: UTF8.self)
        #expect(html.contains("Best Value Programme Board") && html.contains("21st December 2016"))

        // An item without a decision, and an item not on the agenda, are refused by name.
        let undecided = failure {
            try docket.renderDecisionNotice(meeting: christmas, item: "2", format: .html, for: "olivia")
        }
        #expect("\(undecided.map { "\($0)" } ?? "")".contains("item 2 of \(christmas)"))
        #expect("\(undecided.map { "\($0)" } ?? "")".contains("has no decision recorded"))
        let missing = failure {
            try docket.renderDecisionNotice(meeting: christmas, item: "99", format: .html, for: "olivia")
        }
        #expect("\(missing.map { "\($0)" } ?? "")".contains("99 is not an item of the published agenda"))
    }

    @Test func theCallInPeriodIsZeroToSixtyWorkingDays() throws {
        #expect(CallInPeriod.standard.workingDays == 5)
        #expect(try CallInPeriod(workingDays: 0).workingDays == 0)
        #expect(try CallInPeriod(workingDays: 60).workingDays == 60)
        for days in [-1, 61] {
            let refused = failure { try CallInPeriod(workingDays: days) }
            #expect("\(refused.map { "\($0)" } ?? "")".contains("0 to 60 working days, not \(days)"))
        }
    }
}
