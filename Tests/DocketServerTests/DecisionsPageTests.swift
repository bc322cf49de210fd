import DocketKit
import DocketServer
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Testing
import Workflow

/// The decisions register in the browser and the API, over real HTTP on loopback: a viewer
/// never sees the exempt item's decision, a cleared reader does and their view is recorded;
/// the API pages, tags and answers 304.
@Suite(.serialized) struct DecisionsPageTests {
    static let meeting = "BVPB-2016-10-19"
    static let secret = "The Board noted the confidential settlement."

    /// The demo with item 4 (BVP-2016-02) exempt and decided, and item 1 decided.
    static func decided() async throws -> WebFixture {
        let fixture = try await WebFixture()
        let docket = fixture.docket
        try docket.setExempt(meeting, reference: "BVP-2016-02", paragraph: 3, as: "clara")
        try docket.recordDecision(
            meeting: meeting, item: "4", type: .noted, resolution: secret,
            actions: [ActionRequest(text: "Brief the auditors", owner: "olivia", due: "2016-11-30")], as: "clara")
        try docket.recordDecision(
            meeting: meeting, item: "1", type: .noted, resolution: "Apologies were noted.", as: "clara")
        return fixture
    }

    @Test func theRegisterPageShowsAViewerOnlyWhatIsPublicAndRecordsAClearedView() async throws {
        let fixture = try await Self.decided()
        try await fixture.test { client in
            let victor = try await Browser.signIn("victor", client: client)
            let page = try await victor.get("/decisions", client: client)
            #expect(page.status == .ok)
            let html = String(buffer: page.body)
            #expect(html.contains(#"<a href="/decisions">Decisions</a>"#), "in the navigation")
            #expect(html.contains("Apologies were noted."))
            #expect(!html.contains("confidential settlement") && !html.contains("BVP-2016-02"))
            #expect(html.contains(#"href="/decisions/\#(Self.meeting)/1/notice.docx""#))
            #expect(html.contains(#"<p role="status" id="decision-count">1 decision(s)</p>"#))
            // Asked for directly, the exempt decision's notice is refused.
            #expect(
                try await victor.get("/decisions/\(Self.meeting)/4/notice.html", client: client).status == .forbidden)
            let notice = try await victor.get("/decisions/\(Self.meeting)/1/notice.html", client: client)
            #expect(notice.status == .ok)
            #expect(String(buffer: notice.body).contains("may be implemented after"))
            let meetingPage = String(buffer: try await victor.get("/meetings/\(Self.meeting)", client: client).body)
            #expect(meetingPage.contains(#"href="/decisions?meeting=\#(Self.meeting)""#))

            let olivia = try await Browser.signIn("olivia", client: client)
            let cleared = String(buffer: try await olivia.get("/decisions?board=BVPB", client: client).body)
            #expect(cleared.contains("confidential settlement") && cleared.contains("Exempt item: not for publication"))
            #expect(cleared.contains("Brief the auditors"))
            let word = try await olivia.get("/decisions/\(Self.meeting)/4/notice.docx", client: client)
            #expect(word.status == .ok)
            #expect(
                word.headers[.contentType] == "application/vnd.openxmlformats-officedocument.wordprocessingml.document")
            #expect(Array(buffer: word.body).starts(with: [0x50, 0x4B, 0x03, 0x04]))
            // A bad filter is named.
            let bad = try await olivia.get("/decisions?since=2016-02-30", client: client)
            #expect(bad.status == .badRequest && String(buffer: bad.body).contains("2016-02-30"))
        }
        let views = try fixture.docket.accessLog(user: "olivia").filter { $0.event.item == "BVP-2016-02" }
        #expect(views.count == 2, "the listing and the notice")
        // (The peer address each view carries is checked on a live server by AccessMatrixTests.)
        #expect(views.allSatisfy { $0.event.outcome == .allowed })
        let refused = try fixture.docket.accessLog(user: "victor").filter { $0.event.action == .view }
        #expect(refused.map(\.event.outcome) == [.refused])
    }

    @Test func theAPIPagesTagsAndWithholds() async throws {
        let fixture = try await Self.decided()
        let victorToken = try fixture.docket.createToken(for: "victor", label: "register").token
        let oliviaToken = try fixture.docket.createToken(for: "olivia", label: "register").token
        struct Decision: Decodable {
            var meeting: String
            var item: Int
            var resolution: String
            var exempt: Bool
            var mayBeImplementedAfter: String
        }
        try await fixture.test { client in
            func get(_ uri: String, _ token: String, ifNoneMatch: String? = nil) async throws -> TestResponse {
                var headers: HTTPFields = [.authorization: "Bearer \(token)"]
                if let ifNoneMatch { headers[.ifNoneMatch] = ifNoneMatch }
                return try await client.execute(uri: uri, method: .get, headers: headers)
            }
            func decisions(_ response: TestResponse) throws -> [Decision] {
                try JSONDecoder().decode([Decision].self, from: Data(buffer: response.body))
            }
            let victors = try await get("/api/decisions", victorToken)
            #expect(victors.status == .ok)
            #expect(try decisions(victors).map(\.item) == [1])
            let olivias = try await get("/api/decisions", oliviaToken)
            #expect(try decisions(olivias).map(\.item) == [4, 1])
            #expect(try decisions(olivias).first?.exempt == true)
            let victorTag = try #require(victors.headers[.eTag])
            let oliviaTag = try #require(olivias.headers[.eTag])
            #expect(victorTag != oliviaTag, "different readers, different answers")

            // Unchanged: 304 with the tag and no body; any other tag, the answer again.
            let unchanged = try await get("/api/decisions", victorToken, ifNoneMatch: victorTag)
            #expect(unchanged.status == .notModified && unchanged.headers[.eTag] == victorTag)
            #expect(unchanged.body.readableBytes == 0)
            #expect(try await get("/api/decisions", victorToken, ifNoneMatch: "\"stale\"").status == .ok)
            #expect(try await get("/api/decisions", victorToken, ifNoneMatch: "W/\(victorTag)").status == .notModified)

            // Paging: one at a time, a Link to the next page, the same decisions in the same order.
            let first = try await get("/api/decisions?limit=1", oliviaToken)
            #expect(try decisions(first).map(\.item) == [4])
            let next = try #require(first.headers[HTTPField.Name("Link")!])
            #expect(next == "</api/decisions?limit=1&offset=1>; rel=\"next\"")
            let second = try await get("/api/decisions?limit=1&offset=1", oliviaToken)
            #expect(try decisions(second).map(\.item) == [1])
            #expect(second.headers[HTTPField.Name("Link")!] == nil)
            for bad in ["limit=0", "limit=501", "offset=-1", "since=yesterday"] {
                #expect(try await get("/api/decisions?\(bad)", oliviaToken).status == .badRequest, "\(bad)")
            }
            #expect(try await get("/api/decisions?board=Planning", oliviaToken).status == .notFound)
            #expect(try await get("/api/decisions?since=2016-10-20", oliviaToken).body.readableBytes == 2, "[]")

            // A new decision changes the answer and its tag.
            try fixture.docket.recordDecision(
                meeting: Self.meeting, item: "2", type: .noted, resolution: "No interests were declared.",
                as: "clara")
            let changed = try await get("/api/decisions", victorToken, ifNoneMatch: victorTag)
            #expect(changed.status == .ok)
            #expect(try decisions(changed).map(\.item) == [2, 1])
        }
    }

    @Test func everyRoleGetsTheExemptDecisionOnlyWhereCleared() async throws {
        let fixture = try await Self.decided()
        let cleared = ["olivia", "morgan", "clara", "ada"]
        let tokens = try Dictionary(
            uniqueKeysWithValues: (cleared + ["victor"]).map {
                ($0, try fixture.docket.createToken(for: $0, label: "register").token)
            })
        try await fixture.test { client in
            for user in cleared + ["victor"] {
                let isCleared = user != "victor"
                let browser = try await Browser.signIn(user, client: client)
                let page = String(buffer: try await browser.get("/decisions", client: client).body)
                let api = try await client.execute(
                    uri: "/api/decisions", method: .get, headers: [.authorization: "Bearer \(tokens[user]!)"])
                for (route, body) in [("/decisions", page), ("/api/decisions", String(buffer: api.body))] {
                    #expect(body.contains("confidential settlement") == isCleared, "\(user) \(route)")
                    #expect(body.contains("Brief the auditors") == isCleared, "\(user) \(route): its actions")
                }
                for format in ["html", "docx"] {
                    let notice = try await browser.get("/decisions/\(Self.meeting)/4/notice.\(format)", client: client)
                    #expect(notice.status == (isCleared ? .ok : .forbidden), "\(user) notice.\(format)")
                }
            }
        }
        // Per cleared user: the page, the API and the two notices, each a view allowed; the
        // viewer: the two notices refused, and nothing for lists that left the decision out.
        for user in cleared + ["victor"] {
            let views = try fixture.docket.accessLog(user: user).filter { $0.event.action == .view }
            #expect(views.allSatisfy { $0.event.item == "BVP-2016-02" }, "\(user)")
            #expect(
                views.map(\.event.outcome)
                    == (user == "victor" ? [.refused, .refused] : Array(repeating: .allowed, count: 4)),
                "\(user)")
        }
    }
}
