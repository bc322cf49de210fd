import DocketKit
import DocketServer
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Testing
import Workflow

/// A real archive (the demo, plus a user per role with a password) served through the real
/// router: requests go through every middleware and handler, in process.
final class WebFixture: @unchecked Sendable {
    static let repositoryRoot = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    static let password = DemoArchive.password

    let path: String
    let docket: DocketArchive
    let app: DocketWebApp

    /// - Parameters:
    ///   - clock: the archive's time (the demo itself is built at the real time).
    ///   - meetingHeld: the demo with the Board of 19 October 2016 met and minuted; by default
    ///     the day before, so that the third update is still live for the pages to act on.
    ///   - beforeOpening: done to the archive's directory after the demo is built and before
    ///     the app opens it (to break it, say).
    init(
        configuration: WebConfiguration = WebConfiguration(), clock: @escaping @Sendable () -> Date = { Date() },
        meetingHeld: Bool = false, beforeOpening: (String) throws -> Void = { _ in }
    ) async throws {
        path = FileManager.default.temporaryDirectory.appendingPathComponent("docket-web-\(UUID().uuidString)").path
        _ = try DemoArchive.build(
            at: path, from: Distribution(root: Self.repositoryRoot.path), meetingHeld: meetingHeld)
        try beforeOpening(path)
        docket = try DocketArchive(opening: path, clock: clock)
        app = try await DocketWebApp(docket: docket, configuration: configuration)
    }

    deinit {
        for file in (try? FileManager.default.subpathsOfDirectory(atPath: path)) ?? [] {
            chmod("\(path)/\(file)", 0o755)
        }
        try? FileManager.default.removeItem(atPath: path)
    }

    /// Runs `body` against the app through HummingbirdTesting's in-process client, or with
    /// `live`, a real server on a loopback port (requests then come from a real peer address).
    func test<Value: Sendable>(
        live: Bool = false, _ body: @Sendable @escaping (any TestClientProtocol) async throws -> Value
    ) async throws -> Value {
        let application = Application(
            router: app.router(), configuration: .init(address: .hostname("127.0.0.1", port: 0)))
        return try await application.test(live ? .live : .router) { client in try await body(client) }
    }
}

/// A browser's view of the app: its cookies and the CSRF token of the page it last saw.
struct Browser: Sendable {
    var session: String?
    var csrf: String?

    var cookieHeader: HTTPFields {
        var headers = HTTPFields()
        if let session { headers[.cookie] = "docket_session=\(session)" }
        return headers
    }

    /// Signs in through the form as a person would: fetch the form, post it with its token.
    static func signIn(_ user: String, password: String = WebFixture.password, client: any TestClientProtocol)
        async throws
        -> Browser
    {
        let form = try await client.execute(uri: "/sign-in", method: .get)
        let token = try #require(Self.value(of: "token", in: String(buffer: form.body)))
        let cookie = try #require(Self.cookie("docket_signin", in: form.headers))
        var headers = HTTPFields()
        headers[.cookie] = "docket_signin=\(cookie)"
        headers[.contentType] = "application/x-www-form-urlencoded"
        let body = "token=\(token)&user=\(user)&password=\(Self.encode(password))&next=/"
        let response = try await client.execute(
            uri: "/sign-in", method: .post, headers: headers, body: ByteBuffer(string: body))
        try #require(response.status == .seeOther, "sign-in as \(user): \(response.status)")
        let session: String = try #require(Self.cookie("docket_session", in: response.headers))
        var browser = Browser(session: session)
        let page = try await client.execute(uri: "/", method: .get, headers: browser.cookieHeader)
        browser.csrf = Self.value(of: "csrf", in: String(buffer: page.body))
        return browser
    }

    /// Posts a form with the browser's cookie (and its CSRF token unless `csrf` is given).
    func post(_ uri: String, _ fields: [(String, String)], csrf: String? = nil, client: any TestClientProtocol)
        async throws -> TestResponse
    {
        var headers = cookieHeader
        headers[.contentType] = "application/x-www-form-urlencoded"
        let all = [("csrf", csrf ?? self.csrf ?? "")] + fields
        let body = all.map { "\(Self.encode($0.0))=\(Self.encode($0.1))" }.joined(separator: "&")
        return try await client.execute(uri: uri, method: .post, headers: headers, body: ByteBuffer(string: body))
    }

    func get(_ uri: String, client: any TestClientProtocol) async throws -> TestResponse {
        try await client.execute(uri: uri, method: .get, headers: cookieHeader)
    }

    static func encode(_ text: String) -> String {
        var allowed = CharacterSet.alphanumerics
        allowed.insert(charactersIn: "-._~")
        return text.addingPercentEncoding(withAllowedCharacters: allowed) ?? text
    }

    /// The value of the first hidden input called `name`.
    static func value(of name: String, in html: String) -> String? {
        guard let range = html.range(of: "name=\"\(name)\" value=\"") else { return nil }
        return String(html[range.upperBound...].prefix { $0 != "\"" })
    }

    /// A cookie's value from Set-Cookie headers.
    static func cookie(_ name: String, in headers: HTTPFields) -> String? {
        for value in headers[values: .setCookie] where value.hasPrefix("\(name)=") {
            return String(value.dropFirst(name.count + 1).prefix { $0 != ";" })
        }
        return nil
    }
}
