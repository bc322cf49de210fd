import DocketKit
import DocketServer
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Testing
import Workflow

/// The Users and Archive health pages: only an administrator may use them — the library
/// refuses everyone else, whatever the web pages show — and what they add can sign in.
@Suite(.serialized) struct WebAdministrationTests {
    @Test func onlyAnAdministratorSeesOrAddsUsersOrChecksTheArchive() async throws {
        let fixture = try await WebFixture()
        try await fixture.test { client in
            let before = try fixture.docket.users().map(\.name)
            for name in ["olivia", "morgan", "clara"] {
                let browser = try await Browser.signIn(name, client: client)
                #expect(try await browser.get("/users", client: client).status == .forbidden)
                #expect(try await browser.get("/health", client: client).status == .forbidden)
                let add = try await browser.post(
                    "/users", [("name", "mallory"), ("role", "admin"), ("password", "a-long-enough-password")],
                    client: client)
                #expect(add.status == .forbidden)
                let reset = try await browser.post(
                    "/users/ada/password", [("password", "taken-over-by-\(name)")], client: client)
                #expect(reset.status == .forbidden)
            }
            #expect(try fixture.docket.users().map(\.name) == before)
            #expect(fixture.docket.verifyPassword(WebFixture.password, for: "ada"))
            let ada = try await Browser.signIn("ada", client: client)
            #expect(try await ada.get("/health", client: client).status == .ok)
        }
    }

    @Test func anAdministratorAddsAUserWhoCanThenSignIn() async throws {
        let fixture = try await WebFixture()
        try await fixture.test { client in
            let ada = try await Browser.signIn("ada", client: client)
            let added = try await ada.post(
                "/users",
                [
                    ("name", "nadia"), ("full-name", "Nadia <b>Rahman</b>"), ("role", "officer"), ("role", "viewer"),
                    ("password", "first-password-for-nadia"),
                ], client: client)
            #expect(added.status == .seeOther)
            let record = try #require(try fixture.docket.users().first { $0.name == "nadia" })
            #expect(Set(record.roles) == [.officer, .viewer])
            let list = String(buffer: try await ada.get("/users", client: client).body)
            #expect(list.contains("Nadia &lt;b&gt;Rahman&lt;/b&gt;"))
            let nadia = try await Browser.signIn("nadia", password: "first-password-for-nadia", client: client)
            #expect(try await nadia.get("/submissions/new", client: client).status == .ok)  // an officer now

            // A new password replaces the old one.
            let reset = try await ada.post(
                "/users/nadia/password", [("password", "second-password-for-nadia")], client: client)
            #expect(reset.status == .seeOther)
            #expect(!fixture.docket.verifyPassword("first-password-for-nadia", for: "nadia"))
            #expect(fixture.docket.verifyPassword("second-password-for-nadia", for: "nadia"))
        }
    }

    @Test func aRefusedUserIsExplainedBesideTheFormAndNothingIsWritten() async throws {
        let fixture = try await WebFixture()
        try await fixture.test { client in
            let ada = try await Browser.signIn("ada", client: client)
            let before = try fixture.docket.users().map(\.name)
            let cases: [([(String, String)], String)] = [
                ([("name", "short"), ("role", "officer"), ("password", "too-short")], "at least 12 characters"),
                ([("name", "Bad Name"), ("role", "officer"), ("password", "long-enough-password")], "user name"),
                ([("name", "noroles"), ("password", "long-enough-password")], "at least one role"),
                ([("name", "olivia"), ("role", "officer"), ("password", "long-enough-password")], "olivia"),
                (
                    [("name", "toolong"), ("role", "officer"), ("password", String(repeating: "p", count: 80))],
                    "72 bytes"
                ),
            ]
            for (fields, message) in cases {
                let response = try await ada.post("/users", fields, client: client)
                let page = String(buffer: response.body)
                #expect([.badRequest, .conflict, .unprocessableContent].contains(response.status), "\(fields)")
                #expect(page.contains("role=\"alert\"") && page.contains(message), "\(fields): \(page.prefix(200))")
                #expect(!page.contains("long-enough-password") && !page.contains("too-short"))  // never echoed
            }
            #expect(try fixture.docket.users().map(\.name) == before)
            #expect(!FileManager.default.fileExists(atPath: "\(fixture.path)/auth/short.json"))
            #expect(!FileManager.default.fileExists(atPath: "\(fixture.path)/users/toolong.xml"))
            // Without the session's CSRF token nothing is added either.
            let forged = try await ada.post(
                "/users", [("name", "forged"), ("role", "admin"), ("password", "long-enough-password")],
                csrf: "not-the-token", client: client)
            #expect(forged.status == .forbidden)
            #expect(try fixture.docket.users().map(\.name) == before)
        }
    }
}
