import Archive
import DocketKit
import DocketServer
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Testing
import Workflow

/// The access log and the sessions pages through the real router: sign-ins recorded (never a
/// password or a token), the pages only for administrators, and a session ended from them.
@Suite(.serialized) struct AccessAuditPagesTests {
    /// Posts the sign-in form as a person would, whatever the outcome.
    static func attemptSignIn(_ user: String, password: String, client: any TestClientProtocol) async throws
        -> TestResponse
    {
        let form = try await client.execute(uri: "/sign-in", method: .get)
        let token = try #require(Browser.value(of: "token", in: String(buffer: form.body)))
        let cookie = try #require(Browser.cookie("docket_signin", in: form.headers))
        var headers = HTTPFields()
        headers[.cookie] = "docket_signin=\(cookie)"
        headers[.contentType] = "application/x-www-form-urlencoded"
        let body = "token=\(token)&user=\(Browser.encode(user))&password=\(Browser.encode(password))&next=/"
        return try await client.execute(
            uri: "/sign-in", method: .post, headers: headers, body: ByteBuffer(string: body))
    }

    @Test func signInsAreRecordedAndTheLogHoldsNoPasswordOrToken() async throws {
        let fixture = try await WebFixture()
        let wrongPassword = "Wrong-Secret-Passw0rd-4711"
        let issued = try fixture.docket.createToken(for: "olivia", label: "scripts")
        let forgedToken = "dkt_forged_Not-A-Real-Token-0815"
        try await fixture.test { client in
            let ada = try await Browser.signIn("ada", client: client)
            let refused = try await Self.attemptSignIn("olivia", password: wrongPassword, client: client)
            #expect(refused.status == .unauthorized)
            let unknown = try await Self.attemptSignIn("Nobody Known", password: wrongPassword, client: client)
            #expect(unknown.status == .unauthorized)
            let good: HTTPFields = [.authorization: "Bearer \(issued.token)"]
            #expect(try await client.execute(uri: "/api/submissions", method: .get, headers: good).status == .ok)
            let bad: HTTPFields = [.authorization: "Bearer \(forgedToken)"]
            #expect(
                try await client.execute(uri: "/api/submissions", method: .get, headers: bad).status == .unauthorized)
            #expect(try await ada.post("/sign-out", [], client: client).status == .seeOther)
        }

