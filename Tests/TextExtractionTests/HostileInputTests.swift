import Foundation
import TestSupport
import Testing
import TextExtraction
import ZIPFoundation

@Suite("Hostile and broken input: never a crash, a hang or a memory blow-up")
struct HostileInputTests {
    static let allTypes = [
        "text/plain", "text/html", "application/xml", MediaTypes.docx, MediaTypes.odt, "application/pdf",
    ]

    /// 100 MB of zeros, deflated by ZIPFoundation into a ~100 KB `word/document.xml`.
    private static func zipBomb() throws -> [UInt8] {
        let size = 100_000_000
        let archive = try Archive(data: Data(), accessMode: .create)
        try archive.addEntry(
            with: "word/document.xml", type: .file, uncompressedSize: Int64(size), compressionMethod: .deflate,
            bufferSize: 1 << 20, provider: { _, count in Data(count: count) })
        return [UInt8](try #require(archive.data))
    }

    @Test("a zip bomb that declares its size is refused before anything is inflated")
    func honestZipBomb() throws {
        let bomb = try Self.zipBomb()
        #expect(bomb.count < 1_000_000)
        let result = TextExtractor().extract(bytes: bomb, mediaType: MediaTypes.docx)
        #expect(
            result.reason
                == "DOCX entry word/document.xml declares 100000000 bytes uncompressed, over the 16777216-byte limit")
    }

    @Test("a zip bomb that lies about its size is stopped at the size it declared, in bounded memory")
    func lyingZipBomb() throws {
        var bomb = try Self.zipBomb()
        let headers = try Package.headers(of: "word/document.xml", in: bomb)
        let declared: UInt32 = 16 * 1024 * 1024
        Package.patch(&bomb, at: headers.central + 24, to: declared)
        Package.patch(&bomb, at: headers.local + 22, to: declared)
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let path = try directory.write(bomb, to: "bomb.docx")

        let peakBefore = peakResidentBytes()
        let result = TextExtractor().extract(contentsOf: path, mediaType: MediaTypes.docx)
        #expect(peakResidentBytes() - peakBefore < 100_000_000)
        #expect(
            result.reason
                == "DOCX entry word/document.xml inflates to more than the 16777216 bytes it declares (a zip bomb?); "
                + "extraction stopped")
    }

    @Test("a deflate stream cut short is reported as damaged, not waited on")
    func truncatedDeflateStream() throws {
        let document = Package.wordDocument(
            body: String(repeating: "<w:p><w:r><w:t>text</w:t></w:r></w:p>", count: 500))
        var docx = try Package.docx(document: document)
        let headers = try Package.headers(of: "word/document.xml", in: docx)
        let compressed = docx[headers.central + 20..<headers.central + 24].reversed().reduce(0) { $0 << 8 | Int($1) }
        Package.patch(&docx, at: headers.central + 20, to: UInt32(compressed / 2))
        let result = TextExtractor().extract(bytes: docx, mediaType: MediaTypes.docx)
        #expect(
            result.reason == "DOCX entry word/document.xml is damaged (its compressed data is invalid or cut short)")
    }

    /// The time limit reports a hang; it is no measure of speed (a debug build's timings prove
    /// nothing about a release build's).
    @Test(
        "a deflate stream that runs past the end of the file is refused (it hangs ZIPFoundation's extract)",
        .timeLimit(.minutes(1)))
    func endlessDeflateStream() {
        let result = TextExtractor().extract(bytes: Package.endlessDeflateStream(), mediaType: MediaTypes.docx)
        #expect(
            result.reason == "DOCX entry word/document.xml is damaged (its compressed data is invalid or cut short)")
    }

    @Test("an entry whose bytes do not match its CRC-32 is damaged")
    func wrongChecksum() throws {
        var odt = try Package.odt(content: PackageTests.openDocumentContent)
        let headers = try Package.headers(of: "content.xml", in: odt)
        Package.patch(&odt, at: headers.central + 16, to: 0xDEAD_BEEF)
        let result = TextExtractor().extract(bytes: odt, mediaType: MediaTypes.odt)
        #expect(result.reason == "ODT entry content.xml is damaged (its CRC-32 does not match)")
    }

    @Test("random bytes under every media type", arguments: allTypes)
    func randomBytes(mediaType: String) {
        var random = SeededBytes(seed: 42)
        let result = TextExtractor(timeout: .seconds(10)).extract(bytes: random.bytes(64 * 1024), mediaType: mediaType)
        switch mediaType {
        case "text/plain", "text/html":
            #expect(result.outcome == .extracted)
            #expect(!result.text.isEmpty)
        case "application/xml":
            #expect(result.reason?.hasPrefix("XML is not well-formed") == true, "\(result)")
        case MediaTypes.docx:
            #expect(result.reason == "DOCX is not a ZIP archive")
        case MediaTypes.odt:
            #expect(result.reason == "ODT is not a ZIP archive")
        default:
            #expect(result.reason?.hasPrefix("pdftotext failed") == true, "\(result)")
        }
    }

    @Test("a real DOCX with random bytes changed: every variant returns", .timeLimit(.minutes(2)))
    func mutatedDOCX() throws {
        let docx = try Package.docx(document: Package.wordDocument(body: PackageTests.wordBody))
        var random = SeededBytes(seed: 2016)
        let extractor = TextExtractor()
        var outcomes: [Bool] = []
        for _ in 0..<300 {
            var variant = docx
            for _ in 0..<(1 + Int(random.next() % 4)) {
                variant[Int(random.next() % UInt64(variant.count))] = UInt8(truncatingIfNeeded: random.next())
            }
            outcomes.append(extractor.extract(bytes: variant, mediaType: MediaTypes.docx).outcome == .extracted)
        }
        // Changes in the compressed document or the directory are caught; a few land where they do no harm.
        #expect(outcomes.contains(false))
    }

    @Test("an empty file: text formats are blank, binary formats are refused", arguments: allTypes)
    func emptyFile(mediaType: String) throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let path = try directory.write([], to: "empty")
        let result = TextExtractor().extract(contentsOf: path, mediaType: mediaType)
        switch mediaType {
        case "text/plain", "text/html", "application/xml":
            #expect(result == ExtractedText(text: "", outcome: .extracted, truncated: false))
        case MediaTypes.docx:
            #expect(result.reason == "DOCX is not a ZIP archive")
        case MediaTypes.odt:
            #expect(result.reason == "ODT is not a ZIP archive")
        default:
            #expect(result.reason?.hasPrefix("pdftotext failed") == true, "\(result)")
        }
    }

    @Test("a missing file is not extracted, whatever its type, and the reason says why", arguments: allTypes)
    func missingFile(mediaType: String) {
        let path = "/nonexistent/docket/\(UUID().uuidString)"
        let result = TextExtractor().extract(contentsOf: path, mediaType: mediaType)
        #expect(result.reason == "cannot read \(path): No such file or directory")
    }

    @Test("a directory is not a document")
    func directory() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let result = TextExtractor().extract(contentsOf: directory.url.path, mediaType: "text/plain")
        #expect(result.reason == "cannot read \(directory.url.path): not a regular file")
    }
}
