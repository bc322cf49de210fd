import TestSupport
import Testing
import TextExtraction

@Suite("DOCX and ODT packages, built at test time with ZIPFoundation")
struct PackageTests {
    let extractor = TextExtractor(pdftotext: .absent)

    /// Two paragraphs, a tab, a line break; a tab stop, a deleted run and section properties
    /// that must not show.
    static let wordBody = """
        <w:p>
          <w:pPr><w:tabs><w:tab w:val="left" w:pos="2880"/></w:tabs></w:pPr>
          <w:r><w:t>Reference:</w:t></w:r><w:r><w:tab/><w:t>BVP-2016-04</w:t></w:r>
          <w:del w:id="1" w:author="Clerk"><w:r><w:delText>withdrawn</w:delText></w:r></w:del>
          <w:r><w:br/><w:t xml:space="preserve">Dear  Mayor, </w:t></w:r><w:r><w:t>thank you.</w:t></w:r>
        </w:p>
        <w:p><w:r><w:t>Commissioners &amp; officers reply to the Mayor.</w:t></w:r></w:p>
        <w:sectPr><w:pgSz w:w="11906" w:h="16838"/></w:sectPr>
        """
    static let wordText =
        "Reference:\tBVP-2016-04\nDear Mayor, thank you.\nCommissioners & officers reply to the Mayor."

    @Test("DOCX: runs, tab, line break and paragraphs give the exact text, from memory and from a file")
    func docx() throws {
        let docx = try Package.docx(document: Package.wordDocument(body: Self.wordBody))
        let fromMemory = extractor.extract(bytes: docx, mediaType: MediaTypes.docx)
        #expect(fromMemory.outcome == .extracted)
        #expect(fromMemory.text == Self.wordText)

        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let path = try directory.write(docx, to: "reply.docx")
        #expect(extractor.extract(contentsOf: path, mediaType: MediaTypes.docx) == fromMemory)
    }

    @Test("DOCX: a text box is read once, from mc:Choice, not again from mc:Fallback")
    func docxAlternateContent() throws {
        let body = """
            <w:p><w:r><w:t>Before</w:t></w:r>
            <mc:AlternateContent xmlns:mc="http://schemas.openxmlformats.org/markup-compatibility/2006">
              <mc:Choice Requires="wps">
                <w:txbxContent><w:p><w:r><w:t>Boxed</w:t></w:r></w:p></w:txbxContent>
              </mc:Choice>
              <mc:Fallback><w:txbxContent><w:p><w:r><w:t>Boxed</w:t></w:r></w:p></w:txbxContent></mc:Fallback>
            </mc:AlternateContent></w:p>
            """
        let docx = try Package.docx(document: Package.wordDocument(body: body))
        #expect(extractor.extract(bytes: docx, mediaType: MediaTypes.docx).text == "Before\nBoxed")
    }

    @Test("DOCX without word/document.xml")
    func docxWithoutDocument() throws {
        let zip = try Package.zip([("word/other.xml", Array("<a/>".utf8))])
        #expect(extractor.extract(bytes: zip, mediaType: MediaTypes.docx).reason == "DOCX has no word/document.xml")
    }

    @Test("DOCX whose document.xml declares entities is refused, and nothing is expanded")
    func docxEntities() throws {
        var laughs = "<!ENTITY lol0 \"lol\">"
        for level in 1...9 {
            laughs += "<!ENTITY lol\(level) \"" + String(repeating: "&lol\(level - 1);", count: 10) + "\">"
        }
        let document = """
            <?xml version="1.0"?>
            <!DOCTYPE w:document [\(laughs)]>
            <w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">
            <w:body><w:p><w:r><w:t>&lol9;</w:t></w:r></w:p></w:body></w:document>
            """
        let docx = try Package.docx(document: document)
        let result = extractor.extract(bytes: docx, mediaType: MediaTypes.docx)
        #expect(result.reason?.hasPrefix("DOCX word/document.xml was refused: DOCTYPE") == true, "\(result)")
        #expect(!result.text.contains("lol"))
    }

    /// A heading and two paragraphs, with a tab, a line break, a run of spaces, an automatic
    /// style (no text) and a comment (skipped).
    static let openDocumentContent = """
        <?xml version="1.0" encoding="UTF-8"?>
        <office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" \
        xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" \
        xmlns:style="urn:oasis:names:tc:opendocument:xmlns:style:1.0" \
        xmlns:dc="http://purl.org/dc/elements/1.1/" office:version="1.2">
          <office:automatic-styles><style:style style:name="P1" style:family="paragraph"/></office:automatic-styles>
          <office:body>
            <office:text>
              <text:h text:outline-level="1">Reply to the Mayor</text:h>
              <text:p text:style-name="P1">Reference:<text:tab/>BVP-2016-04<text:line-break/>Dear<text:s text:c="3"/>\
        Mayor,<office:annotation><dc:creator>Clerk</dc:creator><text:p>check this</text:p></office:annotation></text:p>
              <text:p>Commissioners <text:span>reply</text:span>
                 today.</text:p>
            </office:text>
          </office:body>
        </office:document-content>
        """

    @Test("ODT: headings, paragraphs, tab, line break and text:s give the exact text")
    func odt() throws {
        let odt = try Package.odt(content: Self.openDocumentContent)
        let result = extractor.extract(bytes: odt, mediaType: MediaTypes.odt)
        #expect(result.outcome == .extracted)
        #expect(result.text == "Reply to the Mayor\nReference:\tBVP-2016-04\nDear Mayor,\nCommissioners reply today.")
    }

    @Test("ODT without content.xml")
    func odtWithoutContent() throws {
        let zip = try Package.zip([("mimetype", Array("application/vnd.oasis.opendocument.text".utf8))])
        #expect(extractor.extract(bytes: zip, mediaType: MediaTypes.odt).reason == "ODT has no content.xml")
    }
}
