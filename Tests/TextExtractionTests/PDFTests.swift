import TestSupport
import Testing
import TextExtraction

@Suite("PDF through pdftotext")
struct PDFTests {
    /// The extractor with pdftotext found on PATH; scripts/test installs poppler-utils.
    private func extractorWithPDF(maxTextCharacters: Int = 1_000_000) throws -> TextExtractor {
        let extractor = TextExtractor(maxTextCharacters: maxTextCharacters)
        try #require(extractor.canExtractPDF, "pdftotext is missing: install poppler-utils (scripts/test does)")
        return extractor
    }

    @Test("a one-page PDF written at test time: pdftotext reads its text, from memory and from a file")
    func onePage() throws {
        let extractor = try extractorWithPDF()
        #expect(extractor.pdftotextPath?.hasSuffix("/pdftotext") == true)
        let pdf = MinimalPDF.make(pages: ["Commissioners reply to the Mayor"])
        let fromMemory = extractor.extract(bytes: pdf, mediaType: "application/pdf")
        #expect(fromMemory.outcome == .extracted)
        #expect(fromMemory.text.contains("Commissioners reply to the Mayor"), "\(fromMemory)")

        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let path = try directory.write(pdf, to: "reply.pdf")
        #expect(extractor.extract(contentsOf: path, mediaType: "application/pdf") == fromMemory)
    }

    @Test("pages are separated by a blank line, not by form feeds")
    func twoPages() throws {
        let result = try extractorWithPDF().extract(
            bytes: MinimalPDF.make(pages: ["First page", "Second page"]), mediaType: "application/pdf")
        #expect(result.text == "First page\n\nSecond page")
    }

    @Test("without pdftotext, PDFs are not extracted and the reason names the package")
    func notInstalled() {
        let pdf = MinimalPDF.make(pages: ["Commissioners reply to the Mayor"])
        for extractor in [
            TextExtractor(pdftotext: .at("/nonexistent/bin/pdftotext")), TextExtractor(pdftotext: .absent),
        ] {
            #expect(!extractor.canExtractPDF)
            #expect(extractor.pdftotextPath == nil)
            let result = extractor.extract(bytes: pdf, mediaType: "application/pdf")
            #expect(result.reason == "pdftotext is not installed (Debian package poppler-utils)")
        }
    }

    @Test("a damaged PDF: pdftotext fails, and its last message is the reason")
    func damaged() throws {
        var random = SeededBytes(seed: 7)
        let result = try extractorWithPDF().extract(bytes: random.bytes(4096), mediaType: "application/pdf")
        let reason = try #require(result.reason)
        #expect(reason.hasPrefix("pdftotext failed (exit status 1): "), "\(reason)")
        #expect(reason.contains("Error"), "\(reason)")
    }

    @Test("a pdftotext that hangs is killed at the time limit")
    func timeout() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        // A stand-in for a pdftotext stuck on a hostile PDF.
        let hanging = try directory.script("pdftotext", "exec sleep 60")
        let extractor = TextExtractor(pdftotext: .at(hanging), timeout: .milliseconds(300))
        let result = extractor.extract(bytes: MinimalPDF.make(pages: ["x"]), mediaType: "application/pdf")
        #expect(result.reason == "pdftotext timed out after 0.3 s")
    }

    @Test("output beyond 4 bytes per allowed character is not read; the text is marked truncated")
    func endlessOutput() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        // A stand-in for a pdftotext that writes without end.
        let endless = try directory.script("pdftotext", "exec yes Commissioners")
        let extractor = TextExtractor(pdftotext: .at(endless), maxTextCharacters: 100, timeout: .seconds(10))
        let result = extractor.extract(bytes: MinimalPDF.make(pages: ["x"]), mediaType: "application/pdf")
        #expect(result.outcome == .extracted)
        #expect(result.truncated)
        #expect(result.text.count == 100)
        #expect(result.text.hasPrefix("Commissioners\nCommissioners\n"))
    }
}
