import DocketKit
import DocketServer
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Testing

/// After an action the page it leads to says what was recorded, from the record itself; the
/// history begins with the submission being started.
@Suite struct ConfirmationTests {
    @Test func anActionIsConfirmedFromTheRecordAndTheHistoryShowsTheStart() async throws {
        let fixture = try await WebFixture()
        let reference = try fixture.docket.newSubmission(
            workflow: "best-value-submission", title: "Confirmed", as: "olivia")
        try await fixture.test { client in
            let olivia = try await Browser.signIn("olivia", client: client)
            let started = String(buffer: try await olivia.get("/submissions/\(reference)", client: client).body)
            #expect(started.contains("started the submission (best-value-submission)"))
            let fired = try await olivia.post(
                "/submissions/\(reference)/events",
                [("event", "withdraw"), ("comment", "a duplicate"), ("sequence", "0")],
                client: client)
            #expect(fired.status == .seeOther)
            let location = try #require(fired.headers[.location])
            #expect(location == "/submissions/\(reference)?done=1")
            let page = String(buffer: try await olivia.get(location, client: client).body)
            // Said in the workflow's words, not its ids.
            #expect(
                page.contains("Recorded “Withdraw the submission”. \(reference) is now: Withdrawn before dispatch."))
            // The address only points at a recorded event: nothing it says is shown.
            for forged in ["7", "<script>", "started"] {
                let uri = "/submissions/\(reference)?done=\(Browser.encode(forged))"
                let html = String(buffer: try await olivia.get(uri, client: client).body)
                #expect(!html.contains(#"class="flash""#), "\(forged)")
            }
        }
    }
}
