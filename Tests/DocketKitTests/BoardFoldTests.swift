import Archive
import DocketKit
import Foundation
import Testing
import Workflow

/// The Board's rules as plain values: a meeting's agenda folded from constructed log records
/// and scheduled submissions, a series numbered from its members' facts. No archive on disk.
@Suite struct BoardFoldTests {
    static let meetingID = "BVPB-2016-10-19"
    static let start = Date(timeIntervalSince1970: 1_470_000_000)
    let calendar = WorkingCalendar()

    func day(_ text: String) -> CalendarDate { CalendarDate(iso: text)! }
    func time(_ hours: Double) -> Date { Self.start.addingTimeInterval(hours * 3600) }

    /// A meeting log: its definition, then `records`, each an hour after the one before.
    func log(_ records: [BoardRecord]) -> [BoardEntry] {
        let definition = MeetingDefinition(board: "Best Value Programme Board", date: day("2016-10-19"))
        return ([.meetingDefined(definition)] + records).enumerated().map { index, record in
            BoardEntry(
                kind: .meeting, logID: Self.meetingID, sequence: index + 1, time: time(Double(index)),
                actor: ActorStamp(user: "clive", role: .clerk, systemUser: "docket"),
                previous: BoardEntry.genesis, record: record)
        }
    }

    func scheduled(_ reference: String, at hours: Double, carrying paragraph: Int? = nil) -> ScheduledSubmission {
        ScheduledSubmission(
            reference: reference, title: "Update \(reference)", service: "Corporate Strategy",
            scheduledAt: time(hours), carriedExemption: paragraph)
    }

