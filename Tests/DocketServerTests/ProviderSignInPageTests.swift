import DocketKit
import DocketServer
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import OpenIDConnect
import Testing

/// The sign-in page and form when an identity provider is configured, with and without
/// passwords (the flow itself runs against real providers in Tests/OIDC and Tests/Browser).
@Suite struct ProviderSignInPageTests {
    /// A provider nobody listens for (port 9, discard): discovery is refused at once.
    static let openID = OIDCConfiguration(
        issuer: "http://127.0.0.1:9", clientID: "docket", clientSecret: "secret",
        redirectURL: URL(string: "http://127.0.0.1:8080/sign-in/oidc/callback")!, displayName: "Council ID")

    @Test func withPasswordsOffTheFormIsGoneAndPostingItIsRefusedButTokensWork() async throws {
        let fixture = try await WebFixture(configuration: WebConfiguration(openID: Self.openID, passwordSignIn: false))
        let token = try fixture.docket.createToken(for: "olivia", label: "scripts")
        try await fixture.test { client in
            let page = String(buffer: try await client.execute(uri: "/sign-in?next=/submissions", method: .get).body)
            #expect(page.contains("Sign in with Council ID"))
            #expect(page.contains("href=\"/sign-in/oidc?next=%2Fsubmissions\""))
            #expect(!page.contains("name=\"password\""))

            var headers = HTTPFields()
            headers[.contentType] = "application/x-www-form-urlencoded"
            let post = try await client.execute(
                uri: "/sign-in", method: .post, headers: headers,
                body: ByteBuffer(string: "user=olivia&password=\(WebFixture.password)"))
            #expect(post.status == .forbidden)
            #expect(post.headers[.setCookie] == nil)

            var bearer = HTTPFields()
            bearer[.authorization] = "Bearer \(token.token)"
            #expect(try await client.execute(uri: "/api/submissions", method: .get, headers: bearer).status == .ok)
        }
    }

    @Test func withBothTheButtonIsBesideTheFormAndAnUnreachableProviderIsNamed() async throws {
        let fixture = try await WebFixture(configuration: WebConfiguration(openID: Self.openID))
        try await fixture.test { client in
            let page = String(buffer: try await client.execute(uri: "/sign-in", method: .get).body)
            #expect(page.contains("Sign in with Council ID"))
            #expect(page.contains("name=\"password\""))
            _ = try await Browser.signIn("olivia", client: client)

            let start = try await client.execute(uri: "/sign-in/oidc", method: .get)
            #expect(start.status == .badGateway)
            #expect(String(buffer: start.body).contains("discovery document could not be fetched"))
            let callback = try await client.execute(uri: "/sign-in/oidc/callback?state=made-up&code=x", method: .get)
            #expect(callback.status == .forbidden)
            #expect(String(buffer: callback.body).contains("unknown, expired or already used"))
        }
    }
}
