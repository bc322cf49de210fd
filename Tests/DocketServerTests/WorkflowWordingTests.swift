import DocketKit
import DocketServer
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Testing
import Workflow

/// What a person meets of a workflow's rules on its pages: a date that cannot be true is
/// refused through the form as anywhere.
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
