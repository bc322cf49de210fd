import DocketKit
import DocketServer
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Mail
import Testing

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

/// `/healthz` and `/metrics` on a real server on loopback, over a real demo archive.
@Suite struct OperationsTests {
    static let metricsToken = "metrics-token-for-the-tests-0123"

    /// A fixture whose app records metrics into a registry of its own (no process-wide bootstrap).
    static func measured(
        clock: @escaping @Sendable () -> Date = { Date() }, beforeOpening: (String) throws -> Void = { _ in }
    ) async throws -> WebFixture {
        var configuration = WebConfiguration()
        configuration.metrics = ServerMetrics()
        configuration.metricsToken = metricsToken
        return try await WebFixture(configuration: configuration, clock: clock, beforeOpening: beforeOpening)
    }

    /// A request to the live server through URLSession, allowed two minutes: HummingbirdTesting's
    /// own client gives up after 20 s without a byte, which the whole suite's load on two cores
    /// has exceeded (the test's own steps block one of the two cooperative threads meanwhile).
    static func send(
        _ path: String, method: String = "GET", to client: any TestClientProtocol, headers: [String: String] = [:],
        body: String? = nil
    ) async throws -> (Int, [AnyHashable: Any], Data) {
        let port = try #require(client.port)
        var request = URLRequest(url: URL(string: "http://127.0.0.1:\(port)\(path)")!, timeoutInterval: 120)
        request.httpMethod = method
        for (name, value) in headers { request.setValue(value, forHTTPHeaderField: name) }
        request.httpBody = body.map { Data($0.utf8) }
        let (data, response) = try await URLSession.shared.data(for: request)
        let http = try #require(response as? HTTPURLResponse)
        return (http.statusCode, http.allHeaderFields, data)
    }

    /// A GET to the live server (see `send`), with a bearer token when given.
    static func get(_ path: String, from client: any TestClientProtocol, token: String? = nil) async throws -> (
        Int, [AnyHashable: Any], Data
    ) {
        try await send(path, to: client, headers: token.map { ["Authorization": "Bearer \($0)"] } ?? [:])
    }

    static func health(_ client: any TestClientProtocol) async throws -> (HTTPResponse.Status, [String: String], String)
    {
        let (status, headers, data) = try await get("/healthz", from: client)
        #expect(headers["Content-Type"] as? String == "application/json")
        let body = try JSONSerialization.jsonObject(with: data) as? [String: Any]
        return (
            HTTPResponse.Status(code: status), body?["checks"] as? [String: String] ?? [:],
            body?["status"] as? String ?? ""
        )
    }

    @Test func healthzAnswersWithoutSignInWhenTheArchiveAndIndexServe() async throws {
        let fixture = try await WebFixture()
        try await fixture.test(live: true) { client in
            let (status, checks, summary) = try await Self.health(client)
            #expect(status == .ok)
            #expect(checks == ["archive": "ok", "index": "ok"])
            #expect(summary == "ok")
        }
    }

    /// The index file replaced by a directory: SQLite cannot open it, and (unlike a damaged
    /// file) Docket cannot remove it to build a new one. Removed, the index comes back.
    @Test func healthzIs503WhileTheIndexCannotBeOpened() async throws {
        let fixture = try await WebFixture(beforeOpening: { path in
            for suffix in ["", "-wal", "-shm"] { unlink("\(path)/index.sqlite\(suffix)") }
            try FileManager.default.createDirectory(atPath: "\(path)/index.sqlite", withIntermediateDirectories: false)
            try Data("in the way\n".utf8).write(to: URL(fileURLWithPath: "\(path)/index.sqlite/in-the-way"))
        })
        try await fixture.test(live: true) { client in
            let (status, checks, summary) = try await Self.health(client)
            #expect(status == .serviceUnavailable)
            #expect(checks == ["archive": "ok", "index": "failing"])
            #expect(summary == "unavailable")
            try FileManager.default.removeItem(atPath: "\(fixture.path)/index.sqlite")
            let (healed, healedChecks, _) = try await Self.health(client)
            #expect(healed == .ok)
            #expect(healedChecks == ["archive": "ok", "index": "ok"])
        }
    }

    @Test func healthzIs503WhileArchiveXMLIsGoneOrDamaged() async throws {
        let fixture = try await WebFixture()
        let marker = "\(fixture.path)/archive.xml"
        let kept = try Data(contentsOf: URL(fileURLWithPath: marker))
        try await fixture.test(live: true) { client in
            try FileManager.default.removeItem(atPath: marker)
            let (gone, goneChecks, _) = try await Self.health(client)
            #expect(gone == .serviceUnavailable)
            #expect(goneChecks["archive"] == "failing")
            try Data("<archive>not what the schema says</archive>".utf8).write(to: URL(fileURLWithPath: marker))
            let (damaged, damagedChecks, _) = try await Self.health(client)
            #expect(damaged == .serviceUnavailable)
            #expect(damagedChecks["archive"] == "failing")
            try kept.write(to: URL(fileURLWithPath: marker))
            #expect(try await Self.health(client).0 == .ok)
        }
    }

    /// The metrics text, read with the token.
    static func scrape(_ client: any TestClientProtocol) async throws -> String {
        let (status, headers, data) = try await get("/metrics", from: client, token: metricsToken)
        #expect(status == 200)
        #expect((headers["Content-Type"] as? String)?.hasPrefix("text/plain; version=0.0.4") == true)
        return String(decoding: data, as: UTF8.self)
    }

