import TestSupport
import Testing
import TextExtraction

@Suite("Plain text: any encoding reads, whitespace is normalised, long text is cut")
struct PlainTextTests {
    let extractor = TextExtractor(pdftotext: .absent)

    @Test("UTF-8 with a byte-order mark and CRLF line ends")
    func utf8WithBOM() {
        let bytes: [UInt8] = [0xEF, 0xBB, 0xBF] + Array("Reply to the Mayor\r\nCafé déjà vu\r\n".utf8)
        let result = extractor.extract(bytes: bytes, mediaType: "text/plain")
        #expect(result.outcome == .extracted)
        #expect(result.text == "Reply to the Mayor\nCafé déjà vu")
        #expect(!result.truncated)
    }

    @Test("Latin-1 and Windows-1252 bytes that are not UTF-8 are decoded, not rejected")
    func latin1() {
        // "Café “déjà” vu – 5 €" in Windows-1252: é=E9, à=E0, quotes 93/94, en dash 96, euro 80.
        let bytes: [UInt8] =
            [0x43, 0x61, 0x66, 0xE9, 0x20, 0x93, 0x64, 0xE9, 0x6A, 0xE0, 0x94, 0x20, 0x76, 0x75]
            + [0x20, 0x96, 0x20, 0x35, 0x20, 0x80]
        let result = extractor.extract(bytes: bytes, mediaType: "text/plain; charset=windows-1252")
        #expect(result.outcome == .extracted)
        #expect(result.text == "Café “déjà” vu – 5 €")
    }

    @Test("UTF-16 with a byte-order mark")
    func utf16() {
        let bytes: [UInt8] = [0xFF, 0xFE] + "Größe ✓".utf16.flatMap { [UInt8($0 & 0xFF), UInt8($0 >> 8)] }
        #expect(extractor.extract(bytes: bytes, mediaType: "text/plain").text == "Größe ✓")
    }

    @Test("runs of whitespace collapse within lines, a tab survives, blank lines shrink to one")
    func whitespace() {
        let text = "  Ref:  \t BVP-2016-04   \n\n\n\n\u{00A0}Dear   Mayor,\u{0C}thanks\u{0}!\r\rEnd  \n\n"
        let result = extractor.extract(bytes: Array(text.utf8), mediaType: "text/plain")
        #expect(result.text == "Ref:\tBVP-2016-04\n\nDear Mayor,\nthanks !\n\nEnd")
    }

    @Test("CSV and e-mail are read as text; other text/* types too")
    func textLikeTypes() {
        let csv = extractor.extract(
            bytes: Array("reference,title\r\nBVP-2016-04,Reply\r\n".utf8), mediaType: "text/csv")
        #expect(csv.text == "reference,title\nBVP-2016-04,Reply")
        let mail = "From: clerk@example.org\nSubject: Reply\n\nDear Mayor,\n"
        #expect(extractor.extract(bytes: Array(mail.utf8), mediaType: "message/rfc822").text == mail.dropLast())
        #expect(extractor.extract(bytes: Array("# Notes".utf8), mediaType: "TEXT/Markdown").text == "# Notes")
    }

    @Test("an empty document is extracted as empty text, not refused")
    func empty() {
        let result = extractor.extract(bytes: [], mediaType: "text/plain")
        #expect(result == ExtractedText(text: "", outcome: .extracted, truncated: false))
    }

    @Test("a file is read from disk like bytes from memory")
    func fromFile() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let path = try directory.write(Array("Caf\u{E9}\n".unicodeScalars.map { UInt8($0.value) }), to: "latin1.txt")
        let result = extractor.extract(contentsOf: path, mediaType: "text/plain")
        #expect(result.outcome == .extracted)
        #expect(result.text == "Café")
    }
}

@Suite("Truncation at maxTextCharacters")
struct TruncationTests {
    @Test("text longer than the limit is cut at the limit and marked truncated")
    func cut() {
        let extractor = TextExtractor(pdftotext: .absent, maxTextCharacters: 10)
        let long = extractor.extract(bytes: Array("abcdefghijklmnop".utf8), mediaType: "text/plain")
        #expect(long.text == "abcdefghij")
        #expect(long.truncated)
        let exact = extractor.extract(bytes: Array("abcdefghij".utf8), mediaType: "text/plain")
        #expect(exact.text == "abcdefghij")
        #expect(!exact.truncated)
    }

    @Test("the cut falls between characters: no accent or emoji is split")
    func graphemeBoundary() {
        let extractor = TextExtractor(pdftotext: .absent, maxTextCharacters: 3)
        let result = extractor.extract(bytes: Array("ae\u{301}👍🏽xyz".utf8), mediaType: "text/plain")
        #expect(result.text == "ae\u{301}👍🏽")
        #expect(result.text.unicodeScalars.count == 5)
        #expect(result.truncated)
    }

    @Test("reading stops after 4 bytes per character; a multi-byte character cut there is dropped, not mis-decoded")
    func byteLimit() throws {
        let extractor = TextExtractor(pdftotext: .absent, maxTextCharacters: 2)
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        // 12 bytes; 8 are read: "€€" and two bytes of the third "€".
        let path = try directory.write(Array("€€€€".utf8), to: "euros.txt")
        let result = extractor.extract(contentsOf: path, mediaType: "text/plain")
        #expect(result.text == "€€")
        #expect(result.truncated)
    }

    @Test("the limit applies to every format: HTML")
    func htmlCut() {
        let extractor = TextExtractor(pdftotext: .absent, maxTextCharacters: 12)
        let result = extractor.extract(bytes: Array("<p>Reply to</p><p>the Mayor</p>".utf8), mediaType: "text/html")
        #expect(result.text == "Reply to\nthe")
        #expect(result.truncated)
    }
}
