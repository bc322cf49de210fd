import Foundation
import Reports
import TestSupport
import Testing
import XML
import ZIPFoundation

@Suite("DOCXWriter: a WordprocessingML package that Word-compatible tools open")
struct DOCXWriterTests {
    static let partNames = [
        "[Content_Types].xml", "_rels/.rels", "word/document.xml", "word/_rels/document.xml.rels",
        "word/styles.xml", "word/numbering.xml", "word/settings.xml", "docProps/core.xml", "docProps/app.xml",
    ]
    static let wordNamespace = ["w": "http://schemas.openxmlformats.org/wordprocessingml/2006/main"]

    static func write(_ document: RichDocument = BoardReport.document) throws -> [UInt8] {
        try DOCXWriter.write(document, created: BoardReport.created, creator: "Governance Team")
    }

    @Test("the ZIP holds the parts in order, content types first, all deflated and well-formed XML")
    func packageParts() throws {
        let entries = try DOCXEntries(try Self.write())
        #expect(entries.names == Self.partNames)
        #expect(entries.compressed.allSatisfy { $0 })

        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let xmllint = try ExternalTool.xmllint()
        for name in entries.names {
            let path = try directory.write(try entries.bytes(name), to: name)
            let result = try xmllint.run(["--noout", "--nonet", path])
            #expect(result.status == 0, "\(name) is not well-formed: \(result.standardError)")
        }

        // Every part but the relationships has a content type of its own.
        let types = try XMLDocument(parsing: try entries.bytes("[Content_Types].xml"))
        let namespace = ["t": "http://schemas.openxmlformats.org/package/2006/content-types"]
        let overridden = try types.nodes("/t:Types/t:Override", namespaces: namespace).compactMap {
            $0.attribute("PartName")
        }
        #expect(overridden == Self.partNames.filter { !$0.hasSuffix(".rels") && !$0.hasPrefix("[") }.map { "/" + $0 })
    }

    @Test("python-docx reads the paragraphs in order, their styles, the table and the core properties")
    func pythonDocx() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let path = try directory.write(try Self.write(), to: "report.docx")
        let script = """
            import docx, json, sys
            d = docx.Document(sys.argv[1])
            s = d.sections[0]
            print(json.dumps({
                "paragraphs": [[p.style.name, p.text] for p in d.paragraphs],
                "tables": [[[c.text for c in r.cells] for r in t.rows] for t in d.tables],
                "title": d.core_properties.title,
                "creator": d.core_properties.author,
                "language": d.core_properties.language,
                "created": d.core_properties.created.isoformat(),
                "page": [s.page_width, s.page_height, s.left_margin, s.right_margin],
            }))
            """
        let output = try ExternalTool.pythonWithDocx().runSucceeding(["-c", script, path]).standardOutput
        let read = try JSONDecoder().decode(PythonDocxReading.self, from: Data(output.utf8))

