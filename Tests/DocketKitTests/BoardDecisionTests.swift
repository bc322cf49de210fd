import Archive
import DocketKit
import Foundation
import TestSupport
import Testing
import Workflow

/// What the clerk records at a meeting: attendance, declarations and decisions, a decision on
/// a submission's item firing its workflow first, on a real archive.
@Suite struct BoardDecisionTests {
    let archive: TemporaryArchive
    var docket: DocketArchive { archive.docket }
    let meeting: String
    let reference: String

    /// A submission answered, scheduled for the Board of 19 October 2016, its agenda published.
    init() throws {
        archive = try TemporaryArchive()
        try archive.docket.addUser("olivia", roles: [.officer])
        try archive.docket.addUser("mayor", roles: [.mayor])
        try archive.docket.addUser("clive", roles: [.clerk])
        let docket: DocketArchive = archive.docket
        meeting = try docket.newMeeting(
            board: "Best Value Programme Board", date: CalendarDate(iso: "2016-10-19")!, as: "clive")
        reference = try BoardSteps.answered(docket, title: "Third update")
        try docket.fire("schedule-for-board", on: reference, as: "clive", fields: ["meeting": meeting])
        try docket.publishAgenda(meeting, as: "clive")
    }

    func xmllint(_ file: String) throws {
        _ = try ExternalTool.xmllint().runSucceeding([
            "--noout", "--schema", "\(archive.path)/schema/docket-board-2.xsd", file,
        ])
    }

    var item: AgendaItem {
        get throws { try #require(try docket.meeting(meeting).items.first { $0.reference == reference }) }
    }

    @Test func aDecisionNotedFiresTheOutcomeAndIsRecordedCitingItsEvent() throws {
        try docket.recordAttendance(
            MeetingAttendance(
                present: [MeetingPerson(name: "Cllr A. Jones"), MeetingPerson(name: "Max Caller")],
                apologies: [MeetingPerson(name: "Cllr B. Smith")],
                officers: [MeetingPerson(name: "Clive Clerk", user: "clive")]),
            at: meeting, as: "clive")
        try docket.recordDeclaration(
            member: MeetingPerson(name: "Cllr A. Jones"), item: reference, interest: "Employed by a partner body",
            at: meeting, as: "clive")
        let number = try item.number
        let decision = try docket.recordDecision(
            meeting: meeting, item: "\(number)", type: .noted,
            resolution: "The Board noted the third update\nand the Commissioners' reply.",
            vote: DecisionVote(inFavour: 5, against: 0, abstentions: 1),
            actions: [ActionRequest(text: "Report progress in six months", owner: "olivia", due: "2017-04-19")],
            as: "clive")

        let submission = try docket.submission(reference)
        #expect(submission.state == "considered")
        let last = try #require(submission.events.last)
        guard case .transition(let transition) = last.body else {
            Issue.record("the last event is not a transition")
            return
        }
        #expect(transition.name == "record-outcome" && transition.fields["outcome"] == "noted")
        let eventBytes = try [UInt8](
            Data(
                contentsOf: URL(
                    fileURLWithPath:
                        "\(archive.path)/submissions/\(reference)/events/\(String(format: "%06d", last.sequence)).xml"))
        )
        #expect(
            decision.submissionEvent
                == SubmissionEventCitation(sequence: last.sequence, sha256: ArchiveStore.sha256(eventBytes)))

        let proceedings = try docket.proceedings(of: meeting)
        #expect(proceedings.attendance?.present.count == 2)
        #expect(proceedings.declarations.first?.item == number)
        #expect(proceedings.decisions == [decision])
        #expect(proceedings.actions.first?.owner == "olivia")
        #expect(proceedings.actions.first?.due == CalendarDate(iso: "2017-04-19"))

        // Every entry of the meeting's log, format 1 and 2, checks with xmllint alone.
        let directory = "\(archive.path)/meetings/\(meeting)"
        for file in try FileManager.default.contentsOfDirectory(atPath: directory).sorted() {
            try xmllint("\(directory)/\(file)")
        }
        #expect(try docket.verify().filter { $0.severity != .note || $0.path.hasPrefix("meetings") }.isEmpty)
    }

