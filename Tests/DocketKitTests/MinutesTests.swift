import Archive
import DocketKit
import Foundation
import TestSupport
import Testing
import Workflow

/// A meeting's minutes: drafted from what its log records, circulated, approved at a later
/// meeting and signed by the chair, as a submission of `workflows/board-minutes.scxml`, on a
/// real archive with xmllint as the outside check.
@Suite struct MinutesTests {
    let archive: TemporaryArchive
    var docket: DocketArchive { archive.docket }
    let meeting: String
    let later: String
    let open: String
    let exempt: String

    /// Two submissions on the agenda of the Board of 19 October 2016 (the second exempt under
    /// paragraph 3), decided; a later meeting on 14 December 2016.
    init() throws {
        archive = try TemporaryArchive()
        try archive.docket.addUser("olivia", roles: [.officer])
        try archive.docket.addUser("mayor", roles: [.mayor])
        try archive.docket.addUser("clive", roles: [.clerk])
        try archive.docket.addUser("carys", roles: [.chair])
        try archive.docket.addUser("vic", roles: [.viewer])
        let docket: DocketArchive = archive.docket
        meeting = try docket.newMeeting(
            board: "Best Value Programme Board", date: CalendarDate(iso: "2016-10-19")!, as: "clive")
        // The day the tests circulate and approve (the clock moves there below).
        later = try docket.newMeeting(
            board: "Best Value Programme Board", date: CalendarDate(iso: "2016-12-19")!, as: "clive")
        open = try Self.scheduled("Third update", for: meeting, in: docket)
        exempt = try Self.scheduled("Staffing restructure", for: meeting, in: docket)
        try docket.setExempt(meeting, reference: exempt, paragraph: 3, as: "clive")
        try docket.publishAgenda(meeting, as: "clive")
        try docket.recordAttendance(Self.attendance, at: meeting, as: "clive")
        try docket.recordDecision(
            meeting: meeting, item: open, type: .noted, resolution: "The Board noted the third update.",
            actions: [ActionRequest(text: "Report progress in six months", owner: "olivia", due: "2017-04-19")],
            as: "clive")
        try docket.recordDecision(
            meeting: meeting, item: exempt, type: .agreed, resolution: "The Board agreed the redundancy terms.",
            vote: DecisionVote(inFavour: 4, against: 1, abstentions: 0), as: "clive")
        archive.advance(days: 90)  // to 19 December 2016: both meetings have met
    }

    /// Who attended, as first recorded.
    static let attendance = MeetingAttendance(
        present: [MeetingPerson(name: "Cllr Carys Chair", user: "carys"), MeetingPerson(name: "Max Caller")],
        apologies: [MeetingPerson(name: "Cllr B. Smith")], officers: [MeetingPerson(name: "Clive Clerk", user: "clive")]
    )

    /// A Best Value submission answered and scheduled for `meeting`.
    static func scheduled(_ title: String, for meeting: String, in docket: DocketArchive) throws -> String {
        let reference = try BoardSteps.answered(docket, title: title)
        try docket.fire("schedule-for-board", on: reference, as: "clive", fields: ["meeting": meeting])
        return reference
    }

    func text(of document: DocumentMetadata, in reference: String) throws -> String {
        let path = try docket.document(reference, sha256: document.sha256).path
        return String(decoding: try Data(contentsOf: URL(fileURLWithPath: path)), as: UTF8.self)
    }

