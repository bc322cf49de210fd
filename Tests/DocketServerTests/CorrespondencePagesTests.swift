import DocketKit
import DocketServer
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Testing

/// Email in the web app: the demo's reply on the third update's page, the unfiled tray, an
/// `.eml` uploaded and filed, the API, and a viewer kept out of all of it.
@Suite struct CorrespondencePagesTests {
    static let boundary = "docket-mail-test"

    static func upload(_ message: String, fileName: String, submission: String? = nil, csrf: String?) -> ByteBuffer {
        var body = ""
        if let csrf { body += "--\(boundary)\r\nContent-Disposition: form-data; name=\"csrf\"\r\n\r\n\(csrf)\r\n" }
        if let submission {
            body += "--\(boundary)\r\nContent-Disposition: form-data; name=\"submission\"\r\n\r\n\(submission)\r\n"
        }
        body += "--\(boundary)\r\nContent-Disposition: form-data; name=\"file\"; filename=\"\(fileName)\"\r\n"
        body += "Content-Type: message/rfc822\r\n\r\n\(message)\r\n--\(boundary)--\r\n"
        return ByteBuffer(string: body)
    }

    static func headers(_ browser: Browser) -> HTTPFields {
        var headers = browser.cookieHeader
        headers[.contentType] = "multipart/form-data; boundary=\(boundary)"
        return headers
    }

    static let stray =
        "From: A Resident <resident@example.org>\r\nTo: docket@council.example\r\nSubject: Street lighting\r\n"
        + "Message-ID: <stray-1@example.org>\r\nDate: Mon, 19 Sep 2016 10:00:00 +0100\r\n\r\nPlease fix the lamp.\r\n"

    @Test func theThirdUpdatesReplyArrivedByEmailAndShowsOnItsPage() async throws {
        let fixture = try await WebFixture()
        let third = try #require(try fixture.docket.submissions().map(\.reference).sorted().dropFirst(2).first)
        try await fixture.test { client in
            let olivia = try await Browser.signIn("olivia", client: client)
            let page = String(buffer: try await olivia.get("/submissions/\(third)", client: client).body)
            #expect(page.contains("id=\"correspondence-heading\""))
            #expect(
                page.contains("the Commissioners&#39; response to the third progress update")
                    || page.contains("the Commissioners' response to the third progress update"))
            #expect(page.contains("filed by the reference in its subject"))
            #expect(page.contains("bvp-update-3-commissioners-response.pdf"))
        }
    }

    @Test func anUploadedEmailWaitsUnfiledAndIsFiledFromTheTray() async throws {
        let fixture = try await WebFixture()
        let third = try #require(try fixture.docket.submissions().map(\.reference).sorted().dropFirst(2).first)
        try await fixture.test { client in
            let olivia = try await Browser.signIn("olivia", client: client)
            let uploaded = try await client.execute(
                uri: "/correspondence", method: .post, headers: Self.headers(olivia),
                body: Self.upload(Self.stray, fileName: "lamp.eml", csrf: olivia.csrf))
            #expect(uploaded.status == .seeOther)
            let tray = String(buffer: try await olivia.get("/correspondence", client: client).body)
            #expect(tray.contains("Street lighting"))
            let sha = try #require(try fixture.docket.unfiledMessages(for: "olivia").first?.sha256)
            // A viewer sees no tray and cannot file.
            let victor = try await Browser.signIn("victor", client: client)
            #expect(try await victor.get("/correspondence", client: client).status == .forbidden)
            #expect(try await victor.get("/correspondence/\(sha)", client: client).status == .forbidden)
            let refused = try await victor.post(
                "/correspondence/\(sha)/filing", [("submission", third)], client: client)
            #expect(refused.status == .forbidden)
            // Filing with no submission named is refused beside the tray, nothing filed.
            let empty = try await olivia.post("/correspondence/\(sha)/filing", [("submission", "")], client: client)
            #expect(empty.status == .badRequest)
            let filed = try await olivia.post("/correspondence/\(sha)/filing", [("submission", third)], client: client)
            #expect(filed.status == .seeOther)
            #expect(try fixture.docket.unfiledMessages(for: "olivia").isEmpty)
            let page = String(buffer: try await olivia.get("/submissions/\(third)", client: client).body)
            #expect(page.contains("Street lighting"))
            #expect(page.contains("filed by an officer"))
            // The original bytes come back as they were uploaded.
            let eml = try await olivia.get("/submissions/\(third)/documents/\(sha)", client: client)
            #expect(String(buffer: eml.body) == Self.stray)
        }
    }

    @Test func theAPIArchivesAnEmailOnceAndListsTheTray() async throws {
        let fixture = try await WebFixture()
        try fixture.docket.addUser("apiuser", roles: [.officer])
        let token = try fixture.docket.createToken(for: "apiuser", label: "test").token
        try await fixture.test { client in
            var headers = HTTPFields()
            headers[.authorization] = "Bearer \(token)"
            headers[.contentType] = "multipart/form-data; boundary=\(Self.boundary)"
            let first = try await client.execute(
                uri: "/api/correspondence", method: .post, headers: headers,
                body: Self.upload(Self.stray, fileName: "lamp.eml", csrf: nil))
            #expect(first.status == .created)
            #expect(String(buffer: first.body).contains("\"duplicate\":false"))
            let again = try await client.execute(
                uri: "/api/correspondence", method: .post, headers: headers,
                body: Self.upload(Self.stray, fileName: "lamp.eml", csrf: nil))
            #expect(String(buffer: again.body).contains("\"duplicate\":true"))
            let tray = try await client.execute(uri: "/api/correspondence/unfiled", method: .get, headers: headers)
            #expect(tray.status == .ok)
            #expect(String(buffer: tray.body).contains("Street lighting"))
        }
    }
}
