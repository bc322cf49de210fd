import DocketKit
import DocketServer
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Testing

/// A Board report or agenda in HTML opens in the browser (to read and print) with its own
/// styles allowed and nothing able to run; the Word version downloads.
@Suite struct ReportDisplayTests {
    @Test func htmlOpensInTheBrowserAndWordDownloads() async throws {
        let fixture = try await WebFixture()
        try await fixture.test { client in
            let victor = try await Browser.signIn("victor", client: client)
            for uri in ["/submissions/BVP-2016-02/report", "/meetings/BVPB-2016-10-19/agenda"] {
                let html = try await victor.get("\(uri).html", client: client)
                #expect(html.status == .ok)
                #expect(html.headers[.contentDisposition]?.hasPrefix("inline;") == true, "\(uri)")
                let policy = try #require(html.headers[HTTPField.Name("Content-Security-Policy")!])
                #expect(policy.contains("style-src 'unsafe-inline'") && policy.contains("default-src 'none'"))
                #expect(!policy.contains("script-src"), "no script source is allowed: \(policy)")
                #expect(String(buffer: html.body).contains("<style>"))
                let word = try await victor.get("\(uri).docx", client: client)
                #expect(word.headers[.contentDisposition]?.hasPrefix("attachment;") == true, "\(uri)")
            }
        }
    }
}
