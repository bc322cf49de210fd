import DocketKit
import DocketServer
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Testing
import Workflow

/// The Actions page and the dashboard's actions, on a real server on loopback: the demo's
/// Board of 19 October 2016 notes the third update with actions for olivia and victor.
@Suite struct ActionsPageTests {
    static let meeting = "BVPB-2016-10-19"

    static func decided(_ docket: DocketArchive) throws {
        try docket.recordDecision(
            meeting: meeting, item: "4", type: .noted, resolution: "Noted.",
            actions: [
                ActionRequest(text: "Report progress in six months", owner: "olivia", due: "2017-04-19"),
                ActionRequest(text: "Brief the Commissioners on the sale", owner: "victor", due: "2017-05-01"),
            ], as: "clara")
    }

    @Test func theOwnerMarksDoneFromThePageAndAStaleFormIsRefused() async throws {
        let fixture = try await WebFixture()
        let docket = fixture.docket
        try Self.decided(docket)
        let meeting = Self.meeting
        try await fixture.test { client in
            let olivia = try await Browser.signIn("olivia", client: client)
            let dashboard = String(buffer: try await olivia.get("/", client: client).body)
            #expect(dashboard.contains("Your actions") && dashboard.contains("Report progress in six months"))
            #expect(dashboard.contains(#"href="/actions""#), "the navigation links the page")
            let page = String(buffer: try await olivia.get("/actions", client: client).body)
            #expect(page.contains("Report progress in six months") && page.contains("overdue"))
            #expect(!page.contains("Brief the Commissioners"), "an officer sees their own actions")
            let form = try #require(page.components(separatedBy: #"action="/actions/\#(meeting)/A4.1/done""#).last)
            let log = try #require(Browser.value(of: "log", in: form))

            // Someone who is neither the owner nor a clerk is refused.
            let morgan = try await Browser.signIn("morgan", client: client)
            let forged = try await morgan.post(
                "/actions/\(meeting)/A4.1/done", [("log", log), ("note", "x")], client: client)
            #expect(forged.status == .forbidden)

            let marked = try await olivia.post(
                "/actions/\(meeting)/A4.1/done", [("log", log), ("note", "Reported in April"), ("status", "all")],
                client: client)
            #expect(marked.status == .seeOther)
            #expect(marked.headers[.location]?.hasPrefix("/actions?done=done") == true)
            let after = String(buffer: try await olivia.get("/actions?status=done", client: client).body)
            #expect(after.contains("by olivia: Reported in April") && after.contains(">Reopen<"), "\(after)")
            #expect(!String(buffer: try await olivia.get("/", client: client).body).contains("Your actions"))

            // The same form again: its view is stale.
            let stale = try await olivia.post(
                "/actions/\(meeting)/A4.1/reopen", [("log", log), ("note", "again")], client: client)
            #expect(stale.status == .preconditionFailed)

            // The clerk sees everyone's, and the meeting page links its actions.
            let clara = try await Browser.signIn("clara", client: client)
            let all = String(buffer: try await clara.get("/actions?status=all", client: client).body)
            #expect(all.contains("Brief the Commissioners on the sale") && all.contains("Reported in April"))
            let meetingPage = String(buffer: try await clara.get("/meetings/\(meeting)", client: client).body)
            #expect(meetingPage.contains("/actions?meeting=\(meeting)"))
        }
        guard
            case .done(let mark) = try #require(try docket.actions(includeDone: true).first { $0.id == "A4.1" })
                .status
        else {
            Issue.record("A4.1 is not done")
            return
        }
        #expect(mark.user == "olivia" && mark.note == "Reported in April")
    }

    @Test func anExemptItemsActionTextIsWithheldFromAReaderNotCleared() async throws {
        let fixture = try await WebFixture()
        let docket = fixture.docket
        try docket.setExempt(Self.meeting, reference: "BVP-2016-02", paragraph: 3, as: "clara")
        try Self.decided(docket)
        try await fixture.test { client in
            let victor = try await Browser.signIn("victor", client: client)
            let page = String(buffer: try await victor.get("/actions", client: client).body)
            #expect(page.contains("A4.2") && page.contains("withheld"), "\(page)")
            #expect(!page.contains("Brief the Commissioners"))
            let dashboard = String(buffer: try await victor.get("/", client: client).body)
            #expect(!dashboard.contains("Brief the Commissioners"))
            let clara = try await Browser.signIn("clara", client: client)
            #expect(
                String(buffer: try await clara.get("/actions", client: client).body).contains(
                    "Brief the Commissioners on the sale"))
        }
    }
}
