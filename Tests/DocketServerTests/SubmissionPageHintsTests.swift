import DocketKit
import DocketServer
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Testing
import Workflow

/// What the pages say a submission still needs follows the record: the documents missing from
/// the pack, and the reason it was sent back.
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

    @Test func aReturnedSubmissionShowsTheMayorsCommentOnTheDashboard() async throws {
        let fixture = try await WebFixture()
        let docket = fixture.docket
        let reference = try SubmissionSteps.signedOff(docket, "Sent back")
        try docket.fire("reopen", on: reference, as: "olivia", comment: "an annex is missing")
        try docket.fire("submit-for-sign-off", on: reference, as: "olivia")
        let reason = "Section 2 needs this year’s figures"
        try docket.fire("return-for-redraft", on: reference, as: "morgan", comment: reason)
        try await fixture.test { client in
            let olivia = try await Browser.signIn("olivia", client: client)
            func line() async throws -> String {
                let html = String(buffer: try await olivia.get("/", client: client).body)
                let rows = html.components(separatedBy: "<tr")
                let index = try #require(rows.firstIndex { $0.contains(">\(reference)</a>") })
                return rows[index] + (rows.indices.contains(index + 1) ? rows[index + 1] : "")
            }
            #expect(try await line().contains("Sent back by morgan (return-for-redraft): “\(reason)”"))
            // Sent on again: the note no longer applies.
            try docket.fire("submit-for-sign-off", on: reference, as: "olivia")
            try docket.fire("return-for-redraft", on: reference, as: "morgan", comment: "Now the annex")
            let again = try await line()
            #expect(again.contains("“Now the annex”"))
            #expect(!again.contains(reason))
        }
        #expect(try docket.submission(reference).returnNote?.comment == "Now the annex")
        try docket.fire("submit-for-sign-off", on: reference, as: "olivia")
        #expect(try docket.submission(reference).returnNote == nil, "moved on")
    }
}
