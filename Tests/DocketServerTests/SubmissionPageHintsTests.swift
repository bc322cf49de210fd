import DocketKit
import DocketServer
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Testing
import Workflow

/// What the submission page says an action still needs follows the pack.
@Suite struct SubmissionPageHintsTests {
    @Test func needsInThePackListsOnlyWhatIsStillMissing() async throws {
        let fixture = try await WebFixture()
        let docket = fixture.docket
        let reference = try docket.newSubmission(workflow: "best-value-submission", title: "Hints", as: "olivia")
        try await fixture.test { client in
            let olivia = try await Browser.signIn("olivia", client: client)
            func page() async throws -> String {
                String(buffer: try await olivia.get("/submissions/\(reference)", client: client).body)
            }
            #expect(try await page().contains("Needs in the pack: submission, cover-letter"))
            try docket.addDocument(
                to: reference, content: Array("the update\n".utf8),
                description: DocumentDescription(kind: .submission, title: "Update", originalFileName: "update.txt"),
                as: "olivia")
            #expect(try await page().contains("Needs in the pack: cover-letter</p>"))
            try docket.addDocument(
                to: reference, content: Array("dear sir\n".utf8),
                description: DocumentDescription(kind: .coverLetter, title: "Cover", originalFileName: "cover.txt"),
                as: "olivia")
            let complete = try await page()
            #expect(complete.contains(#"name="event" value="submit-for-sign-off""#))
            #expect(!complete.contains("Needs in the pack"))
        }
    }
}