    @Test func anItemNotOnThePublishedAgendaIsRefused() throws {
        let before = try docket.meeting(meeting).logLength
        #expect(throws: DocketError.self) {
            try docket.recordDecision(meeting: meeting, item: "99", type: .agreed, resolution: "Agreed", as: "clive")
        }
        #expect(throws: DocketError.self) {
            try docket.recordDecision(
                meeting: meeting, item: "NOPE-1", type: .agreed, resolution: "Agreed", as: "clive")
        }
        #expect(try docket.meeting(meeting).logLength == before)
        #expect(try docket.submission(reference).state == "scheduled-for-board")
    }

    @Test func anUnknownOwnerOrABadDateIsRefusedBeforeTheWorkflowIsFired() throws {
        for action in [
            ActionRequest(text: "Follow up", owner: "nobody", due: "2016-11-01"),
            ActionRequest(text: "Follow up", owner: "olivia", due: "2016-02-30"),
        ] {
            #expect(throws: DocketError.self) {
                try docket.recordDecision(
                    meeting: meeting, item: reference, type: .agreed, resolution: "Agreed", actions: [action],
                    as: "clive")
            }
        }
        #expect(try docket.submission(reference).state == "scheduled-for-board")
        #expect(try docket.proceedings(of: meeting).decisions.isEmpty)
    }

    @Test func twoClerksOnTheSameStaleViewOneWinsTheOtherIsTold() throws {
        let seen = try docket.meeting(meeting).logLength
        try docket.recordDecision(
            meeting: meeting, item: "1", type: .noted, resolution: "Apologies were noted.", as: "clive",
            expectedLogSequence: seen)
        do {
            try docket.recordDecision(
                meeting: meeting, item: reference, type: .noted, resolution: "Noted.", as: "clive",
                expectedLogSequence: seen)
            Issue.record("a decision on a stale view was accepted")
        } catch .boardLogChanged {
        } catch {
            Issue.record("expected boardLogChanged, got \(error)")
        }
        #expect(try docket.proceedings(of: meeting).decisions.count == 1)
        #expect(try docket.submission(reference).state == "scheduled-for-board")
    }

    @Test func anEventLeftWithoutItsDecisionIsNotedThenCompletedWithoutASecondEvent() throws {
        try docket.recordAttendance(
            MeetingAttendance(present: [MeetingPerson(name: "Cllr A. Jones")]), at: meeting, as: "clive")
        // The crash: the submission's event is written, the decision never is.
        let fired = try docket.fire("record-outcome", on: reference, as: "clive", fields: ["outcome": "agreed"])
        let number = try item.number
        let notes = try docket.verify().filter { $0.path == "meetings/\(meeting)" }
        #expect(notes.count == 1 && notes.allSatisfy { $0.severity == .note })
        #expect(notes.first?.message.contains("item \(number) (\(reference))") == true)

        // A different outcome from the one the event records is refused.
        #expect(throws: DocketError.self) {
            try docket.recordDecision(
                meeting: meeting, item: reference, type: .refused, resolution: "Refused", as: "clive")
        }
        let decision = try docket.recordDecision(
            meeting: meeting, item: reference, type: .agreed, resolution: "Agreed", as: "clive")
        #expect(
            decision.submissionEvent
                == SubmissionEventCitation(sequence: fired.event.sequence, sha256: fired.fileSHA256))
        #expect(try docket.submission(reference).sequence == fired.event.sequence)
        #expect(try docket.verify().filter { $0.path == "meetings/\(meeting)" }.isEmpty)
    }

    @Test func aDeferralFiresDeferWithTheResolutionAsItsComment() throws {
        let decision = try docket.recordDecision(
            meeting: meeting, item: reference, type: .deferred, resolution: "Deferred to November.", as: "clive")
        #expect(try docket.submission(reference).state == "response-received")
        #expect(decision.submissionEvent?.sequence == (try docket.submission(reference).sequence))
        #expect(try docket.verify().filter { $0.path.hasPrefix("meetings") }.isEmpty)
    }
}
