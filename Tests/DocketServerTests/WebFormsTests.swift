import DocketKit
import DocketServer
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Testing
import Workflow

/// Forms beyond the model case: defining a series.
@Suite(.serialized) struct WebFormsTests {
    static let housing: [(String, String)] = [
        ("id", "housing"), ("title", "Housing improvement plan updates"), ("cadence", "P3M"),
        ("first-due", "2017-01-31"), ("workflow", "best-value-submission"), ("service", "Housing"),
    ]

    @Test func seriesAreDefinedByThoseWhoseRoleAllowsIt() async throws {
        let fixture = try await WebFixture()
        try await fixture.test { client in
            let before = fixture.docket.seriesIDs()
            for name in ["morgan", "victor"] {
                let browser = try await Browser.signIn(name, client: client)
                #expect(!String(buffer: try await browser.get("/series", client: client).body).contains("New series"))
                #expect(try await browser.post("/series", Self.housing, client: client).status == .forbidden)
            }
            #expect(fixture.docket.seriesIDs() == before)

            let olivia = try await Browser.signIn("olivia", client: client)
            #expect(String(buffer: try await olivia.get("/series", client: client).body).contains("New series"))
            let created = try await olivia.post("/series", Self.housing, client: client)
            #expect(created.status == .seeOther)
            #expect(created.headers[.location] == "/series#housing")
            let series = try fixture.docket.series("housing")
            #expect(series.definition.cadence == "P3M")
            #expect(series.nextDue.date == CalendarDate(iso: "2017-01-31"))
            let page = String(buffer: try await olivia.get("/series", client: client).body)
            #expect(page.contains("housing: Housing improvement plan updates"))
        }
    }

    @Test func aSeriesThatCannotBeDefinedIsExplainedAndNothingIsWritten() async throws {
        let fixture = try await WebFixture()
        try await fixture.test { client in
            let olivia = try await Browser.signIn("olivia", client: client)
            let before = fixture.docket.seriesIDs()
            func with(_ name: String, _ value: String) -> [(String, String)] {
                Self.housing.map { $0.0 == name ? (name, value) : $0 }
            }
            let cases: [([(String, String)], String)] = [
                (with("cadence", "every so often"), "cadence"),
                (with("first-due", "31/01/2017"), "YYYY-MM-DD"),
                (with("id", "../escape"), "must be up to 32 letters"),
                (with("workflow", "no-such-workflow"), "no-such-workflow"),
                (with("id", before.first ?? "bvp"), "already exists"),
            ]
            for (fields, message) in cases {
                let response = try await olivia.post("/series", fields, client: client)
                #expect(response.status.code >= 400 && response.status.code < 500, "\(fields)")
                let text = String(buffer: response.body)
                #expect(text.contains(message), "\(fields): \(text.prefix(300))")
            }
            #expect(fixture.docket.seriesIDs() == before)
            #expect(!FileManager.default.fileExists(atPath: "\(fixture.path)/series/housing"))
        }
    }
}

extension WebFormsTests {
    @Test func theClerkMarksAnItemExemptAndOpensItAgain() async throws {
        let fixture = try await WebFixture()
        let meeting = "BVPB-2016-10-19"
        let reference = "BVP-2016-02"
        try await fixture.test { client in
            func item() throws -> AgendaItem? {
                try fixture.docket.meeting(meeting).items.first { $0.reference == reference }
            }
            let olivia = try await Browser.signIn("olivia", client: client)
            let refused = try await olivia.post(
                "/meetings/\(meeting)/exempt", [("reference", reference), ("paragraph", "3")], client: client)
            #expect(refused.status == .forbidden)
            #expect(try item()?.exemptParagraph == nil)

            let clara = try await Browser.signIn("clara", client: client)
            let page = String(buffer: try await clara.get("/meetings/\(meeting)", client: client).body)
            let log = try #require(Browser.value(of: "log", in: page))
            let marked = try await clara.post(
                "/meetings/\(meeting)/exempt", [("reference", reference), ("paragraph", "3"), ("log", log)],
                client: client)
            #expect(marked.status == .seeOther)
            #expect(try item()?.exemptParagraph == 3)
            // The same form again, from the page as it was before: the agenda changed since.
            let stale = try await clara.post(
                "/meetings/\(meeting)/exempt", [("reference", reference), ("paragraph", "open"), ("log", log)],
                client: client)
            #expect(stale.status == .preconditionFailed)
            #expect(try item()?.exemptParagraph == 3)
            let opened = try await clara.post(
                "/meetings/\(meeting)/exempt", [("reference", reference), ("paragraph", "open")], client: client)
            #expect(opened.status == .seeOther)
            #expect(try item()?.exemptParagraph == nil)
            for bad in ["8", "none", ""] {
                let response = try await clara.post(
                    "/meetings/\(meeting)/exempt", [("reference", reference), ("paragraph", bad)], client: client)
                #expect([.badRequest, .unprocessableContent].contains(response.status), "paragraph \(bad)")
            }
            #expect(try item()?.exemptParagraph == nil)
        }
    }
}

