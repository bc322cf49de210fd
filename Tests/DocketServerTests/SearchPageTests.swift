import DocketKit
import DocketServer
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Index
import Testing

/// The search page as a new user meets it: a result opens inside the app, the state is a
/// choice, and dates are not confused with people.
@Suite struct SearchPageTests {
    @Test func resultsOpenInTheAppAndTheStateIsAChoice() async throws {
        let fixture = try await WebFixture()
        try await fixture.test { client in
            let olivia = try await Browser.signIn("olivia", client: client)
            let html = String(
                buffer: try await olivia.get("/search?q=commissioners&state=considered", client: client).body)
            // A hit's title opens the document's page in the app, not the raw file.
            let hit = try #require(html.range(of: #"<ol class="hits""#), "no results: \(html.prefix(2000))")
            let links = html[hit.lowerBound...].components(separatedBy: "href=\"").dropFirst()
                .map { String($0.prefix { $0 != "\"" }) }.filter { $0.contains("/documents/") }
            #expect(!links.isEmpty)
            // It says how many documents match: as many as the library finds.
            let found = try fixture.docket.search(
                SearchRequest(query: try SearchQuery("commissioners"), state: "considered", limit: 100)
            ).hits.count
            #expect(html.contains(found == 1 ? "1 document matches." : "\(found) documents match."), "\(found)")
            #expect(links.allSatisfy { $0.hasSuffix("/preview") }, "\(links)")
            // The state is chosen from the workflows' states, the one asked for selected.
            #expect(html.contains(#"<select id="state" name="state">"#))
            // A person reads each state's label; the form sends its id.
            for (state, label) in [
                ("drafting", "Being drafted"), ("awaiting-sign-off", "Awaiting the Mayor’s sign-off"),
                ("withdrawn", "Withdrawn before dispatch"),
            ] {
                #expect(html.contains(#"<option value="\#(state)">\#(label)</option>"#), "\(state) is not offered")
            }
            #expect(html.contains(#"<option value="considered" selected>Considered by the Board</option>"#))
            // Dates on the search form, people on the upload form: named apart.
            #expect(html.contains(#"<label for="from">Dated from</label>"#))
            #expect(html.contains(#"<label for="to">Dated to</label>"#))
            let reference = try fixture.docket.newSubmission(
                workflow: "best-value-submission", title: "Labels", as: "olivia")
            let page = String(buffer: try await olivia.get("/submissions/\(reference)", client: client).body)
            #expect(page.contains(#"<label for="upload-from">Sender</label>"#))
            #expect(page.contains(#"<label for="upload-to">Addressee</label>"#))
        }
    }
}
