import DocketKit
import DocketServer
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Testing
import Workflow

/// An upload after the Mayor's sign-off undoes it (dispatch is then refused): the form says so
/// before the upload, with the way back.
@Suite struct SignOffWarningTests {
    @Test func theUploadFormWarnsOnlyWhileASignOffIsInForce() async throws {
        let fixture = try await WebFixture()
        let docket = fixture.docket
        let reference = try docket.newSubmission(workflow: "best-value-submission", title: "Warned", as: "olivia")
        for (kind, name) in [(DocumentKind.submission, "update.txt"), (.coverLetter, "cover.txt")] {
            try docket.addDocument(
                to: reference, content: Array("\(name)\n".utf8),
                description: DocumentDescription(kind: kind, title: name, originalFileName: name), as: "olivia")
        }
        let warning = "sign-off again before it can be dispatched"
        try await fixture.test { client in
            let olivia = try await Browser.signIn("olivia", client: client)
            func page() async throws -> String {
                String(buffer: try await olivia.get("/submissions/\(reference)", client: client).body)
            }
            #expect(try await page().contains("Add a document"))
            #expect(try await !page().contains(warning), "drafting: nothing signed yet")
            try docket.fire("submit-for-sign-off", on: reference, as: "olivia")
            #expect(try await !page().contains(warning), "awaiting sign-off: nothing signed yet")
            try docket.fire("sign-off", on: reference, as: "morgan")
            let signed = try await page()
            #expect(signed.contains(warning), "signed off: the form must warn")
            #expect(signed.contains("The way back: Reopen for changes (above)"))
            // What it warns of is true: an upload now makes dispatch refused.
            try docket.addDocument(
                to: reference, content: Array("late annex\n".utf8),
                description: DocumentDescription(kind: .annex, title: "Late", originalFileName: "late.txt"),
                as: "olivia")
            #expect(throws: DocketError.self) {
                try docket.fire("dispatch", on: reference, as: "olivia", fields: ["dispatched-on": "2016-09-20"])
            }
            try docket.fire("reopen", on: reference, as: "olivia", comment: "an annex was added")
            #expect(try await !page().contains(warning), "reopened: the sign-off no longer counts")
        }
    }
}

/// Once the pack changed after its sign-off, dispatch is refused: the page says so at the top
/// of what can be done, with the way back.
@Suite struct SignOffBrokenTests {
    @Test func thePageShowsTheWayBackOnlyOnceThePackChanged() async throws {
        let fixture = try await WebFixture()
        let docket = fixture.docket
        let reference = try SubmissionSteps.signedOff(docket, "Changed after sign-off")
        let sentence =
            "The pack changed after the Mayor signed it off: reopen the submission, remove what should not be there, "
            + "and submit it for sign-off again."
        try await fixture.test { client in
            let olivia = try await Browser.signIn("olivia", client: client)
            func page() async throws -> String {
                String(buffer: try await olivia.get("/submissions/\(reference)", client: client).body)
            }
            #expect(try await !page().contains(sentence), "signed off, pack unchanged: dispatch is open")
            try docket.addDocument(
                to: reference, content: Array("late annex\n".utf8),
                description: DocumentDescription(kind: .annex, title: "Late", originalFileName: "late.txt"),
                as: "olivia")
            let changed = try await page()
            let actions = try #require(changed.components(separatedBy: #"id="actions-heading""#).last)
            #expect(actions.contains(sentence))
            #expect(actions.contains(#"name="event" value="reopen""#))
            // What it says is true: dispatch is refused.
            #expect(throws: DocketError.self) {
                try docket.fire("dispatch", on: reference, as: "olivia", fields: ["dispatched-on": "2016-09-20"])
            }
        }
        #expect(try docket.submission(reference).packChangeBlockingTheSignOff?.added.map(\.name) == ["Late"])
    }
}
