import DocketKit
import DocketServer
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Testing
import Workflow

/// A refused form comes back as itself: status 422, the reason beside it (an alert the form is
/// described by) and what was typed still in its inputs, as on the Users page.
@Suite struct FormErrorTests {
    @Test func aRefusedNewSubmissionKeepsWhatWasTyped() async throws {
        let fixture = try await WebFixture()
        try await fixture.test { client in
            let olivia = try await Browser.signIn("olivia", client: client)
            let response = try await olivia.post(
                "/submissions",
                [("title", "  "), ("workflow", "best-value-submission"), ("service", "Regeneration, Jo Bloggs")],
                client: client)
            #expect(response.status == .unprocessableContent)
            let page = String(buffer: response.body)
            #expect(
                page.contains(#"<p class="error" role="alert" id="new-submission-error">The title must not be empty."#))
            #expect(page.contains(#"aria-describedby="new-submission-error""#))
            #expect(page.contains(#"value="Regeneration, Jo Bloggs""#))
            #expect(page.contains("<option selected>best-value-submission</option>"))
        }
    }

    @Test func aRefusedEventKeepsItsFieldsAndComment() async throws {
        let fixture = try await WebFixture()
        let reference = try SubmissionSteps.signedOff(fixture.docket, "Refused dispatch")
        try await fixture.test { client in
            let olivia = try await Browser.signIn("olivia", client: client)
            let shown = String(buffer: try await olivia.get("/submissions/\(reference)", client: client).body)
            let sequence = try #require(Browser.value(of: "sequence", in: shown))
            let response = try await olivia.post(
                "/submissions/\(reference)/events",
                [
                    ("event", "dispatch"), ("sequence", sequence), ("field.dispatched-on", "2016-02-30"),
                    ("comment", "Sent by first-class post"),
                ], client: client)
            #expect(response.status == .unprocessableContent)
            let page = String(buffer: response.body)
            #expect(
                page.contains(
                    #"<p class="error" role="alert" id="event-dispatch-error">Refused: &#39;dispatch&#39; needs"#))
            #expect(page.contains(#"id="event-dispatch" aria-describedby="event-dispatch-error""#))
            #expect(page.contains(#"value="2016-02-30""#))
            #expect(page.contains("Sent by first-class post</textarea>"))
            // Only the refused form carries the message.
            #expect(page.components(separatedBy: #"role="alert""#).count == 2)
        }
        #expect(try fixture.docket.submission(reference).state == "signed-off")
    }

    @Test func aRefusedMeetingKeepsWhatWasTyped() async throws {
        let fixture = try await WebFixture()
        try await fixture.test { client in
            let clara = try await Browser.signIn("clara", client: client)
            let response = try await clara.post(
                "/meetings",
                [("board", "Audit Board"), ("date", "2031-05-06"), ("time", "25:99"), ("venue", "Room 4")],
                client: client)
            #expect(response.status == .unprocessableContent)
            let page = String(buffer: response.body)
            #expect(
                page.contains(
                    #"<p class="error" role="alert" id="new-meeting-error">Time &#39;25:99&#39; is not HH:MM"#))
            #expect(page.contains(#"aria-describedby="new-meeting-error""#))
            for typed in ["Audit Board", "2031-05-06", "25:99", "Room 4"] {
                #expect(page.contains(#"value="\#(typed)""#), "\(typed)")
            }
        }
        #expect(try !fixture.docket.meetingIDs().contains { $0.hasPrefix("AB-") })
    }

    @Test func aRefusedUploadKeepsItsDescriptionAndAsksForTheFileAgain() async throws {
        let fixture = try await WebFixture()
        let reference = try fixture.docket.newSubmission(
            workflow: "best-value-submission", title: "Refused upload", as: "olivia")
        try await fixture.test { client in
            let olivia = try await Browser.signIn("olivia", client: client)
            let form = String(buffer: try await olivia.get("/submissions/\(reference)", client: client).body)
            // The limit is stated before anyone tries.
            #expect(form.contains("Up to 64 MB."))
            let response = try await Self.upload(
                [
                    ("csrf", olivia.csrf ?? ""), ("kind", "annex"), ("title", "Late annex"), ("date", "2016-09-01"),
                    ("from", "Jo Bloggs (Audit Office)"),
                ], file: "", to: reference, as: olivia, client: client)
            #expect(response.status == .unprocessableContent)
            let page = String(buffer: response.body)
            #expect(page.contains(#"<p class="error" role="alert" id="upload-error">The file is empty"#))
            #expect(page.contains("Choose the file again"))
            #expect(page.contains(#"aria-describedby="upload-error""#))
            for typed in ["Late annex", "2016-09-01", "Jo Bloggs (Audit Office)"] {
                #expect(page.contains(#"value="\#(typed)""#), "\(typed)")
            }
            #expect(page.contains("<option selected>annex</option>"))
        }
        #expect(try fixture.docket.submission(reference).documents.isEmpty)
    }

    @Test func anUploadOverTheLimitIsExplainedInMegabytesBesideTheForm() async throws {
        let limit = 2 * 1024 * 1024
        let fixture = try await WebFixture(configuration: WebConfiguration(uploadLimit: limit))
        let reference = try fixture.docket.newSubmission(
            workflow: "best-value-submission", title: "Too large", as: "olivia")
        try await fixture.test { client in
            let olivia = try await Browser.signIn("olivia", client: client)
            let response = try await Self.upload(
                [("csrf", olivia.csrf ?? ""), ("kind", "annex")], file: String(repeating: "x", count: limit + 1),
                to: reference, as: olivia, client: client)
            #expect(response.status == .contentTooLarge)
            let page = String(buffer: response.body)
            #expect(page.contains(#"role="alert" id="upload-error">The upload is"#))
            #expect(page.contains("over the 2 MB limit"))
            #expect(!page.contains("byte limit"))
            #expect(page.contains("Up to 2 MB."))
        }
        #expect(try fixture.docket.submission(reference).documents.isEmpty)
    }

    @Test func libraryLimitsAreSaidInMegabytes() {
        #expect(Wording.megabytes(100 * 1024 * 1024) == "100 MB")
        #expect(Wording.megabytes(Int(120.25 * 1024 * 1024)) == "120.3 MB")
        // One byte over a limit never reads as the limit.
        #expect(Wording.megabytes(64 * 1024 * 1024 + 1) == "64.1 MB")
        #expect(
            Wording.overSizeLimit("the file", bytes: 300 * 1024 * 1024, limit: DocketArchive.maximumDocumentSize)
                == "the file is 300 MB, over the 256 MB limit")
    }

    // MARK: - Helpers

    /// Posts the upload form with these text fields and a file of `file`'s text.
    static func upload(
        _ fields: [(String, String)], file: String, to reference: String, as browser: Browser,
        client: any TestClientProtocol
    ) async throws -> TestResponse {
        let boundary = "docketformerror"
        var body = ""
        for (name, value) in fields {
            body += "--\(boundary)\r\nContent-Disposition: form-data; name=\"\(name)\"\r\n\r\n\(value)\r\n"
        }
        body += "--\(boundary)\r\nContent-Disposition: form-data; name=\"file\"; filename=\"annex.txt\"\r\n"
        body += "Content-Type: text/plain\r\n\r\n\(file)\r\n--\(boundary)--\r\n"
        var headers = browser.cookieHeader
        headers[.contentType] = "multipart/form-data; boundary=\(boundary)"
        return try await client.execute(
            uri: "/submissions/\(reference)/documents", method: .post, headers: headers,
            body: ByteBuffer(string: body))
    }
}
