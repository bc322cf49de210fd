import DocketKit
import DocketServer
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Testing

/// Line breaks as browsers send them (CRLF) keep their meaning: two paragraphs typed in a
/// report section stay two numbered paragraphs.
@Suite struct LineEndingTests {
    @Test func crlfAndLoneCRBecomeLF() {
        #expect(LineEndings.normalised("one\r\n\r\ntwo") == "one\n\ntwo")
        #expect(LineEndings.normalised("one\r\rtwo\r") == "one\n\ntwo\n")
        #expect(LineEndings.normalised("a\r\nb\nc\rd") == "a\nb\nc\nd")
        #expect(LineEndings.normalised("no breaks") == "no breaks")
        #expect(LineEndings.normalised("é\r\n✓") == "é\n✓")
    }

    @Test func twoParagraphsTypedInABrowserStayTwoParagraphs() async throws {
        let fixture = try await WebFixture()
        let reference = "BVP-2016-02"
        try await fixture.test { client in
            let olivia = try await Browser.signIn("olivia", client: client)
            // What a browser posts for a textarea holding two paragraphs.
            let text = "The first paragraph of the background.\r\n\r\nThe second paragraph of the background."
            let saved = try await olivia.post(
                "/submissions/\(reference)/report", [("section", "background"), ("text", text)], client: client)
            #expect(saved.status == .seeOther)
            let stored = try fixture.docket.reportSections(reference).first { $0.section == .background }?.text
            #expect(stored == "The first paragraph of the background.\n\nThe second paragraph of the background.")
            let report = String(
                buffer: try await olivia.get("/submissions/\(reference)/report.html", client: client).body)
            let first = try #require(report.range(of: "3.1</span> The first paragraph"), "\(report)")
            let second = try #require(report.range(of: "3.2</span> The second paragraph"), "\(report)")
            #expect(first.upperBound < second.lowerBound)
        }
    }
}