    @Test func theMinutesAreDraftedWithExemptDecisionsOnlyInTheConfidentialPart() throws {
        let (reference, added) = try docket.draftMinutes(meeting, as: "clive")
        #expect(reference == "MIN-\(meeting)")
        #expect(added == 4)
        #expect(try docket.proceedings(of: meeting).minutesReference == reference)
        #expect(try docket.minutedMeeting(of: reference) == meeting)

        let documents = try docket.submission(reference).documents
        let publicHTML = try #require(
            documents.first { $0.title.hasPrefix("Minutes: ") && $0.title.hasSuffix("(HTML)") })
        let confidentialHTML = try #require(
            documents.first { $0.title.hasPrefix("Minutes (confidential part)") && $0.title.hasSuffix("(HTML)") })
        #expect(publicHTML.protectiveMarking == "OFFICIAL")
        #expect(confidentialHTML.protectiveMarking == DocketArchive.confidentialMinutesMarking)
        let publicText = try text(of: publicHTML, in: reference)
        #expect(publicText.contains("The Board noted the third update."))
        #expect(publicText.contains("Report progress in six months"))
        #expect(publicText.contains("Staffing restructure"))  // the title, as the public agenda gives it
        #expect(!publicText.contains("redundancy"))
        #expect(!publicText.contains("4 for"))
        let confidentialText = try text(of: confidentialHTML, in: reference)
        #expect(confidentialText.contains("The Board agreed the redundancy terms."))
        #expect(confidentialText.contains("4 for, 1 against"))
        #expect(!confidentialText.contains("third update"))

        // A viewer sees the public minutes and not the confidential part.
        let seen = try docket.submission(reference, for: "vic").documents.map(\.title)
        #expect(seen.contains(publicHTML.title) && !seen.contains(confidentialHTML.title))

        // Drafting again with nothing new changes nothing.
        #expect(try docket.draftMinutes(meeting, as: "clive").added == 0)
    }

    @Test func minutesGoFromDraftToSignedWithTheChairsSignatureBindingThePack() throws {
        let (reference, _) = try docket.draftMinutes(meeting, as: "clive")
        try docket.fire("circulate", on: reference, as: "clive")

        // Approved only at a later meeting of the same board that has met since they were
        // circulated: not the meeting itself, one to come, an unknown one, another board's, or
        // one held before the circulation.
        let refused = [
            meeting, "NO-SUCH-MEETING",
            try docket.newMeeting(
                board: "Best Value Programme Board", date: CalendarDate(iso: "2099-01-07")!, as: "clive"),
            try docket.newMeeting(board: "Audit Committee", date: CalendarDate(iso: "2016-12-19")!, as: "clive"),
            try docket.newMeeting(
                board: "Best Value Programme Board", date: CalendarDate(iso: "2016-11-16")!, as: "clive"),
        ]
        for named in refused {
            #expect(throws: DocketError.self, "\(named)") {
                try docket.fire("approve", on: reference, as: "clive", fields: ["approved-at": named])
            }
        }
        #expect(try docket.approvingMeetings(forMinutes: reference).map(\.id) == [later])
        // Only the clerk changes the minutes' pack.
        #expect(throws: DocketError.self) {
            try docket.addDocument(
                to: reference, content: Array("Other minutes".utf8),
                description: DocumentDescription(kind: .minutes, title: "Other", originalFileName: "other.txt"),
                as: "olivia")
        }
        try docket.fire("approve", on: reference, as: "clive", fields: ["approved-at": later])

        // Only the chair signs.
        #expect(throws: DocketError.self) { try docket.fire("sign", on: reference, as: "clive") }
        let signed = try docket.fire("sign", on: reference, as: "carys")
        #expect(signed.state == "signed")

        let view = try docket.submission(reference)
        let pack = Set(view.documents.map(\.sha256))
        guard case .transition(let transition) = signed.event.body else {
            Issue.record("the signature is not a transition")
            return
        }
        #expect(Set(transition.documents.map(\.sha256)) == pack)
        #expect(signed.event.actor.role == .chair)

        let status = try #require(try docket.minutesStatus(of: meeting))
        #expect(status.state == "signed" && status.approvedAt == later && status.signedBy == "carys")

        // The chair's event is in archive format 5, which xmllint checks alone.
        let file =
            "\(archive.path)/submissions/\(reference)/events/\(String(format: "%06d", signed.event.sequence)).xml"
        let written = String(decoding: try Data(contentsOf: URL(fileURLWithPath: file)), as: UTF8.self)
        #expect(written.contains("urn:docket:archive:5"))
        _ = try ExternalTool.xmllint().runSucceeding([
            "--noout", "--schema", "\(archive.path)/schema/docket-archive-5.xsd", file,
        ])
        let meetingLog = "\(archive.path)/meetings/\(meeting)"
        for entry in try FileManager.default.contentsOfDirectory(atPath: meetingLog).sorted() {
            _ = try ExternalTool.xmllint().runSucceeding([
                "--noout", "--schema", "\(archive.path)/schema/docket-board-3.xsd", "\(meetingLog)/\(entry)",
            ])
        }
        #expect(try docket.verify().filter { $0.severity != .note }.isEmpty)
    }

    @Test func aCorrectionSendsTheMinutesBackToDraftAndARedraftReplacesTheOldRendering() throws {
        let (reference, _) = try docket.draftMinutes(meeting, as: "clive")
        try docket.fire("circulate", on: reference, as: "clive")
        #expect(throws: DocketError.self) { try docket.draftMinutes(meeting, as: "clive") }
        #expect(throws: DocketError.self) { try docket.fire("return-for-correction", on: reference, as: "carys") }
        try docket.fire(
            "return-for-correction", on: reference, as: "carys", comment: "Cllr Smith was present, not absent")
        try docket.recordAttendance(
            MeetingAttendance(
                present: [
                    MeetingPerson(name: "Cllr Carys Chair", user: "carys"), MeetingPerson(name: "Max Caller"),
                    MeetingPerson(name: "Cllr B. Smith"),
                ],
                officers: [MeetingPerson(name: "Clive Clerk", user: "clive")]),
            at: meeting, as: "clive")
        let before = try docket.submission(reference).documents
        // Both parts begin with who was present: both are redrafted, each replacing its own.
        #expect(try docket.draftMinutes(meeting, as: "clive").added == 4)
        let after = try docket.submission(reference)
        #expect(after.documents.count == before.count)
        #expect(after.departedDocuments.count == 4)
        #expect(after.departedDocuments.allSatisfy { $0.departure.replacedBy != nil })
        let html = try #require(
            after.documents.first { $0.title.hasPrefix("Minutes: ") && $0.title.hasSuffix("(HTML)") })
        #expect(try text(of: html, in: reference).contains("Cllr B. Smith"))
        #expect(try text(of: html, in: reference).contains("Version 2, after correction."))

        // Back to the first attendance after a second correction: the redraft is version 3, never
        // the first draft's bytes again (which left the pack and could not come back).
        try docket.circulateMinutes(of: meeting, as: "clive")
        try docket.returnMinutes(of: meeting, comment: "Cllr Smith sent apologies after all", as: "clive")
        try docket.recordAttendance(Self.attendance, at: meeting, as: "clive")
        #expect(try docket.draftMinutes(meeting, as: "clive").added == 4)
    }

    @Test func anItemsExemptionIsFixedOnceItsDecisionIsRecorded() throws {
        #expect(throws: DocketError.self) { try docket.setExempt(meeting, reference: open, paragraph: 1, as: "clive") }
        #expect(throws: DocketError.self) {
            try docket.setExempt(meeting, reference: exempt, paragraph: nil, as: "clive")
        }
        // A viewer's history of the exempt submission says the outcome was recorded, not what it was.
        let history = try docket.submission(exempt, for: "vic").events.compactMap { event -> [String: String]? in
            guard case .transition(let transition) = event.body, transition.name == "record-outcome" else { return nil }
            return transition.fields
        }
        #expect(history == [["outcome": "(withheld)"]])
        let cleared = try docket.submission(exempt, for: "clive").events.contains { event in
            guard case .transition(let transition) = event.body else { return false }
            return transition.fields["outcome"] == "agreed"
        }
        #expect(cleared)
    }

    @Test func verifyFindsADecisionWhoseCitedEventWasRewritten() throws {
        #expect(try docket.verify().filter { $0.severity == .problem }.isEmpty)
        let decision = try #require(try docket.proceedings(of: meeting).decision(forItem: try item(open)))
        let cited = try #require(decision.submissionEvent)
        let file = "\(archive.path)/submissions/\(open)/events/\(String(format: "%06d", cited.sequence)).xml"
        var text = try String(contentsOfFile: file, encoding: .utf8)
        text += "\n"
        chmod(file, 0o644)
        try text.write(toFile: file, atomically: false, encoding: .utf8)
        let problems = try docket.verify().filter { $0.severity == .problem }.map(\.message)
        #expect(problems.contains { $0.contains("cites \(open)'s event \(cited.sequence)") }, "\(problems)")
    }

    func item(_ reference: String) throws -> Int {
        try #require(try docket.meeting(meeting).items.first { $0.reference == reference }?.number)
    }

    @Test func minutesNeedAMeetingHeldAndItsAttendance() throws {
        let future = try docket.newMeeting(
            board: "Best Value Programme Board", date: CalendarDate(iso: "2099-01-07")!, as: "clive")
        #expect(throws: DocketError.self) { try docket.draftMinutes(future, as: "clive") }
        #expect(throws: DocketError.self) { try docket.draftMinutes(later, as: "clive") }
        #expect(throws: DocketError.self) { try docket.draftMinutes(meeting, as: "olivia") }
        #expect(try docket.minutesStatus(of: meeting) == nil)
    }

    @Test func twoClerksDraftingAtOnceMakeOneSetOfMinutes() async throws {
        try archive.docket.addUser("cleo", roles: [.clerk])
        let (one, two) = (try archive.reopen(), try archive.reopen())
        let meeting = meeting
        async let first = Task.detached { try? one.draftMinutes(meeting, as: "clive") }.value
        async let second = Task.detached { try? two.draftMinutes(meeting, as: "cleo") }.value
        _ = await (first, second)
        // Whatever interleaving, a third drafting completes the set and then there is one of each.
        try docket.draftMinutes(meeting, as: "clive")
        let view = try docket.submission("MIN-\(meeting)")
        #expect(view.documents.count == 4)
        #expect(Set(view.documents.map(\.title)).count == 4)
        let log = "\(archive.path)/meetings/\(meeting)"
        let records = try FileManager.default.contentsOfDirectory(atPath: log).filter { file in
            (try? String(contentsOfFile: "\(log)/\(file)", encoding: .utf8))?.contains("<minutes ") == true
        }
        #expect(records.count == 1)
        #expect(try docket.verify().filter { $0.severity != .note }.isEmpty)
    }
}