        let expected: [[String]] = [
            ["Banner", BoardReport.banner],
            ["Title", BoardReport.title],
            ["Heading 1", "1\tINTRODUCTION"],
            ["Normal", "1.1\t" + BoardReport.introduction],
            ["Heading 1", "2\tRECOMMENDATIONS"],
            ["List Paragraph", BoardReport.recommendation],
            ["Heading 1", "3\tBACKGROUND"],
            ["Normal", "3.1\t" + BoardReport.background],
        ]
        let lists: [[String]] =
            BoardReport.themes.map { ["List Paragraph", $0] }
            + [["Normal", "3.2\t" + BoardReport.markup]]
            + BoardReport.parts.map { ["List Paragraph", $0] }
        let annex: [[String]] = [
            ["Heading 2", BoardReport.annex],
            ["Normal", BoardReport.annexText],
            ["Notice", BoardReport.notice],
        ]
        #expect(read.paragraphs == expected + lists + annex)
        #expect(read.tables == [[BoardReport.header, BoardReport.row]])
        #expect(read.title == BoardReport.title)
        #expect(read.creator == "Governance Team")
        #expect(read.language == "en-GB")
        #expect(read.created.hasPrefix("2016-04-12T09:30:00"))
        // In EMU (635 per twip): A4 as 11906 x 16838 twips, one-inch margins.
        #expect(read.page == [7_560_310, 10_692_130, 914_400, 914_400])
    }

    @Test("LibreOffice converts it to PDF with the text, numbers and quotes as written")
    func libreOfficePDF() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let path = try directory.write(try Self.write(), to: "report.docx")
        // A profile of its own, so a first run (which builds the profile) or a parallel
        // LibreOffice cannot collide with this one.
        let profile = directory.url.appendingPathComponent("libreoffice-profile").absoluteString
        try ExternalTool.soffice().runSucceeding(
            [
                "-env:UserInstallation=\(profile)", "--headless", "--convert-to", "pdf", "--outdir", directory.url.path,
                path,
            ],
            timeout: 180)
        let pdf = directory.path("report.pdf")
        #expect(FileManager.default.fileExists(atPath: pdf), "LibreOffice wrote no PDF")
        let layout = try ExternalTool.pdftotext().runSucceeding(["-layout", "-enc", "UTF-8", pdf, "-"]).standardOutput
        let text = layout.collapsingWhitespace

        for expected in [
            BoardReport.banner, "TITLE SERVICE ITEM NO DATE", "1 INTRODUCTION", "1.1 " + BoardReport.introduction,
            "2 RECOMMENDATIONS", "3 BACKGROUND", "3.1 " + BoardReport.background, "3.2 " + BoardReport.markup,
            BoardReport.annex, BoardReport.annexText, BoardReport.notice, "Chief Executive\u{2019}s",
        ] {
            #expect(text.contains(expected), "the PDF text lacks \(expected)")
        }
        // Automatic list numbers are drawn into the PDF: each numbered list starts at 1.
        let lines = layout.split(separator: "\n").map { $0.collapsingWhitespace }
        #expect(lines.contains("1. " + BoardReport.recommendation))
        #expect(lines.contains("1. " + BoardReport.themes[0]), "the second numbered list does not restart at 1")
        #expect(lines.contains("2. " + BoardReport.themes[1]))
        #expect(lines.contains("\u{2022} " + BoardReport.parts[0]))
    }

    @Test("document.xml: A4 section, a real table with grid and header row, one numbering per list")
    func documentStructure() throws {
        let entries = try DOCXEntries(try Self.write())
        let body = try XMLDocument(parsing: try entries.bytes("word/document.xml"))
        let w = Self.wordNamespace
        #expect(try body.string("/w:document/w:body/*[last()]/w:pgSz/@w:w", namespaces: w) == "11906")
        #expect(try body.string("/w:document/w:body/*[last()]/w:pgSz/@w:h", namespaces: w) == "16838")
        #expect(try body.number("count(//w:tbl/w:tblGrid/w:gridCol)", namespaces: w) == 4)
        #expect(try body.number("count(//w:tbl/w:tr[1]/w:trPr/w:tblHeader)", namespaces: w) == 1)
        #expect(try body.number("count(//w:tbl/w:tr[1]/w:tc/w:p/w:r/w:rPr/w:b)", namespaces: w) == 4)
        #expect(try body.number("count(//w:tbl/w:tr[2]//w:b)", namespaces: w) == 0)
        #expect(try body.number("count(//w:tbl/w:tblPr/w:tblBorders/*)", namespaces: w) == 6)

        // The two numbered lists use different instances, each of its own decimal definition
        // starting at 1; the bullets use another.
        let numbers = try body.nodes("//w:p[w:pPr/w:pStyle/@w:val='ListParagraph']", namespaces: w).map {
            try body.string("w:pPr/w:numPr/w:numId/@w:val", namespaces: w, relativeTo: $0)
        }
        #expect(numbers == ["2", "3", "3", "1", "1"])
        let numbering = try XMLDocument(parsing: try entries.bytes("word/numbering.xml"))
        var definitions: Set<String> = []
        for id in ["2", "3"] {
            let abstract = try numbering.string("//w:num[@w:numId='\(id)']/w:abstractNumId/@w:val", namespaces: w)
            definitions.insert(abstract)
            let level = "//w:abstractNum[@w:abstractNumId='\(abstract)']/w:lvl[@w:ilvl='0']"
            #expect(try numbering.string("\(level)/w:numFmt/@w:val", namespaces: w) == "decimal")
            #expect(try numbering.string("\(level)/w:start/@w:val", namespaces: w) == "1")
            #expect(
                try numbering.string(
                    "//w:num[@w:numId='\(id)']/w:lvlOverride/w:startOverride/@w:val", namespaces: w) == "1")
        }
        #expect(definitions.count == 2)
        #expect(
            try numbering.string(
                "//w:abstractNum[@w:abstractNumId=//w:num[@w:numId='1']/w:abstractNumId/@w:val]/w:lvl/w:numFmt/@w:val",
                namespaces: w) == "bullet")

        let styles = try XMLDocument(parsing: try entries.bytes("word/styles.xml"))
        let normal = "//w:style[@w:styleId='Normal']/w:rPr"
        #expect(try styles.string("\(normal)/w:rFonts/@w:ascii", namespaces: w) == "Arial")
        #expect(try styles.string("\(normal)/w:sz/@w:val", namespaces: w) == "22")
        for style in ["Title", "Heading1", "Heading2", "ListParagraph", "TableGrid"] {
            #expect(try styles.number("count(//w:style[@w:styleId='\(style)'])", namespaces: w) == 1)
        }
    }

    @Test("core properties: title, creator and W3CDTF created date in UTC")
    func coreProperties() throws {
        let entries = try DOCXEntries(try Self.write())
        let core = try XMLDocument(parsing: try entries.bytes("docProps/core.xml"))
        let namespaces = [
            "cp": "http://schemas.openxmlformats.org/package/2006/metadata/core-properties",
            "dc": "http://purl.org/dc/elements/1.1/", "dcterms": "http://purl.org/dc/terms/",
            "xsi": "http://www.w3.org/2001/XMLSchema-instance",
        ]
        #expect(try core.string("/cp:coreProperties/dc:title", namespaces: namespaces) == BoardReport.title)
        #expect(try core.string("/cp:coreProperties/dc:creator", namespaces: namespaces) == "Governance Team")
        #expect(
            try core.string("/cp:coreProperties/dcterms:created", namespaces: namespaces) == "2016-04-12T09:30:00Z")
        #expect(
            try core.string("/cp:coreProperties/dcterms:created/@xsi:type", namespaces: namespaces)
                == "dcterms:W3CDTF")
    }

    @Test("the same input gives the same bytes; another date gives other bytes")
    func deterministic() throws {
        let first = try Self.write()
        let second = try Self.write()
        #expect(first == second)
        let later = try DOCXWriter.write(
            BoardReport.document, created: BoardReport.created.addingTimeInterval(86_400), creator: "Governance Team")
        #expect(later != first)
    }

    @Test("text is escaped and kept exactly: markup, ampersands, spaces, tabs and line breaks")
    func textFidelity() throws {
        let document = RichDocument(
            title: "<w:p> & </w:body>", blocks: [.paragraph(number: nil, text: "  two  spaces\tand\na break")])
        let entries = try DOCXEntries(try Self.write(document))
        let body = try XMLDocument(parsing: try entries.bytes("word/document.xml"))
        let w = Self.wordNamespace
        #expect(try body.string("//w:p[w:pPr/w:pStyle/@w:val='Title']", namespaces: w) == "<w:p> & </w:body>")
        let run = try #require(try body.nodes("//w:body/w:p[2]/w:r", namespaces: w).first)
        #expect(run.childElements.map(\.name) == ["t", "tab", "t", "br", "t"])
        #expect(run.childElements.first?.text == "  two  spaces")
    }

    @Test("documents and languages neither format can represent are refused")
    func refusals() throws {
        #expect(throws: ReportError.headingLevelOutOfRange(0)) {
            try Self.write(RichDocument(title: "T", blocks: [.heading(number: "1", text: "x", level: 0)]))
        }
        #expect(throws: ReportError.tableRowWidth(row: 1, cells: 3, columns: 2)) {
            try Self.write(RichDocument(title: "T", blocks: [.table(header: ["A", "B"], rows: [["a", "b", "c"]])]))
        }
        #expect(throws: ReportError.invalidLanguageTag("")) {
            try DOCXWriter.write(RichDocument(title: "T", blocks: []), created: Date(), creator: "x", language: "")
        }
        #expect(throws: XMLError.self) {
            try Self.write(RichDocument(title: "T", blocks: [.notice("bell \u{7}")]))
        }
    }
}

/// What the python-docx script prints.
private struct PythonDocxReading: Decodable {
    var paragraphs: [[String]]
    var tables: [[[String]]]
    var title: String
    var creator: String
    var language: String
    var created: String
    var page: [Int]
}

/// The entries of a ZIP package, read with ZIPFoundation.
private struct DOCXEntries {
    let archive: Archive
    let names: [String]
    let compressed: [Bool]

    init(_ bytes: [UInt8]) throws {
        archive = try Archive(data: Data(bytes), accessMode: .read)
        names = archive.map(\.path)
        compressed = archive.map(\.isCompressed)
    }

    func bytes(_ name: String) throws -> [UInt8] {
        guard let entry = archive[name] else { throw SetupError(description: "the package has no entry \(name)") }
        var data = Data()
        _ = try archive.extract(entry) { data.append($0) }
        return [UInt8](data)
    }
}
