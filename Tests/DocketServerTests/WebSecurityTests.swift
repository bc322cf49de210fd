import DocketKit
import DocketServer
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Synchronization
import Testing
import Workflow

/// The web app's security, through the real router: sign-in, cookies, CSRF, roles against
/// the workflow, escaping, paths, uploads, ETags.
@Suite(.serialized) struct WebSecurityTests {
    @Test func pagesNeedASignedInUserAndTheAPIAnswersInJSON() async throws {
        let fixture = try await WebFixture()
        try await fixture.test { client in
            let page = try await client.execute(uri: "/submissions/BVP-2016-02", method: .get)
            #expect(page.status == .seeOther)
            #expect(page.headers[.location] == "/sign-in?next=/submissions/BVP-2016-02")
            let api = try await client.execute(uri: "/api/submissions", method: .get)
            #expect(api.status == .unauthorized)
            #expect(String(buffer: api.body).contains("\"code\":\"sign-in-required\""))
            let bad = try await client.execute(
                uri: "/api/submissions", method: .get, headers: [.authorization: "Bearer dkt_000000000000_nope"])
            #expect(bad.status == .unauthorized)
        }
    }

    @Test func signInSetsAFreshHttpOnlySameSiteSessionAndSignOutEndsIt() async throws {
        let fixture = try await WebFixture()
        try await fixture.test { client in
            let first = try await Browser.signIn("olivia", client: client)
            let second = try await Browser.signIn("olivia", client: client)
            #expect(first.session != second.session)
            // The cookie's flags, as sent.
            let form = try await client.execute(uri: "/sign-in", method: .get)
            let token = try #require(Browser.value(of: "token", in: String(buffer: form.body)))
            let signInCookie = try #require(Browser.cookie("docket_signin", in: form.headers))
            let response = try await client.execute(
                uri: "/sign-in", method: .post,
                headers: [.cookie: "docket_signin=\(signInCookie)", .contentType: "application/x-www-form-urlencoded"],
                body: ByteBuffer(string: "token=\(token)&user=clara&password=best-value-2016"))
            let setCookie = try #require(response.headers[values: .setCookie].first { $0.hasPrefix("docket_session=") })
            #expect(
                setCookie.contains("HttpOnly") && setCookie.contains("SameSite=Lax") && setCookie.contains("Path=/"))
            #expect(!setCookie.contains("Secure"))  // plain HTTP here; --secure-cookies behind TLS

            #expect(try await first.get("/", client: client).status == .ok)
            let out = try await first.post("/sign-out", [], client: client)
            #expect(out.status == .seeOther)
            #expect(try await first.get("/", client: client).status == .seeOther)  // back to sign-in
            #expect(try await second.get("/", client: client).status == .ok)  // other sessions live on
        }
    }

    @Test func anIdleSessionEnds() async throws {
        let elapsed = Mutex<TimeInterval>(0)
        let configuration = WebConfiguration(
            idleTimeout: 30 * 60, sessionClock: { Date().addingTimeInterval(elapsed.withLock { $0 }) })
        let fixture = try await WebFixture(configuration: configuration)
        try await fixture.test { client in
            let olivia = try await Browser.signIn("olivia", client: client)
            elapsed.withLock { $0 += 29 * 60 }  // used just in time: the idle clock starts again
            #expect(try await olivia.get("/", client: client).status == .ok)
            elapsed.withLock { $0 += 29 * 60 }
            #expect(try await olivia.get("/", client: client).status == .ok)
            elapsed.withLock { $0 += 31 * 60 }
            #expect(try await olivia.get("/", client: client).status == .seeOther)
        }
    }

    @Test func secureCookiesBehindTLS() async throws {
        let fixture = try await WebFixture(configuration: WebConfiguration(secureCookies: true))
        try await fixture.test { client in
            let form = try await client.execute(uri: "/sign-in", method: .get)
            #expect(form.headers[values: .setCookie].allSatisfy { $0.contains("Secure") })
        }
    }

    @Test func repeatedFailedSignInsAreThrottled() async throws {
        let fixture = try await WebFixture(configuration: WebConfiguration(maximumFailedSignIns: 3))
        try await fixture.test { client in
            func attempt(_ password: String) async throws -> TestResponse {
                let form = try await client.execute(uri: "/sign-in", method: .get)
                let token = try #require(Browser.value(of: "token", in: String(buffer: form.body)))
                let cookie = try #require(Browser.cookie("docket_signin", in: form.headers))
                return try await client.execute(
                    uri: "/sign-in", method: .post,
                    headers: [.cookie: "docket_signin=\(cookie)", .contentType: "application/x-www-form-urlencoded"],
                    body: ByteBuffer(string: "token=\(token)&user=morgan&password=\(password)"))
            }
            for _ in 0..<3 { #expect(try await attempt("guess").status == .unauthorized) }
            let throttled = try await attempt("guess")
            #expect(throttled.status == .tooManyRequests)
            #expect(throttled.headers[.retryAfter].flatMap(Int.init).map { $0 > 0 } == true)
            // Even the right password waits: the throttle does not tell a guesser when they hit.
            #expect(try await attempt("best-value-2016").status == .tooManyRequests)
            // Another name is not affected.
            _ = try await Browser.signIn("clara", client: client)
        }
    }

    @Test func aFormWithoutTheSessionsCSRFTokenIsRefusedAndChangesNothing() async throws {
        let fixture = try await WebFixture()
        let reference = try fixture.docket.newSubmission(
            workflow: "best-value-submission", title: "CSRF target", as: "olivia")
        let before = try fixture.docket.submission(reference).sequence
        try await fixture.test { client in
            let olivia = try await Browser.signIn("olivia", client: client)
            for token in ["", "0000", String(repeating: "a", count: 64)] {
                let response = try await olivia.post(
                    "/submissions/\(reference)/events", [("event", "withdraw"), ("comment", "forged")], csrf: token,
                    client: client)
                #expect(response.status == .forbidden)
            }
            // Another user's valid token is not this session's.
            let clara = try await Browser.signIn("clara", client: client)
            let crossed = try await olivia.post(
                "/submissions/\(reference)/events", [("event", "withdraw"), ("comment", "forged")], csrf: clara.csrf,
                client: client)
            #expect(crossed.status == .forbidden)
            // A sign-in form posted without its cookie is refused too.
            let login = try await client.execute(
                uri: "/sign-in", method: .post, headers: [.contentType: "application/x-www-form-urlencoded"],
                body: ByteBuffer(string: "token=abc&user=olivia&password=best-value-2016"))
            #expect(login.status == .forbidden)
        }
        #expect(try fixture.docket.submission(reference).sequence == before)
    }

    /// Every role against every event in every state the model case passes through: what the
    /// workflow refuses, the web app refuses (403 for a role, 422 for a state) and nothing is
    /// recorded.
    @Test func theRoleStateEventMatrixIsTheWorkflows() async throws {
        let fixture = try await WebFixture()
        let docket = fixture.docket
        let meeting = "BVPB-2016-10-19"
        func add(_ reference: String, _ kind: DocumentKind) throws {
            try docket.addDocument(
                to: reference, content: Array("\(kind) \(reference)".utf8),
                description: DocumentDescription(
                    kind: kind, title: kind.rawValue, originalFileName: "\(kind.rawValue).txt"),
                as: "olivia")
        }
        let steps: [(String, (String) throws -> Void)] = [
            ("drafting", { _ in }),
            (
                "awaiting-sign-off",
                { reference in
                    try add(reference, .submission)
                    try add(reference, .coverLetter)
                    try docket.fire("submit-for-sign-off", on: reference, as: "olivia")
                }
            ),
            ("signed-off", { try docket.fire("sign-off", on: $0, as: "morgan") }),
            (
                "dispatched",
                { try docket.fire("dispatch", on: $0, as: "olivia", fields: ["dispatched-on": "2016-09-20"]) }
            ),
            (
                "response-received",
                { reference in
                    try add(reference, .response)
                    try docket.fire(
                        "record-response", on: reference, as: "olivia", fields: ["received-on": "2016-10-07"])
                }
            ),
            (
                "scheduled-for-board",
                { try docket.fire("schedule-for-board", on: $0, as: "clara", fields: ["meeting": meeting]) }
            ),
        ]
        var submissions: [(state: String, reference: String)] = []
        for index in steps.indices {
            let reference = try docket.newSubmission(
                workflow: "best-value-submission", title: "Matrix \(index)", as: "olivia")
            for step in steps[...index] { try step.1(reference) }
            #expect(try docket.submission(reference).state == steps[index].0)
            submissions.append((steps[index].0, reference))
        }
        let definition = try docket.workflow(named: "best-value-submission").definition
        let fields = [
            ("field.dispatched-on", "2016-09-20"), ("field.received-on", "2016-10-07"), ("field.meeting", meeting),
            ("field.outcome", "Noted"), ("comment", "matrix"),
        ]
        let users = DemoArchive.users
        let cases = submissions
        let checked = try await fixture.test { client in
            var checked = 0
            for user in users {
                let browser = try await Browser.signIn(user.name, client: client)
                for (state, reference) in cases {
                    let transitions = definition.state(state)?.transitions ?? []
                    for event in definition.eventNames {
                        let transition = transitions.first { $0.event == event }
                        if let transition, transition.roles.contains(user.role) { continue }  // would be allowed
                        let before = try docket.submission(reference).sequence
                        let response = try await browser.post(
                            "/submissions/\(reference)/events", [("event", event)] + fields, client: client)
                        let expected: HTTPResponse.Status = transition == nil ? .unprocessableContent : .forbidden
                        #expect(response.status == expected, "\(user.name) \(event) in \(state): \(response.status)")
                        #expect(
                            try docket.submission(reference).sequence == before, "\(user.name) \(event) in \(state)")
                        checked += 1
                    }
                }
            }
            return checked
        }
        #expect(checked > 200)
    }

    @Test func aTitleWithMarkupIsShownAsText() async throws {
        let fixture = try await WebFixture()
        let reference = try fixture.docket.newSubmission(
            workflow: "best-value-submission", title: "<script>alert('x')</script> & \"quotes\"", as: "olivia")
        try await fixture.test { client in
            let olivia = try await Browser.signIn("olivia", client: client)
            let html = String(buffer: try await olivia.get("/submissions/\(reference)", client: client).body)
            #expect(!html.contains("<script>"))
            #expect(html.contains("&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; &quot;quotes&quot;"))
            let list = String(buffer: try await olivia.get("/submissions", client: client).body)
            #expect(!list.contains("<script>"))
        }
    }

    @Test func downloadPathsCannotClimbOutOfTheArchive() async throws {
        let fixture = try await WebFixture()
        try await fixture.test { client in
            let olivia = try await Browser.signIn("olivia", client: client)
            for uri in [
                "/submissions/BVP-2016-02/documents/..%2F..%2F..%2Farchive.xml",
                "/submissions/BVP-2016-02/documents/%2E%2E%2Fsubmission.xml",
                "/submissions/..%2F..%2Fusers/documents/ada.xml",
                "/submissions/BVP-2016-02/documents/" + String(repeating: "0", count: 64),
                "/workflows/..%2F..%2Farchive/picture.svg",
            ] {
                let response = try await olivia.get(uri, client: client)
                #expect(response.status == .notFound || response.status == .badRequest, "\(uri): \(response.status)")
                #expect(!String(buffer: response.body).contains("<archive"), "\(uri) leaked a file")
            }
        }
    }

    @Test func anUploadOverTheLimitIsRefusedBeforeItReachesTheArchive() async throws {
        let fixture = try await WebFixture(configuration: WebConfiguration(uploadLimit: 4096))
        let reference = try fixture.docket.newSubmission(
            workflow: "best-value-submission", title: "Upload", as: "olivia")
        try await fixture.test { client in
            let olivia = try await Browser.signIn("olivia", client: client)
            func upload(_ bytes: Int) async throws -> TestResponse {
                let boundary = "docketboundary"
                var body =
                    "--\(boundary)\r\nContent-Disposition: form-data; name=\"csrf\"\r\n\r\n\(olivia.csrf ?? "")\r\n"
                body += "--\(boundary)\r\nContent-Disposition: form-data; name=\"kind\"\r\n\r\nsubmission\r\n"
                body += "--\(boundary)\r\nContent-Disposition: form-data; name=\"file\"; filename=\"big.txt\"\r\n"
                body +=
                    "Content-Type: text/plain\r\n\r\n" + String(repeating: "x", count: bytes)
                    + "\r\n--\(boundary)--\r\n"
                var headers = olivia.cookieHeader
                headers[.contentType] = "multipart/form-data; boundary=\(boundary)"
                return try await client.execute(
                    uri: "/submissions/\(reference)/documents", method: .post, headers: headers,
                    body: ByteBuffer(string: body))
            }
            #expect(try await upload(100_000).status == .contentTooLarge)
            #expect(try fixture.docket.submission(reference).documents.isEmpty)
            // Nothing of it on disk: no stored file, no temporary left behind.
            let documents = "\(fixture.path)/submissions/\(reference)/documents"
            let stored = (try? FileManager.default.contentsOfDirectory(atPath: documents)) ?? []
            #expect(stored.isEmpty, "\(stored)")
            #expect(try await upload(1000).status == .seeOther)
            #expect(try fixture.docket.submission(reference).documents.count == 1)
        }
    }

    @Test func stateChangesThroughTheAPINeedACurrentETag() async throws {
        let fixture = try await WebFixture()
        let reference = try fixture.docket.newSubmission(workflow: "best-value-submission", title: "ETag", as: "olivia")
        let token = try fixture.docket.createToken(for: "olivia", label: "test").token
        try await fixture.test { client in
            let auth: HTTPFields = [.authorization: "Bearer \(token)"]
            let read = try await client.execute(uri: "/api/submissions/\(reference)", method: .get, headers: auth)
            #expect(read.status == .ok)
            let etag = try #require(read.headers[.eTag])
            let body = ByteBuffer(string: #"{"event": "withdraw", "comment": "no longer needed"}"#)
            var headers = auth
            headers[.contentType] = "application/json"
            let missing = try await client.execute(
                uri: "/api/submissions/\(reference)/events", method: .post, headers: headers, body: body)
            #expect(missing.status == .preconditionRequired)
            #expect(String(buffer: missing.body).contains("\"code\":\"precondition-required\""))
            var stale = headers
            stale[.ifMatch] = "\"\(reference)-99\""
            #expect(
                try await client.execute(
                    uri: "/api/submissions/\(reference)/events", method: .post, headers: stale, body: body
                ).status == .preconditionFailed)
            #expect(try fixture.docket.submission(reference).state == "drafting")
            var current = headers
            current[.ifMatch] = etag
            let fired = try await client.execute(
                uri: "/api/submissions/\(reference)/events", method: .post, headers: current, body: body)
            #expect(fired.status == .created)
            #expect(fired.headers[.eTag] != etag)
            // The same ETag again is now stale.
            #expect(
                try await client.execute(
                    uri: "/api/submissions/\(reference)/events", method: .post, headers: current, body: body
                ).status == .preconditionFailed)
        }
        #expect(try fixture.docket.submission(reference).state == "withdrawn")
    }

    @Test func openRedirectsAreNotFollowed() {
        #expect(DocketWebApp.safeNext("https://evil.example/") == "/")
        #expect(DocketWebApp.safeNext("//evil.example/") == "/")
        #expect(DocketWebApp.safeNext("/\\evil.example") == "/")
        #expect(DocketWebApp.safeNext("/submissions/BVP-2016-02") == "/submissions/BVP-2016-02")
    }
}