        let log = try fixture.docket.accessLog()
        let summary = log.map { [$0.event.action.rawValue, $0.event.user ?? $0.event.attemptedName ?? "-"] }
        #expect(
            summary == [
                ["sign-in", "ada"], ["sign-in-refused", "olivia"], ["sign-in-refused", "Nobody Known"],
                ["sign-in-refused", "-"], ["sign-out", "ada"],
            ])
        #expect(log[0].event.method == .password && log[0].event.outcome == .allowed)
        #expect(log[1].event.reason == "name or password not recognised" && log[1].event.outcome == .refused)
        #expect(log[3].event.method == .token && log[3].event.reason == "the API token is not valid")
        #expect(try fixture.docket.verify().filter { $0.severity == .problem }.isEmpty)

        // Not the password that worked, nor the one that failed, nor either token, nor a piece of one.
        let secrets = [
            WebFixture.password, wrongPassword, issued.token, forgedToken, String(issued.token.suffix(20)),
            "Not-A-Real-Token",
        ]
        let files = try FileManager.default.subpathsOfDirectory(atPath: "\(fixture.path)/access")
        #expect(files.filter { $0.hasSuffix(".xml") }.count == 6)  // five entries and the head
        for file in files {
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: "\(fixture.path)/access/\(file)", isDirectory: &isDirectory),
                !isDirectory.boolValue
            else { continue }
            let text = String(
                decoding: try Data(contentsOf: URL(fileURLWithPath: "\(fixture.path)/access/\(file)")), as: UTF8.self)
            for secret in secrets {
                #expect(!text.contains(secret), "access/\(file) holds a secret")
            }
        }
    }

    @Test func theAccessPagesAreForAdministratorsOnly() async throws {
        let fixture = try await WebFixture()
        try await fixture.test { client in
            let olivia = try await Browser.signIn("olivia", client: client)
            #expect(try await olivia.get("/admin/audit", client: client).status == .forbidden)
            #expect(try await olivia.get("/admin/sessions", client: client).status == .forbidden)
            #expect(try await olivia.get("/admin/audit?since=nonsense", client: client).status == .forbidden)
            let revoke = try await olivia.post("/admin/sessions/revoke-user", [("user", "ada")], client: client)
            #expect(revoke.status == .forbidden)
            #expect(!String(buffer: try await olivia.get("/", client: client).body).contains("/admin/audit"))

            let ada = try await Browser.signIn("ada", client: client)
            let home = String(buffer: try await ada.get("/", client: client).body)
            #expect(home.contains("href=\"/admin/audit\"") && home.contains("href=\"/admin/sessions\""))
            let page = try await ada.get("/admin/audit", client: client)
            #expect(page.status == .ok)
            let html = String(buffer: page.body)
            // Newest first: ada's sign-in before olivia's.
            let adaRow = try #require(html.range(of: "<td>ada</td><td>sign-in (password)"))
            let oliviaRow = try #require(html.range(of: "<td>olivia</td><td>sign-in (password)"))
            #expect(adaRow.lowerBound < oliviaRow.lowerBound)
            let filtered = String(buffer: try await ada.get("/admin/audit?user=olivia", client: client).body)
            #expect(filtered.contains("<td>olivia</td>") && !filtered.contains("<td>ada</td>"))
            let later = String(buffer: try await ada.get("/admin/audit?since=2999-01-01", client: client).body)
            #expect(later.contains("No entries match."))
            let bad = try await ada.get("/admin/audit?since=yesterday", client: client)
            #expect(bad.status == .badRequest && String(buffer: bad.body).contains("is not a date"))
        }
    }

    @Test func anAdministratorSeesAndEndsSessions() async throws {
        let fixture = try await WebFixture()
        try await fixture.test { client in
            let olivia = try await Browser.signIn("olivia", client: client)
            let oliviaAgain = try await Browser.signIn("olivia", client: client)
            let victor = try await Browser.signIn("victor", client: client)
            let ada = try await Browser.signIn("ada", client: client)
            let page = try await ada.get("/admin/sessions", client: client)
            #expect(page.status == .ok)
            let html = String(buffer: page.body)
            #expect(html.contains("<td>olivia</td>") && html.contains("<td>victor</td>"))
            #expect(html.contains("<td>ada (you, here)</td>"))
            // Never a session id or another session's CSRF token.
            for browser in [olivia, oliviaAgain, victor, ada] {
                #expect(!html.contains(try #require(browser.session)))
            }
            #expect(!html.contains(try #require(olivia.csrf)))

            // End olivia's first session by its handle (the SHA-256 of its id).
            let handle = ArchiveStore.sha256(Array(try #require(olivia.session).utf8))
            #expect(html.contains(handle))
            let ended = try await ada.post("/admin/sessions/revoke", [("session", handle)], client: client)
            #expect(ended.status == .seeOther)
            let next = try await olivia.get("/", client: client)
            #expect(next.status == .seeOther && next.headers[.location]?.hasPrefix("/sign-in") == true)
            #expect(try await oliviaAgain.get("/", client: client).status == .ok)

            // Every session of victor.
            let all = try await ada.post("/admin/sessions/revoke-user", [("user", "victor")], client: client)
            #expect(all.status == .seeOther)
            #expect(try await victor.get("/", client: client).status == .seeOther)
            #expect(try await ada.get("/", client: client).status == .ok)
        }
        let revoked = try fixture.docket.accessLog(user: "olivia").filter { $0.event.action == .sessionRevoked }
        #expect(revoked.count == 1)
        #expect(revoked.first?.event.user == "ada" && revoked.first?.event.item == "olivia")
        let victors = try fixture.docket.accessLog(item: "victor")
        #expect(victors.map(\.event.what) == ["all 1 session of victor"])
    }
}