extension WebFormsTests {
    @Test func aDocumentIsReadAsEscapedTextInsideThePage() async throws {
        let fixture = try await WebFixture()
        let reference = "BVP-2016-02"
        let text = "<script>alert('preview')</script>\nDear Secretary of State,\nthe fourth update follows."
        try fixture.docket.addDocument(
            to: reference, content: Array(text.utf8),
            description: DocumentDescription(kind: .correspondence, title: "Letter", originalFileName: "letter.txt"),
            as: "olivia")
        let sha = try #require(
            try fixture.docket.submission(reference).documents.first { $0.originalFileName == "letter.txt" }?.sha256)
        try await fixture.test { client in
            let victor = try await Browser.signIn("victor", client: client)  // a viewer reads too
            let submission = String(buffer: try await victor.get("/submissions/\(reference)", client: client).body)
            #expect(submission.contains("/submissions/\(reference)/documents/\(sha)/preview"))
            let page = try await victor.get("/submissions/\(reference)/documents/\(sha)/preview", client: client)
            #expect(page.status == .ok)
            let html = String(buffer: page.body)
            #expect(html.contains("&lt;script&gt;alert("))
            #expect(!html.contains("<script>alert("))
            #expect(html.contains("Dear Secretary of State,"))
            #expect(html.contains(sha))
            // A DOCX report from the demo reads as its words.
            let report = try #require(
                try fixture.docket.submission(reference).documents.first {
                    $0.format == "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
                })
            let docx = String(
                buffer: try await victor.get(
                    "/submissions/\(reference)/documents/\(report.sha256)/preview", client: client
                ).body)
            #expect(docx.contains("Best Value"))
            for bad in ["../../etc/passwd", String(repeating: "0", count: 64), "%2e%2e%2fauth"] {
                let response = try await victor.get(
                    "/submissions/\(reference)/documents/\(bad)/preview", client: client)
                #expect([.notFound, .badRequest].contains(response.status), "\(bad)")
            }
        }
    }
}

extension WebFormsTests {
    @Test func reportSectionsAreWrittenByOfficersWithCheckedPlaceholders() async throws {
        let fixture = try await WebFixture()
        let reference = "BVP-2016-02"
        try await fixture.test { client in
            func finance() throws -> String? {
                try fixture.docket.reportSections(reference).first { $0.section == .finance }?.text
            }
            let before = try finance()
            let victor = try await Browser.signIn("victor", client: client)
            let readOnly = String(buffer: try await victor.get("/submissions/\(reference)/report", client: client).body)
            #expect(readOnly.contains("Finance") && !readOnly.contains("Save the finance section"))
            let refused = try await victor.post(
                "/submissions/\(reference)/report", [("section", "finance"), ("text", "No cost.")], client: client)
            #expect(refused.status == .forbidden)
            #expect(try finance() == before)

            let olivia = try await Browser.signIn("olivia", client: client)
            let page = String(buffer: try await olivia.get("/submissions/\(reference)/report", client: client).body)
            #expect(page.contains("Save the finance section") && page.contains("{ordinal}"))
            let text = "There are no financial implications of the {ordinal} update <b>itself</b>."
            let saved = try await olivia.post(
                "/submissions/\(reference)/report", [("section", "finance"), ("text", text)], client: client)
            #expect(saved.status == .seeOther)
            #expect(try finance() == text)
            let report = String(
                buffer: try await olivia.get("/submissions/\(reference)/report.html", client: client).body)
            #expect(report.contains("There are no financial implications of the third update"))
            #expect(report.contains("&lt;b&gt;itself&lt;/b&gt;"))

            for (fields, reason) in [
                ([("section", "finance"), ("text", "Costs {nonsense} apply.")], "nonsense"),
                ([("section", "finance"), ("text", "   ")], "must not be empty"),
                ([("section", "appendix"), ("text", "Text.")], "no report section &#39;appendix&#39;"),
            ] {
                let response = try await olivia.post("/submissions/\(reference)/report", fields, client: client)
                #expect(response.status.code >= 400 && response.status.code < 500, "\(fields)")
                #expect(String(buffer: response.body).contains(reason), "\(fields)")
            }
            #expect(try finance() == text)
        }
    }
}
