import DocketKit
import DocketServer
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Testing
import Workflow

/// What a person reads of a workflow: the labels its file gives states and events, never the
/// ids a form posts; and a date that cannot be true is refused through the form as anywhere.
@Suite struct WorkflowWordingTests {
    /// A new submission with the documents its first event needs.
    static func drafted(_ docket: DocketArchive, title: String) throws -> String {
        let reference = try docket.newSubmission(workflow: "best-value-submission", title: title, as: "olivia")
        for (kind, name) in [(DocumentKind.submission, "update.txt"), (.coverLetter, "cover.txt")] {
            try docket.addDocument(
                to: reference, content: Array("\(name)\n".utf8),
                description: DocumentDescription(kind: kind, title: name, originalFileName: name), as: "olivia")
        }
        return reference
    }

    @Test func buttonsStatesAndHistoryReadAsTheWorkflowLabelsThem() async throws {
        let fixture = try await WebFixture()
        let reference = try Self.drafted(fixture.docket, title: "Labelled")
        try await fixture.test { client in
            let olivia = try await Browser.signIn("olivia", client: client)
            let drafting = String(buffer: try await olivia.get("/submissions/\(reference)", client: client).body)
            #expect(drafting.contains("<strong>Being drafted</strong>"))
            #expect(drafting.contains(#"<button type="submit">Submit for the Mayor’s sign-off</button>"#))
            #expect(!drafting.contains(">submit-for-sign-off</button>"), "the raw event name is not a button's text")
            // The form still posts the event's id.
            #expect(drafting.contains(#"<input type="hidden" name="event" value="submit-for-sign-off">"#))
            #expect(drafting.contains(#"aria-current="step">Being drafted</li>"#))

            let sequence = try #require(Browser.value(of: "sequence", in: drafting))
            let fired = try await olivia.post(
                "/submissions/\(reference)/events", [("event", "submit-for-sign-off"), ("sequence", sequence)],
                client: client)
            #expect(fired.status == .seeOther)
            let waiting = String(buffer: try await olivia.get("/submissions/\(reference)", client: client).body)
            #expect(waiting.contains("<strong>Awaiting the Mayor’s sign-off</strong>"))
            #expect(waiting.contains("Submit for the Mayor’s sign-off: Being drafted → Awaiting the Mayor’s sign-off"))
            #expect(!waiting.contains("submit-for-sign-off: drafting → awaiting-sign-off"))
        }
    }

    @Test func listsNameStatesByTheirLabelsAndLinkByTheirIds() async throws {
        let fixture = try await WebFixture()
        try await fixture.test { client in
            let olivia = try await Browser.signIn("olivia", client: client)
            let dashboard = String(buffer: try await olivia.get("/", client: client).body)
            #expect(dashboard.contains(#"<a href="/submissions?state=considered">Considered by the Board</a>"#))
            let list = String(buffer: try await olivia.get("/submissions?state=considered", client: client).body)
            #expect(list.contains("<h1>Submissions: Considered by the Board</h1>"))
            #expect(list.contains("<td>Considered by the Board</td>"))
            #expect(!list.contains("<td>considered</td>"))
        }
    }

    @Test func aDispatchDatedInTheFutureIsRefusedThroughTheForm() async throws {
        let fixture = try await WebFixture()
        let docket = fixture.docket
        let reference = try Self.drafted(docket, title: "Dated ahead")
        try docket.fire("submit-for-sign-off", on: reference, as: "olivia")
        try docket.fire("sign-off", on: reference, as: "morgan")
        let before = try docket.submission(reference).sequence
        try await fixture.test { client in
            let olivia = try await Browser.signIn("olivia", client: client)
            let page = String(buffer: try await olivia.get("/submissions/\(reference)", client: client).body)
            // The browser offers a date picker; the rule is the library's whatever the browser sends.
            #expect(page.contains(#"name="field.dispatched-on" type="date""#))
            let refused = try await olivia.post(
                "/submissions/\(reference)/events",
                [("event", "dispatch"), ("field.dispatched-on", "2099-01-01"), ("sequence", String(before))],
                client: client)
            #expect(refused.status == .unprocessableContent)
            let message = String(buffer: refused.body)
            #expect(message.contains("dispatched-on"), "\(message)")
            #expect(message.contains("2099-01-01"), "\(message)")
            #expect(message.contains("is after today"), "\(message)")
        }
        #expect(try docket.submission(reference).sequence == before)
        #expect(try docket.submission(reference).state == "signed-off")
    }
}
