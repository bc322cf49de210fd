import Testing
import XML

@Suite("HTMLText: the readable text of HTML")
struct HTMLTextTests {
    private func text(_ html: String) throws -> String {
        try HTMLText.text(of: Array(html.utf8))
    }

    @Test("head, script, style and template are skipped; the body's text remains")
    func hiddenContent() throws {
        let html = """
            <html><head><title>Title</title><meta charset="utf-8"><style>body { margin: 0 }</style></head>
            <body><script type="text/javascript">if (a < b && c) { alert("x"); }</script>
            <p>Visible</p><style>p { color: red }</style><template><p>Later</p></template></body></html>
            """
        #expect(try text(html) == "Visible")
    }

    @Test("named and numeric character references are decoded")
    func entities() throws {
        let html = "<p>Caf&eacute; &amp; bar &lt;3 &#8217; &#x2014; &nbsp;end</p>"
        #expect(try text(html) == "Café & bar <3 ’ — \u{A0}end")
    }

    @Test("whitespace collapses as in a browser; blocks, breaks, list items and rows start lines")
    func layout() throws {
        let html = """
            <body>
              <h2>  Reply   to the
                Mayor </h2>
              <div>One <span>two</span><b>three</b></div>
              <ul><li>First</li><li>Second</li></ul>
              <p>Line one<br>Line two<br><br><br><br>After breaks</p>
              <table>
                <tr><th>Ref</th><th>Title</th></tr>
                <tr><td>BVP-2016-04</td><td>Reply  to the Mayor</td></tr>
              </table>
            </body>
            """
        #expect(
            try text(html)
                == "Reply to the Mayor\nOne twothree\nFirst\nSecond\nLine one\nLine two\n\nAfter breaks\n"
                + "Ref\tTitle\nBVP-2016-04\tReply to the Mayor")
    }

    @Test("preformatted text keeps its spaces and line breaks")
    func preformatted() throws {
        #expect(try text("<p>Before</p><pre>a   b\n  c</pre><p>After</p>") == "Before\na   b\n  c\nAfter")
    }

    @Test("UTF-8 without a declaration reads as UTF-8; Latin-1 bytes fall back to Latin-1; <meta charset> is honoured")
    func encodings() throws {
        #expect(try HTMLText.text(of: Array("<p>Café</p>".utf8)) == "Café")
        #expect(try HTMLText.text(of: [0x3C, 0x70, 0x3E, 0x43, 0x61, 0x66, 0xE9, 0x3C, 0x2F, 0x70, 0x3E]) == "Café")
        let declared = Array("<html><head><meta charset=\"windows-1252\"></head><body><p>".utf8) + [0x93, 0x51, 0x94]
        #expect(try HTMLText.text(of: declared) == "“Q”")
    }

    @Test("empty input has no text; broken markup is recovered, not refused")
    func emptyAndBroken() throws {
        #expect(try HTMLText.text(of: []) == "")
        #expect(try text(" \n\t ") == "")
        #expect(try text("<!-- only a comment -->") == "")
        #expect(try text("<p>Unclosed <b>bold <i>and</p> more") == "Unclosed bold and\nmore")
    }

    @Test("input over the size limit is refused before parsing")
    func tooLarge() {
        let error = #expect(throws: XMLError.self) {
            try HTMLText.text(of: Array("<p>0123456789</p>".utf8), source: "big.html", maximumInputSize: 8)
        }
        #expect(
            error?.diagnostics.first?.message == "input of 17 bytes is over the 8-byte limit; refused before parsing")
        #expect(error?.diagnostics.first?.source == "big.html")
    }

    /// `depth` nested elements around the word "deep".
    private func nested(_ depth: Int) -> String {
        String(repeating: "<div><span>", count: depth / 2) + "deep"
            + String(repeating: "</span></div>", count: depth / 2)
    }

    @Test("deep nesting and binary garbage neither crash nor hang")
    func hostile() throws {
        #expect(try text(nested(250)) == "deep")
        // libxml2 stops parsing at 256 levels (without HTML_PARSE_HUGE): what lies deeper is lost.
        #expect(try text(nested(20_000) + "<p>after</p>") == "")
        var bytes: [UInt8] = []
        var state: UInt32 = 12_345
        for _ in 0..<100_000 {
            state = state &* 1_103_515_245 &+ 12_345
            bytes.append(UInt8(truncatingIfNeeded: state >> 16))
        }
        _ = try HTMLText.text(of: bytes)
    }

    @Test("an external entity or network reference is never fetched")
    func noExternalLoads() throws {
        let listener = try LoopbackListener()
        let html = """
            <!DOCTYPE html SYSTEM "http://127.0.0.1:\(listener.port)/html.dtd">
            <html><body><img src="http://127.0.0.1:\(listener.port)/a.png"><p>Text</p>
            <iframe src="http://127.0.0.1:\(listener.port)/frame"></iframe></body></html>
            """
        #expect(try text(html) == "Text")
        #expect(listener.acceptPendingConnections() == 0)
    }
}

@Suite("XMLNode.children: mixed content in order")
struct XMLNodeChildrenTests {
    @Test("text, CDATA and elements come in document order; comments and PIs are skipped")
    func mixedContent() throws {
        let document = try XMLDocument(parsing: "<p>Dear <b>Mayor</b><!-- c --><?pi x?>, <![CDATA[<thanks>]]></p>")
        let children = try #require(document.root).children
        #expect(children.map(\.isText) == [true, false, true, true])
        #expect(children.map(\.text) == ["Dear ", "Mayor", ", ", "<thanks>"])
        #expect(children[1].name == "b")
        #expect(!(try #require(document.root)).isText)
    }
}
