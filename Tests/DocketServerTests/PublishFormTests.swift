import DocketKit
import DocketServer
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Testing
import Workflow

/// Publishing cannot be undone: the form says what it will do and asks the clerk to confirm.
@Suite struct PublishFormTests {
    @Test func publishingSaysWhatItDoesAndNeedsConfirming() async throws {
        let fixture = try await WebFixture()
        let docket = fixture.docket
        let meeting = try docket.newMeeting(
            board: "Best Value Programme Board", date: CalendarDate(iso: "2031-03-12")!, as: "clara")
        try await fixture.test { client in
            let clara = try await Browser.signIn("clara", client: client)
            func page() async throws -> String {
                String(buffer: try await clara.get("/meetings/\(meeting)", client: client).body)
            }
            let first = try await page()
            #expect(first.contains("Publish the agenda"))
            #expect(!first.contains("Publish a supplementary agenda"))
            #expect(first.contains(#"name="confirm" value="yes" required"#))
            let log = try #require(Browser.value(of: "log", in: first))
            // Without the confirmation: refused, nothing published.
            let unconfirmed = try await clara.post("/meetings/\(meeting)/publish", [("log", log)], client: client)
            #expect(unconfirmed.status == .unprocessableContent)
            #expect(String(buffer: unconfirmed.body).contains("cannot be undone"))
            #expect(try docket.meeting(meeting).publications == 0)
            let confirmed = try await clara.post(
                "/meetings/\(meeting)/publish", [("log", log), ("confirm", "yes")], client: client)
            #expect(confirmed.status == .seeOther)
            #expect(try docket.meeting(meeting).publications == 1)
            // Published, nothing new: the form no longer offers a "supplementary" agenda.
            let after = try await page()
            #expect(!after.contains("Publish a supplementary agenda"), "nothing was added since publication")
            #expect(after.contains("Archive the reports changed since publication"))
        }
    }
}
