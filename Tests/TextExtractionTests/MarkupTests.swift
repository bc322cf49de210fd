import Testing
import TextExtraction

@Suite("HTML and XML documents")
struct MarkupTests {
    let extractor = TextExtractor(pdftotext: .absent)

    @Test("HTML: head, script and style are skipped; entities decoded; blocks, breaks and cells laid out")
    func html() {
        let html = """
            <!DOCTYPE html>
            <html><head><title>Hidden title</title><style>p { color: red }</style>
            <script>var secret = "do not index";</script></head>
            <body>
            <h1>Reply to the Mayor</h1>
            <p>Caf&eacute; &amp; bar:   the
               council&#8217;s <b>view</b>.</p>
            <ul><li>First</li><li>Second</li></ul>
            <table><tr><td>Ref</td><td>BVP-2016-04</td></tr></table>
            <p>Line one<br>Line two</p>
            <script>document.write("nor this")</script>
            </body></html>
            """
        let result = extractor.extract(bytes: Array(html.utf8), mediaType: "text/html; charset=utf-8")
        #expect(result.outcome == .extracted)
        let expected = [
            "Reply to the Mayor", "Café & bar: the council’s view.", "First", "Second", "Ref\tBVP-2016-04",
            "Line one", "Line two",
        ]
        #expect(result.text == expected.joined(separator: "\n"))
    }

    @Test("XML: structure gives one line per field, mixed content flows, CDATA counts, comments do not")
    func xml() {
        let xml = """
            <?xml version="1.0" encoding="UTF-8"?>
            <letter reference="BVP-2016-04">
              <to>The Mayor</to>
              <subject>Reply   to
                 the Mayor</subject>
              <body><p>Dear <b>Mayor</b>, we agree &amp; thank you.</p></body>
              <!-- not text -->
              <note><![CDATA[Raw <text> & more]]></note>
            </letter>
            """
        let result = extractor.extract(bytes: Array(xml.utf8), mediaType: "application/xml")
        #expect(result.outcome == .extracted)
        #expect(result.text == "The Mayor\nReply to the Mayor\nDear Mayor, we agree & thank you.\nRaw <text> & more")
    }

    @Test("XML media types: text/xml and any +xml type")
    func xmlTypes() {
        let bytes = Array("<feed><title>Council news</title></feed>".utf8)
        #expect(extractor.extract(bytes: bytes, mediaType: "text/xml").text == "Council news")
        #expect(extractor.extract(bytes: bytes, mediaType: "application/atom+xml").text == "Council news")
    }

    @Test("XML with a DOCTYPE is refused by the hardened parser; no entity is expanded")
    func xmlDoctype() {
        let xml = """
            <?xml version="1.0"?>
            <!DOCTYPE letter [<!ENTITY boom "BOOM BOOM BOOM">]>
            <letter>&boom;</letter>
            """
        let result = extractor.extract(bytes: Array(xml.utf8), mediaType: "application/xml")
        #expect(result.reason?.hasPrefix("XML was refused: DOCTYPE declarations are refused") == true, "\(result)")
        #expect(result.text.isEmpty)
    }

    @Test("ill-formed XML is not extracted, and the reason names the line")
    func xmlIllFormed() {
        let xml = "<?xml version=\"1.0\"?>\n<letter>\n<to>Mayor</from>\n</letter>\n"
        let result = extractor.extract(bytes: Array(xml.utf8), mediaType: "application/xml")
        #expect(result.reason?.hasPrefix("XML is not well-formed: line 3: ") == true, "\(result)")
    }

    @Test("over 16 MiB: XML is refused; HTML is read up to the limit and marked truncated")
    func oversized() {
        let filler = [UInt8](repeating: UInt8(ascii: "x"), count: TextExtractor.maximumMarkupSize)
        let xml = extractor.extract(bytes: Array("<a>".utf8) + filler + Array("</a>".utf8), mediaType: "text/xml")
        #expect(xml.reason == "XML is larger than the 16777216-byte limit")
        let html = Array("<p>Reply to the Mayor</p><!--".utf8) + filler + Array("--><p>after</p>".utf8)
        let result = extractor.extract(bytes: html, mediaType: "text/html")
        #expect(result.outcome == .extracted)
        #expect(result.text == "Reply to the Mayor")
        #expect(result.truncated)
    }

    @Test("types that are not text are named in the reason")
    func unsupported() {
        let png: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]
        #expect(extractor.extract(bytes: png, mediaType: "image/png").reason == "not a text format (image/png)")
        #expect(
            extractor.extract(bytes: png, mediaType: "application/msword").reason
                == "not a text format (application/msword)")
    }
}
