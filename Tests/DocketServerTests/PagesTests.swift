import Foundation
import Testing

@testable import DocketServer

/// Page models as Mustache sees them.
@Suite struct PagesTests {
    struct Row: Sendable {
        var title: String
        var note: String?
    }
    struct Model: Sendable {
        var title: String
        var rows: [Row]
        var when: Date
        var count: Int
        var shown: Bool
    }

    @Test func modelsBecomeDictionariesWithNilLeftOutAndSelfDescribingValuesKept() throws {
        let when = Date(timeIntervalSince1970: 1_476_900_000)
        let model = Model(
            title: "Agenda", rows: [Row(title: "one", note: nil), Row(title: "two", note: "late")], when: when,
            count: 2, shown: true)
        let tree = try #require(Pages.tree(model) as? [String: Any])
        #expect(tree["title"] as? String == "Agenda")
        #expect(tree["count"] as? Int == 2)
        #expect(tree["shown"] as? Bool == true)
        #expect(tree["when"] as? Date == when)  // printed by Mustache, not taken apart
        let rows = try #require(tree["rows"] as? [Any])
        let first = try #require(rows.first as? [String: Any])
        #expect(first["title"] as? String == "one")
        #expect(first.keys.sorted() == ["title"])  // nil left out: Mustache looks further out
        #expect((rows.last as? [String: Any])?["note"] as? String == "late")
    }
}
