import DocketServer
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Testing

/// The API's routes as mounted under `/api`: each path answers its own method, and any other
/// method with 405 and the Allow header the method table gives (not 404).
@Suite struct APIControllerTests {
    static let paths: [(path: String, allowed: HTTPRequest.Method)] = [
        ("/api/openapi.json", .get),
        ("/api/submissions", .get),
        ("/api/submissions/BVP-2016-02", .get),
        ("/api/submissions/BVP-2016-02/events", .post),
        ("/api/submissions/BVP-2016-02/documents", .post),
        ("/api/search", .get),
        ("/api/meetings", .get),
        ("/api/decisions", .get),
    ]

    @Test func everyPathAnswersItsMethodAndRefusesOthersWithAllow() async throws {
        let fixture = try await WebFixture()
        try await fixture.test { client in
            for (path, allowed) in Self.paths {
                let answered = try await client.execute(uri: path, method: allowed)
                // Reached its handler: the OpenAPI document is public, the rest need a user.
                #expect(answered.status == (path == "/api/openapi.json" ? .ok : .unauthorized), "\(allowed) \(path)")
                for method in [HTTPRequest.Method.get, .post, .put, .delete] where method != allowed {
                    let refused = try await client.execute(uri: path, method: method)
                    #expect(refused.status == .methodNotAllowed, "\(method) \(path)")
                    #expect(refused.headers[.allow] == allowed.rawValue, "\(method) \(path)")
                    #expect(String(buffer: refused.body).contains("\"code\":\"method-not-allowed\""))
                }
            }
            let missing = try await client.execute(uri: "/api/nothing-here", method: .get)
            #expect(missing.status == .notFound)
        }
    }
}
