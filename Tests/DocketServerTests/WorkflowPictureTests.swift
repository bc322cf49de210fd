import DocketKit
import DocketServer
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Testing

/// The workflow picture as a browser receives it: under the Content-Security-Policy every
/// answer carries, which blocks inline `<style>` — so the picture must not depend on one.
@Suite struct WorkflowPictureTests {
    @Test func thePictureIsDrawnWithoutStylesThePolicyBlocks() async throws {
        let fixture = try await WebFixture()
        let states = try fixture.docket.workflow(named: "best-value-submission").definition.states
        try await fixture.test { client in
            let olivia = try await Browser.signIn("olivia", client: client)
            let response = try await olivia.get(
                "/workflows/best-value-submission/picture.svg?state=awaiting-sign-off", client: client)
            #expect(response.status == .ok)
            let policy = try #require(response.headers[HTTPField.Name("Content-Security-Policy")!])
            #expect(policy.contains("style-src 'self'"))
            let svg = String(buffer: response.body)
            // What the policy blocks: a <style> element and style attributes.
            #expect(!svg.contains("<style"), "an inline <style> is blocked by style-src 'self'")
            #expect(!svg.contains(" style="), "a style attribute is blocked by style-src 'self'")
            #expect(!svg.contains(" class="), "classes would need a stylesheet the picture does not load")
            // Every state is named by its label, in a colour that differs from its box's fill.
            #expect(svg.contains(">Submit for the Mayor’s sign-off</text>"), "arrows carry the events' labels")
            #expect(!svg.contains(">submit-for-sign-off</text>"))
            for state in states {
                let label = state.label + (state.id == "awaiting-sign-off" ? " (now)" : "")
                let text = try #require(svg.range(of: ">\(label)</text>"), "no label for \(state.id)")
                let before = svg[..<text.lowerBound]
                let textTag = try #require(before.range(of: "<text", options: .backwards))
                let rectTag = try #require(before.range(of: "<rect", options: .backwards))
                let textFill = Self.attribute("fill", in: svg[textTag.lowerBound..<text.lowerBound])
                let boxFill = Self.attribute("fill", in: svg[rectTag.lowerBound..<textTag.lowerBound])
                #expect(
                    textFill != nil && boxFill != nil && textFill != boxFill,
                    "\(state.id): \(textFill ?? "-") on \(boxFill ?? "-")")
            }
        }
    }

    static func attribute(_ name: String, in tag: Substring) -> String? {
        guard let start = tag.range(of: " \(name)=\"") else { return nil }
        return String(tag[start.upperBound...].prefix { $0 != "\"" })
    }
}