    /// The value of the sample `name` whose labels include `labels` (0 when there is none).
    static func value(_ text: String, _ name: String, _ labels: [String: String] = [:]) -> Double {
        for line in text.split(separator: "\n") where !line.hasPrefix("#") {
            guard let space = line.lastIndex(of: " ") else { continue }
            let series = line[..<space]
            guard series == name || series.hasPrefix("\(name){") else { continue }
            guard labels.allSatisfy({ series.contains("\($0.key)=\"\($0.value)\"") }) else { continue }
            return Double(line[line.index(after: space)...]) ?? .nan
        }
        return 0
    }

    @Test func metricsCountExactlyWhatWasDoneByRoutePatternNeverById() async throws {
        let fixture = try await Self.measured()
        let token = try fixture.docket.createToken(for: "morgan", label: "metrics test").token
        try await fixture.test(live: true) { client in
            // Without the token, or with another (an API token), nothing is read.
            #expect(try await Self.get("/metrics", from: client).0 == 401)
            #expect(try await Self.get("/metrics", from: client, token: token).0 == 401)

            let before = try await Self.scrape(client)
            // Through the library: two documents added and one event fired...
            let reference = try SubmissionSteps.awaitingSignOff(fixture.docket, "Counted")
            // ...and one event through the API.
            let path = "/api/submissions/\(reference)"
            let (readStatus, readHeaders, _) = try await Self.get(path, from: client, token: token)
            #expect(readStatus == 200)
            let eTag = try #require(
                readHeaders.first { ($0.key as? String)?.lowercased() == "etag" }?.value as? String)
            let (firedStatus, _, _) = try await Self.send(
                "\(path)/events", method: "POST", to: client,
                headers: ["Authorization": "Bearer \(token)", "If-Match": eTag, "Content-Type": "application/json"],
                body: #"{"event":"sign-off"}"#)
            #expect(firedStatus == 201)
            #expect(try await Self.get("/no-such-page/\(reference)", from: client).0 == 404)
            let after = try await Self.scrape(client)

            func moved(_ name: String, _ labels: [String: String] = [:]) -> Double {
                Self.value(after, name, labels) - Self.value(before, name, labels)
            }
            #expect(moved("docket_documents_added_total") == 2, "\(after)")
            #expect(moved("docket_events_fired_total", ["event": "submit-for-sign-off"]) == 1)
            #expect(moved("docket_events_fired_total", ["event": "sign-off"]) == 1)
            let readLabels = ["route": "/api/submissions/{reference}", "method": "GET", "status": "200"]
            #expect(Self.value(after, "docket_http_requests_total", readLabels) == 1, "\(after)")
            #expect(
                Self.value(
                    after, "docket_http_requests_total",
                    ["route": "/api/submissions/{reference}/events", "method": "POST", "status": "201"]) == 1)
            #expect(Self.value(after, "docket_http_requests_total", ["route": "/metrics", "status": "401"]) == 2)
            #expect(Self.value(after, "docket_http_requests_total", ["route": "NotFound", "status": "404"]) == 1)
            // The histogram of the read holds that one request, in its +Inf bucket too.
            #expect(Self.value(after, "docket_http_request_duration_seconds_count", readLabels) == 1)
            #expect(
                Self.value(
                    after, "docket_http_request_duration_seconds_bucket", readLabels.merging(["le": "+Inf"]) { $1 })
                    == 1)
            #expect(after.contains("docket_search_queue_length 0"))
            // No series is named by a submission: the reference is nowhere in the text.
            #expect(!after.contains(reference))
        }
    }

    /// Each hand-over the notify pass makes is counted by what came of it.
    @Test func notificationsAreCountedByOutcome() async throws {
        let fixture = try await Self.measured(clock: { MailPagesTests.tuesday })
        try fixture.docket.changeMail(of: "morgan", email: "mayor@council.gov.uk")
        _ = try SubmissionSteps.awaitingSignOff(fixture.docket, "Refused mail")
        let refusing = try MailPagesTests.script("cat > /dev/null; echo 'mailbox unavailable' >&2; exit 1")
        let accepting = try MailPagesTests.script("cat > /dev/null")
        defer { for script in [refusing, accepting] { try? FileManager.default.removeItem(atPath: script) } }
        func setup(_ script: String) -> MailSetup {
            MailSetup(
                from: Mailbox(name: "Docket", address: "docket@council.gov.uk"), baseURL: "http://docket.test",
                transport: SendmailTransport(path: script, arguments: []))
        }
        var expected: [String: Int] = ["handed_over": 0, "failed": 0, "gave_up": 0]
        func count(_ report: NotifyReport) {
            expected["handed_over", default: 0] += report.handedOver.count
            for failure in report.failed { expected[failure.willRetry ? "failed" : "gave_up", default: 0] += 1 }
        }
        count(try fixture.docket.notify(at: MailPagesTests.tuesday, setup: setup(refusing)))
        var last = MailPagesTests.tuesday
        while let next = try fixture.docket.outboxMessages().compactMap(\.retryAfter).min() {
            last = next.addingTimeInterval(1)
            count(try fixture.docket.notify(at: last, setup: setup(refusing)))
        }
        _ = try SubmissionSteps.awaitingSignOff(fixture.docket, "Accepted mail")
        count(try fixture.docket.notify(at: last.addingTimeInterval(60), setup: setup(accepting)))
        #expect(expected.values.allSatisfy { $0 > 0 }, "\(expected)")
        let counted = expected
        try await fixture.test(live: true) { client in
            let text = try await Self.scrape(client)
            for (outcome, count) in counted {
                #expect(
                    Self.value(text, "docket_notifications_total", ["outcome": outcome]) == Double(count), "\(text)")
            }
        }
    }
}
