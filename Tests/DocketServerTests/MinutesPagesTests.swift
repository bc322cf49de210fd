import Archive
import DocketKit
import DocketServer
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Testing
import Workflow

/// A submission followed to the end in the web app: the Board's decision, its actions and the
/// signed minutes on the submission's page; minutes drafted from the meeting page and taken
/// through their workflow from their own page.
@Suite struct MinutesPagesTests {
    @Test func aViewerFollowsTheThirdUpdateToTheSignedMinutes() async throws {
        let fixture = try await WebFixture(meetingHeld: true)
        try await fixture.test { client in
            let victor = try await Browser.signIn("victor", client: client)
            let page = String(buffer: try await victor.get("/submissions/BVP-2016-02", client: client).body)
            #expect(page.contains("At the Board"))
            #expect(page.contains("Decision: Noted."))
            #expect(page.contains("A4.1: Prepare the fourth six-monthly update"))
            #expect(page.contains(#"<a href="/submissions/MIN-BVPB-2016-10-19">MIN-BVPB-2016-10-19</a>"#))
            #expect(page.contains("signed by carys"))

            let minutes = String(
                buffer: try await victor.get("/submissions/MIN-BVPB-2016-10-19", client: client).body)
            #expect(minutes.contains(#"These are the minutes of <a href="/meetings/BVPB-2016-10-19">"#))
            #expect(minutes.contains("Minutes: Best Value Programme Board, 19th October 2016 (HTML)"))
            #expect(minutes.contains("Signed by the chair"))

            let meeting = String(buffer: try await victor.get("/meetings/BVPB-2016-10-19", client: client).body)
            #expect(meeting.contains(#"<a href="/submissions/MIN-BVPB-2016-10-19">MIN-BVPB-2016-10-19</a>"#))
            #expect(!meeting.contains(#"action="/meetings/BVPB-2016-10-19/minutes""#))
        }
    }

    @Test func theClerkRecordsTheMeetingFromItsPageAndAStaleFormIsRefused() async throws {
        let fixture = try await WebFixture()
        let docket = fixture.docket
        let meeting = "BVPB-2016-10-19"
        try docket.addUser("cleo", roles: [.clerk])
        try docket.setPassword(WebFixture.password, for: "cleo")
        try await fixture.test { client in
            let victor = try await Browser.signIn("victor", client: client)
            let forged = try await victor.post(
                "/meetings/\(meeting)/attendance", [("present", "Someone")], client: client)
            #expect(forged.status == .forbidden)

            let clara = try await Browser.signIn("clara", client: client)
            let page = String(buffer: try await clara.get("/meetings/\(meeting)", client: client).body)
            #expect(page.contains(#"action="/meetings/\#(meeting)/decisions""#))
            let log = try #require(Browser.value(of: "log", in: page))
            let attended = try await clara.post(
                "/meetings/\(meeting)/attendance",
                [
                    ("log", log), ("present", "Cllr Carys Powell|carys\r\nCllr Dev Anand"),
                    ("apologies", "Cllr Tom Blake"),
                ],
                client: client)
            #expect(attended.status == .seeOther)
            let seen = try docket.meeting(meeting).logLength

            // Two clerks on the same view: the first records, the second is told (412).
            let cleo = try await Browser.signIn("cleo", client: client)
            let first = try await clara.post(
                "/meetings/\(meeting)/decisions",
                [
                    ("log", "\(seen)"), ("item", "4"), ("type", "noted"),
                    ("resolution", "The Board noted the third update.\r\nAnd the response."), ("for", "4"),
                    ("against", "0"), ("abstentions", "1"),
                    ("actions", "Prepare the fourth update|olivia|2017-03-20"),
                ], client: client)
            #expect(first.status == .seeOther)
            let second = try await cleo.post(
                "/meetings/\(meeting)/decisions",
                [("log", "\(seen)"), ("item", "1"), ("type", "noted"), ("resolution", "Apologies noted.")],
                client: client)
            #expect(second.status == .preconditionFailed)

            // A bad action line is refused before anything is written.
            let badAction = try await clara.post(
                "/meetings/\(meeting)/decisions",
                [("item", "1"), ("type", "noted"), ("resolution", "Apologies noted."), ("actions", "no owner")],
                client: client)
            #expect(badAction.status == .badRequest || badAction.status == .unprocessableContent)

            let after = String(buffer: try await victor.get("/meetings/\(meeting)", client: client).body)
            #expect(after.contains("Cllr Carys Powell, Cllr Dev Anand"))
            #expect(after.contains("Decision: Noted."))
            #expect(after.contains("A4.1: Prepare the fourth update (olivia"))
            #expect(!after.contains(#"action="/meetings/\#(meeting)/decisions""#), "no form for a viewer")
        }
        let proceedings = try docket.proceedings(of: meeting)
        #expect(proceedings.decisions.map(\.item) == [4])
        #expect(proceedings.decisions.first?.resolution == "The Board noted the third update.\nAnd the response.")
        #expect(proceedings.decisions.first?.vote == DecisionVote(inFavour: 4, against: 0, abstentions: 1))
        #expect(try docket.submission("BVP-2016-02").state == "considered")
    }