    func agenda(_ records: [BoardRecord], _ scheduled: [ScheduledSubmission]) throws -> MeetingView {
        try #require(MeetingAgenda(id: Self.meetingID, log: log(records))).view(
            scheduled: scheduled, calendar: calendar)
    }

    /// What publishing `view` now would record: its unpublished items, as numbered.
    func publication(_ view: MeetingView) -> BoardRecord {
        .agendaPublished(
            supplement: view.publications,
            items: view.items.filter { !$0.isPublished }.map {
                PublishedAgendaItem(number: $0.number, reference: $0.reference, title: $0.title)
            })
    }

    func submissions(_ view: MeetingView) -> [String] {
        view.items.filter { $0.kind == .submission }.map { "\($0.number) \($0.reference ?? "?")" }
    }

    // MARK: - Meetings

    @Test func aLogThatDoesNotStartWithTheMeetingIsRefused() {
        #expect(MeetingAgenda(id: Self.meetingID, log: []) == nil)
        #expect(MeetingAgenda(id: Self.meetingID, log: Array(log([.agendaOrder([])]).dropFirst())) == nil)
    }

    @Test func beforePublicationStandingItemsComeFirstThenOrderThenSchedulingTime() throws {
        let waiting = [scheduled("C", at: 1), scheduled("A", at: 3), scheduled("B", at: 2)]
        var view = try agenda([], waiting)
        #expect(view.items.prefix(3).map(\.title) == DocketArchive.standingItems)
        #expect(view.items.prefix(3).allSatisfy { $0.kind == .standing && !$0.isPublished })
        #expect(submissions(view) == ["4 C", "5 B", "6 A"])
        #expect(view.publications == 0 && view.unpublishedCount == 6)
        #expect(view.items.allSatisfy { $0.notes.contains("provisional number") })

        // The clerk's order comes first; items it does not name follow by scheduling time.
        view = try agenda([.agendaOrder(["A"])], waiting)
        #expect(submissions(view) == ["4 A", "5 C", "6 B"])
        #expect(view.logLength == 2)
        #expect(view.createdBy == "clive" && view.created == Self.start)
    }

    @Test func publicationFixesNumbersAndReorderingNeverRenumbers() throws {
        let waiting = [scheduled("A", at: 1), scheduled("B", at: 2)]
        var records: [BoardRecord] = [.agendaOrder(["B", "A"])]
        records.append(publication(try agenda(records, waiting)))
        var view = try agenda(records, waiting)
        #expect(submissions(view) == ["4 B", "5 A"])
        #expect(view.items.allSatisfy { $0.isPublished && $0.supplement == 0 })
        #expect(view.publications == 1 && view.unpublishedCount == 0)

        // A new order changes the order of business, not the numbers.
        records.append(.agendaOrder(["A", "B"]))
        view = try agenda(records, waiting)
        #expect(submissions(view) == ["5 A", "4 B"])
        #expect(view.items.prefix(3).map(\.number) == [1, 2, 3])
    }

    @Test func aLateItemGoesToASupplementaryAgendaWithTheNextNumber() throws {
        var waiting = [scheduled("A", at: 1)]
        var records: [BoardRecord] = []
        records.append(publication(try agenda(records, waiting)))
        waiting.append(scheduled("LATE", at: 5))
        var view = try agenda(records, waiting)
        // No standing items again: they were on the agenda.
        #expect(view.items.map(\.number) == [1, 2, 3, 4, 5])
        #expect(view.items.last?.reference == "LATE" && view.items.last?.isPublished == false)
        #expect(view.unpublishedCount == 1)

        records.append(publication(view))
        view = try agenda(records, waiting)
        let late = try #require(view.items.first { $0.reference == "LATE" })
        #expect(late.number == 5 && late.isPublished && late.supplement == 1)
        #expect(late.notes == ["supplement 1"])
        #expect(view.publications == 2)
        // Even ordered first, the late item stays with the supplement that published it.
        records.append(.agendaOrder(["LATE", "A"]))
        #expect(submissions(try agenda(records, waiting)) == ["4 A", "5 LATE"])
    }

    @Test func anItemDeferredAfterPublicationKeepsItsNumberAndIsMarkedWithdrawn() throws {
        let waiting = [scheduled("A", at: 1), scheduled("B", at: 2)]
        let records = [publication(try agenda([], waiting))]
        // Deferred: no longer scheduled for this meeting.
        let view = try agenda(records, [scheduled("B", at: 2)])
        let deferred = try #require(view.items.first { $0.reference == "A" })
        #expect(deferred.number == 4 && deferred.isWithdrawn && deferred.service == nil)
        #expect(deferred.notes == ["withdrawn"])
        let kept = try #require(view.items.first { $0.reference == "B" })
        #expect(kept.number == 5 && !kept.isWithdrawn && kept.service == "Corporate Strategy")

        // Deferred before publication: simply not on the agenda, and numbers close up.
        #expect(submissions(try agenda([], [scheduled("B", at: 2)])) == ["4 B"])
    }

    @Test func anExemptionCarriedFromAnEarlierMeetingHoldsUntilThisMeetingDecides() throws {
        let waiting = [scheduled("A", at: 1, carrying: 3), scheduled("B", at: 2)]
        func paragraph(_ records: [BoardRecord], _ reference: String) throws -> Int? {
            try agenda(records, waiting).items.first { $0.reference == reference }?.exemptParagraph
        }
        #expect(try paragraph([], "A") == 3)
        #expect(try paragraph([], "B") == nil)
        #expect(try paragraph([.itemOpen(reference: "A")], "A") == nil)
        #expect(try paragraph([.itemExempt(reference: "A", paragraph: 5)], "A") == 5)
        #expect(try paragraph([.itemExempt(reference: "B", paragraph: 1)], "B") == 1)
        #expect(try paragraph([.itemExempt(reference: "B", paragraph: 1), .itemOpen(reference: "B")], "B") == nil)
        // After publication too.
        let published = publication(try agenda([], waiting))
        #expect(try paragraph([published], "A") == 3)
        #expect(try paragraph([published, .itemOpen(reference: "A")], "A") == nil)

        let folded = try #require(MeetingAgenda(id: Self.meetingID, log: log([.itemOpen(reference: "A")])))
        #expect(folded.decidesExemption(of: "A") && !folded.decidesExemption(of: "B"))
    }

    @Test func theLastDecisionOfAMeetingIsWhatAnItemCarries() {
        let records: [BoardRecord] = [
            .itemExempt(reference: "A", paragraph: 3), .itemExempt(reference: "B", paragraph: 2),
            .agendaOrder(["A"]), .itemOpen(reference: "B"),
        ]
        #expect(MeetingAgenda.exemptionDecision(of: "A", in: records) == .exempt(paragraph: 3))
        #expect(MeetingAgenda.exemptionDecision(of: "B", in: records) == .open)
        #expect(MeetingAgenda.exemptionDecision(of: "C", in: records) == nil)
        #expect(ExemptionDecision.open.paragraph == nil && ExemptionDecision.exempt(paragraph: 7).paragraph == 7)
    }

    @Test func deadlinesAreCountedInWorkingDaysBeforeTheMeeting() throws {
        // Wednesday 19 October 2016: 7 working days before is Monday 10th, 5 is Wednesday 12th.
        let view = try agenda([], [])
        #expect(view.reportDeadline == day("2016-10-10"))
        #expect(view.publicationDeadline == day("2016-10-12"))
    }

    // MARK: - Series

    let numbering = SeriesNumbering(cadence: try! Cadence(iso: "P6M"), firstDue: CalendarDate(iso: "2015-09-30")!)

    func member(
        _ reference: String, created hours: Double, state: String = "drafting", dispatchedOn: String? = nil,
        recordedAt: Double? = nil
    ) -> SeriesNumbering.Facts {
        SeriesNumbering.Facts(
            reference: reference, title: reference, state: state, created: time(hours),
            dispatchedOn: dispatchedOn.map(day), dispatchRecordedAt: recordedAt.map(time))
    }

    func numbers(_ facts: [SeriesNumbering.Facts]) -> [String] {
        numbering.members(facts).map { "\($0.reference)=\($0.number.map(String.init) ?? "-")" }
    }

    @Test func numbersFollowDispatchThenCreationAndWithdrawnDraftsTakeNone() {
        let facts = [
            member("draft-early", created: 0),
            member("sent-second", created: 2, state: "dispatched", dispatchedOn: "2016-03-20", recordedAt: 30),
            member("withdrawn", created: 1, state: WorkflowField.withdrawnState),
            member("sent-first", created: 3, state: "dispatched", dispatchedOn: "2016-03-01", recordedAt: 20),
            member("draft-late", created: 4),
        ]
        #expect(numbers(facts) == ["sent-first=1", "sent-second=2", "draft-early=3", "withdrawn=-", "draft-late=4"])
        let members = numbering.members(facts)
        #expect(
            members.map(\.due) == [day("2015-09-30"), day("2016-03-30"), day("2016-09-30"), nil, day("2017-03-30")])
        #expect(numbering.nextDue(after: members) == (3, day("2016-09-30")))
    }

    @Test func aNumberOnceSentNeverChangesWhateverHappensToEarlierDrafts() {
        var facts = [
            member("draft", created: 0),
            member("sent", created: 1, state: "dispatched", dispatchedOn: "2016-03-01", recordedAt: 5),
        ]
        #expect(numbers(facts) == ["sent=1", "draft=2"])
        facts[0].state = WorkflowField.withdrawnState
        #expect(numbers(facts) == ["sent=1", "draft=-"])
    }

    @Test func sentTheSameDayTheyAreNumberedByWhenTheDispatchWasRecorded() {
        let facts = [
            member("B", created: 0, state: "dispatched", dispatchedOn: "2016-03-01", recordedAt: 9),
            member("A", created: 1, state: "dispatched", dispatchedOn: "2016-03-01", recordedAt: 8),
            member("C", created: 2, state: "dispatched", dispatchedOn: "2016-03-01"),  // no time: its creation
        ]
        #expect(numbers(facts) == ["C=1", "A=2", "B=3"])
        #expect(numbering.nextDue(after: numbering.members(facts)) == (4, day("2017-03-30")))
    }

    @Test func anEmptySeriesIsDueItsFirstUpdate() {
        #expect(numbering.members([]).isEmpty)
        #expect(numbering.nextDue(after: []) == (1, day("2015-09-30")))
    }

    // MARK: - Report placeholders

    @Test func everyPlaceholderHasOneNameAndExampleAndUnknownNamesAreRefused() throws {
        #expect(Set(ReportPlaceholder.allCases.map(\.name)).count == ReportPlaceholder.allCases.count)
        #expect(ReportPlaceholder.dispatchedOn.name == WorkflowField.dispatchedOn)
        #expect(ReportPlaceholder.receivedOn.name == WorkflowField.receivedOn)
        let filled = try ReportTemplate.fill("The {ordinal} {cadence} update to {addressee}, {{sic}}.") {
            $0.example
        }
        #expect(filled == "The third six-month update to the Secretary of State, {sic}.")
        #expect(throws: DocketError.self) { try ReportTemplate.check("The {ordnial} update") }
    }
}
