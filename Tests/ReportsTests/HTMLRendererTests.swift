import Foundation
import Reports
import TestSupport
import Testing
import XML

@Suite("HTMLRenderer: a standalone, accessible HTML5 page")
struct HTMLRendererTests {
    @Test("the visible text is the report's text, in reading order, with markup shown as text")
    func visibleText() throws {
        let html = try HTMLRenderer.render(BoardReport.document)
        let expected =
            [
                BoardReport.banner,
                BoardReport.title,
                BoardReport.header.joined(separator: "\t"),
                BoardReport.row.joined(separator: "\t"),
                "1 INTRODUCTION",
                "1.1 " + BoardReport.introduction,
                "2 RECOMMENDATIONS",
                BoardReport.recommendation,
                "3 BACKGROUND",
                "3.1 " + BoardReport.background,
            ] + BoardReport.themes + ["3.2 " + BoardReport.markup] + BoardReport.parts + [
                BoardReport.annex,
                BoardReport.annexText,
                BoardReport.notice,
            ]
        #expect(try HTMLText.text(of: html) == expected.joined(separator: "\n"))
    }

    @Test("document shell: doctype, lang, charset, title and style sheet")
    func shell() throws {
        let html = try HTMLRenderer.render(BoardReport.document, language: "en-GB")
        let text = try #require(String(bytes: html, encoding: .utf8))
        #expect(text.hasPrefix("<!DOCTYPE html>\n<html "))
        #expect(!text.contains("<?xml"))
        // Void elements self-closed, nothing else; one encoding declaration only.
        #expect(text.contains("<meta charset=\"utf-8\"/>"))
        #expect(!text.contains("http-equiv"))

        let page = try XPathPage(html)
        #expect(try page.string("/html/@lang") == "en-GB")
        #expect(try page.string("/html/head/title") == BoardReport.title)
        #expect(try page.string("count(/html/head/meta[@charset='utf-8'])") == "1")
        #expect(try page.string("/html/head/style").contains("size: A4"))
        #expect(try page.string("count(//h1)") == "1")
        #expect(try page.string("count(//h2)") == "3")
        #expect(try page.string("//h3") == BoardReport.annex)
    }

    @Test("structure: numbered spans, real lists, table header cells with scope, the notice as a note")
    func structure() throws {
        let page = try XPathPage(try HTMLRenderer.render(BoardReport.document))
        #expect(try page.strings("//span[@class='number']") == ["1", "1.1", "2", "3", "3.1", "3.2"])
        #expect(try page.string("//h2[1]/span[@class='number']") == "1")
        #expect(try page.strings("//ol/li") == [BoardReport.recommendation] + BoardReport.themes)
        #expect(try page.string("count(//ol)") == "2")
        #expect(try page.strings("//ul/li") == BoardReport.parts)
        #expect(try page.strings("//table/thead/tr/th[@scope='col']") == BoardReport.header)
        #expect(try page.string("count(//th)") == "4")
        #expect(try page.strings("//table/tbody/tr/td") == BoardReport.row)
        #expect(try page.string("//p[@class='notice'][@role='note']") == BoardReport.notice)
    }

    @Test("<script> in the title and text comes out as text, never as an element")
    func scriptIsText() throws {
        let title = "<script>alert(1)</script> & \u{201C}more\u{201D}"
        let document = RichDocument(
            title: title, blocks: [.paragraph(number: nil, text: "<script src=\"x.js\"></script>")])
        let html = try HTMLRenderer.render(document)
        let text = try #require(String(bytes: html, encoding: .utf8))
        #expect(!text.contains("<script"))
        #expect(text.contains("&lt;script&gt;alert(1)&lt;/script&gt; &amp; \u{201C}more\u{201D}"))

        let page = try XPathPage(html)
        #expect(try page.string("count(//script)") == "0")
        #expect(try page.string("/html/head/title") == title)
        #expect(try page.string("//h1") == title)
        #expect(try page.string("//main/p") == "<script src=\"x.js\"></script>")
    }

    @Test("the page is well-formed XML as well as HTML, and an empty cell keeps its end tag")
    func wellFormed() throws {
        let document = RichDocument(
            title: "Empty cells", blocks: [.table(header: ["A", "B"], rows: [["", "b"]]), .numberedList([])])
        let html = try HTMLRenderer.render(document)
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let path = try directory.write(html, to: "page.html")
        try ExternalTool.xmllint().runSucceeding(["--noout", path])
        let text = try #require(String(bytes: html, encoding: .utf8))
        #expect(text.contains("<td></td>"))
        // An HTML parser reads the empty cell as a cell, so "b" stays in the second column.
        let page = try XPathPage(html)
        #expect(try page.strings("//tbody/tr/td") == ["", "b"])
    }

    @Test("line breaks in text become <br>")
    func lineBreaks() throws {
        let html = try HTMLRenderer.render(
            RichDocument(title: "T", blocks: [.paragraph(number: "1.1", text: "first\nsecond")]))
        let page = try XPathPage(html)
        #expect(try page.string("count(//main/p/br)") == "1")
        #expect(try HTMLText.text(of: html) == "T\n1.1 first\nsecond")
    }

    @Test("documents and languages neither format can represent are refused")
    func refusals() throws {
        #expect(throws: ReportError.headingLevelOutOfRange(3)) {
            try HTMLRenderer.render(RichDocument(title: "T", blocks: [.heading(number: nil, text: "x", level: 3)]))
        }
        #expect(throws: ReportError.tableRowWidth(row: 2, cells: 1, columns: 2)) {
            try HTMLRenderer.render(
                RichDocument(title: "T", blocks: [.table(header: ["A", "B"], rows: [["a", "b"], ["c"]])]))
        }
        #expect(throws: ReportError.tableWithoutColumns) {
            try HTMLRenderer.render(RichDocument(title: "T", blocks: [.table(header: [], rows: [])]))
        }
        #expect(throws: ReportError.invalidLanguageTag("en GB")) {
            try HTMLRenderer.render(RichDocument(title: "T", blocks: []), language: "en GB")
        }
        #expect(throws: XMLError.self) {
            try HTMLRenderer.render(RichDocument(title: "T\u{0}", blocks: []))
        }
    }
}

/// An HTML page as `xmllint --html` (libxml2's HTML parser, as a browser-like reader) sees it,
/// queried with XPath. Its file is removed when the page is released.
final class XPathPage {
    let path: String
    private let directory: TemporaryDirectory
    private let xmllint: ExternalTool

    init(_ html: [UInt8]) throws {
        directory = try TemporaryDirectory()
        path = try directory.write(html, to: "page.html")
        xmllint = try ExternalTool.xmllint()
    }

    deinit {
        directory.remove()
    }

    /// The XPath string value of `expression` (xmllint ends it with a newline, which is dropped).
    func string(_ expression: String) throws -> String {
        var value = try xmllint.runSucceeding(["--html", "--xpath", "string(\(expression))", path]).standardOutput
        if value.hasSuffix("\n") { value.removeLast() }
        return value
    }

    /// The string value of each node `expression` selects, in document order.
    func strings(_ expression: String) throws -> [String] {
        let count = Int(try string("count(\(expression))")) ?? -1
        guard count > 0 else { return [] }
        return try (1...count).map { try string("(\(expression))[\($0)]") }
    }
}