    @Test func anExemptDecisionIsNotOnTheMeetingPageForAViewer() async throws {
        let fixture = try await WebFixture()
        let docket = fixture.docket
        let meeting = "BVPB-2016-10-19"
        try docket.setExempt(meeting, reference: "BVP-2016-02", paragraph: 3, as: "clara")
        try docket.recordDecision(
            meeting: meeting, item: "BVP-2016-02", type: .agreed, resolution: "The settlement was agreed.",
            actions: [ActionRequest(text: "Pay the settlement", owner: "olivia", due: "2016-11-30")], as: "clara")
        try await fixture.test { client in
            let victor = try await Browser.signIn("victor", client: client)
            let seen = String(buffer: try await victor.get("/meetings/\(meeting)", client: client).body)
            #expect(!seen.contains("settlement") && !seen.contains("Pay the"))
            let clara = try await Browser.signIn("clara", client: client)
            let before = try docket.accessLog(user: "clara").count
            let cleared = String(buffer: try await clara.get("/meetings/\(meeting)", client: client).body)
            #expect(cleared.contains("The settlement was agreed."))
            // The cleared reader's view of the exempt decision is recorded.
            let views = try docket.accessLog(user: "clara").dropFirst(before)
            #expect(views.contains { $0.event.item == "BVP-2016-02" && $0.event.outcome == .allowed }, "\(views)")
            // The submission's own page says so without the words.
            let submission = String(buffer: try await victor.get("/submissions/BVP-2016-02", client: client).body)
            #expect(!submission.contains("settlement"))
        }
    }

    @Test func theClerkDraftsTheMinutesAndTheChairSignsThem() async throws {
        let fixture = try await WebFixture()
        let docket = fixture.docket
        let meeting = "BVPB-2016-10-19"
        try docket.recordAttendance(
            MeetingAttendance(present: [MeetingPerson(name: "Cllr Carys Powell", user: "carys")]), at: meeting,
            as: "clara")
        try docket.recordDecision(
            meeting: meeting, item: "BVP-2016-02", type: .noted, resolution: "The update was noted.", as: "clara")
        // Approved at a meeting that has seen them: one today, after their circulation.
        let later = try docket.newMeeting(board: "Best Value Programme Board", date: docket.today(), as: "clara")
        try await fixture.test { client in
            // A viewer is offered nothing and a forged post is refused.
            let victor = try await Browser.signIn("victor", client: client)
            let seen = String(buffer: try await victor.get("/meetings/\(meeting)", client: client).body)
            #expect(seen.contains("Not drafted yet"))
            #expect(!seen.contains(#"action="/meetings/\#(meeting)/minutes""#))
            #expect(try await victor.post("/meetings/\(meeting)/minutes", [], client: client).status == .forbidden)

            let clara = try await Browser.signIn("clara", client: client)
            let page = String(buffer: try await clara.get("/meetings/\(meeting)", client: client).body)
            #expect(page.contains("Draft the minutes"))
            let drafted = try await clara.post("/meetings/\(meeting)/minutes", [], client: client)
            #expect(drafted.status == .seeOther)
            #expect(drafted.headers[.location] == "/submissions/MIN-\(meeting)")

            func fire(_ browser: Browser, _ event: String, _ fields: [(String, String)] = []) async throws
                -> HTTPResponse.Status
            {
                let sequence = try docket.submission("MIN-\(meeting)").sequence
                return try await browser.post(
                    "/submissions/MIN-\(meeting)/events",
                    [("event", event), ("sequence", "\(sequence)")] + fields, client: client
                ).status
            }
            #expect(try await fire(clara, "circulate") == .seeOther)
            // The approval form offers the meetings that can approve: later, and already met.
            let circulated = String(buffer: try await clara.get("/submissions/MIN-\(meeting)", client: client).body)
            #expect(circulated.contains(#"<option value="\#(later)">"#), "the later meeting is offered")
            #expect(!circulated.contains(#"<option value="\#(meeting)">"#), "not the meeting itself")
            #expect(try await fire(clara, "approve", [("field.approved-at", later)]) == .seeOther)

            let carys = try await Browser.signIn("carys", client: client)
            #expect(try await fire(carys, "sign") == .seeOther)
        }
        let status = try #require(try docket.minutesStatus(of: meeting))
        #expect(status.state == "signed" && status.approvedAt == later && status.signedBy == "carys")
    }
}
