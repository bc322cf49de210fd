import Foundation
import TestSupport
import Testing
import TextExtraction
import ZIPFoundation

#if canImport(Glibc)
    import Glibc
#endif

/// Why a test document could not be built (a broken test set-up, not a finding).
struct FixtureError: Error, CustomStringConvertible {
    var description: String
}

extension ExtractedText {
    /// The reason text was not extracted, or nil if it was.
    var reason: String? {
        switch outcome {
        case .extracted: nil
        case .notExtracted(let reason): reason
        }
    }
}

/// ZIP packages built at test time with ZIPFoundation, the way office suites write them.
enum Package {
    /// A ZIP archive holding `entries` in order; `mimetype` entries are stored, the rest deflated.
    static func zip(_ entries: [(name: String, bytes: [UInt8])]) throws -> [UInt8] {
        let archive = try Archive(data: Data(), accessMode: .create)
        for entry in entries {
            try archive.addEntry(
                with: entry.name, type: .file, uncompressedSize: Int64(entry.bytes.count),
                compressionMethod: entry.name == "mimetype" ? .none : .deflate,
                provider: { position, size in
                    Data(entry.bytes[Int(position)..<Int(position) + size])
                })
        }
        guard let data = archive.data else { throw FixtureError(description: "the in-memory archive has no data") }
        return [UInt8](data)
    }

    /// A minimal DOCX whose `word/document.xml` is `document`.
    static func docx(document: String) throws -> [UInt8] {
        let contentTypes = """
            <?xml version="1.0" encoding="UTF-8" standalone="yes"?>
            <Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">
              <Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>
              <Default Extension="xml" ContentType="application/xml"/>
              <Override PartName="/word/document.xml" \
            ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/>
            </Types>
            """
        let relationships = """
            <?xml version="1.0" encoding="UTF-8" standalone="yes"?>
            <Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">
              <Relationship Id="rId1" \
            Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" \
            Target="word/document.xml"/>
            </Relationships>
            """
        return try zip([
            ("[Content_Types].xml", Array(contentTypes.utf8)),
            ("_rels/.rels", Array(relationships.utf8)),
            ("word/document.xml", Array(document.utf8)),
        ])
    }

    /// A DOCX `word/document.xml` with `body` inside `<w:body>`.
    static func wordDocument(body: String) -> String {
        """
        <?xml version="1.0" encoding="UTF-8" standalone="yes"?>
        <w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">
          <w:body>\(body)</w:body>
        </w:document>
        """
    }

    /// A minimal ODT whose `content.xml` is `content`.
    static func odt(content: String) throws -> [UInt8] {
        let manifest = """
            <?xml version="1.0" encoding="UTF-8"?>
            <manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" \
            manifest:version="1.2">
              <manifest:file-entry manifest:full-path="/" \
            manifest:media-type="application/vnd.oasis.opendocument.text"/>
              <manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/>
            </manifest:manifest>
            """
        return try zip([
            ("mimetype", Array("application/vnd.oasis.opendocument.text".utf8)),
            ("content.xml", Array(content.utf8)),
            ("META-INF/manifest.xml", Array(manifest.utf8)),
        ])
    }

    /// The offsets of the central-directory record and local header of the archive's first
    /// entry named `name` (the archive has no comment, so the end record is its last 22 bytes).
    static func headers(of name: String, in zip: [UInt8]) throws -> (central: Int, local: Int) {
        func uint16(_ offset: Int) -> Int { Int(zip[offset]) | Int(zip[offset + 1]) << 8 }
        func uint32(_ offset: Int) -> Int { uint16(offset) | uint16(offset + 2) << 16 }
        let end = zip.count - 22
        var offset = uint32(end + 16)
        for _ in 0..<uint16(end + 10) {
            let nameLength = uint16(offset + 28)
            if zip[(offset + 46)..<(offset + 46 + nameLength)].elementsEqual(name.utf8) {
                return (offset, uint32(offset + 42))
            }
            offset += 46 + nameLength + uint16(offset + 30) + uint16(offset + 32)
        }
        throw FixtureError(description: "no entry \(name) in the archive")
    }

    /// A hand-made ZIP whose one entry, `word/document.xml`, is deflated data that cannot end
    /// before the end of the file: a non-final stored block that claims 60,000 bytes and has
    /// 10. ZIPFoundation 0.9.20's `Archive.extract` loops on it forever (weichsel/ZIPFoundation#389).
    static func endlessDeflateStream() -> [UInt8] {
        func uint16(_ value: Int) -> [UInt8] { [UInt8(value & 0xFF), UInt8(value >> 8 & 0xFF)] }
        func uint32(_ value: Int) -> [UInt8] { uint16(value & 0xFFFF) + uint16(value >> 16 & 0xFFFF) }
        let name = Array("word/document.xml".utf8)
        let data: [UInt8] = [0x00] + uint16(60_000) + uint16(60_000 ^ 0xFFFF) + Array("<w:documen".utf8)
        // Version, flags, method 8, time, date, CRC, compressed and uncompressed sizes, name.
        let common = uint16(0) + uint16(8) + uint16(0) + uint16(0) + uint32(0) + uint32(data.count) + uint32(1000)
        var zip = uint32(0x0403_4B50) + uint16(20) + common + uint16(name.count) + uint16(0) + name + data
        let directoryOffset = zip.count
        zip += uint32(0x0201_4B50) + uint16(20) + uint16(20) + common + uint16(name.count) + uint16(0) + uint16(0)
        zip += uint16(0) + uint16(0) + uint32(0) + uint32(0) + name
        let directorySize = zip.count - directoryOffset
        zip += uint32(0x0605_4B50) + uint16(0) + uint16(0) + uint16(1) + uint16(1)
        return zip + uint32(directorySize) + uint32(directoryOffset) + uint16(0)
    }

    /// Overwrites a little-endian 32-bit field.
    static func patch(_ zip: inout [UInt8], at offset: Int, to value: UInt32) {
        for index in 0..<4 { zip[offset + index] = UInt8(truncatingIfNeeded: value >> (8 * UInt32(index))) }
    }
}

/// A PDF written by hand: one Helvetica text line per page, with exact xref offsets.
enum MinimalPDF {
    static func make(pages: [String]) -> [UInt8] {
        // Objects: 1 catalog, 2 page tree, 3 font, then a page and its content stream per page.
        var objects: [String] = []
        let pageNumbers = pages.indices.map { 4 + 2 * $0 }
        objects.append("<< /Type /Catalog /Pages 2 0 R >>")
        objects.append(
            "<< /Type /Pages /Kids [\(pageNumbers.map { "\($0) 0 R" }.joined(separator: " "))] /Count \(pages.count) >>"
        )
        objects.append("<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>")
        for (index, text) in pages.enumerated() {
            let stream = "BT /F1 18 Tf 72 720 Td (\(text)) Tj ET"
            objects.append(
                "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] "
                    + "/Resources << /Font << /F1 3 0 R >> >> /Contents \(pageNumbers[index] + 1) 0 R >>")
            objects.append("<< /Length \(stream.utf8.count) >>\nstream\n\(stream)\nendstream")
        }
        var pdf = Array("%PDF-1.4\n".utf8)
        var offsets: [Int] = []
        for (index, object) in objects.enumerated() {
            offsets.append(pdf.count)
            pdf += Array("\(index + 1) 0 obj\n\(object)\nendobj\n".utf8)
        }
        let xref = pdf.count
        var table = "xref\n0 \(objects.count + 1)\n0000000000 65535 f \n"
        for offset in offsets {
            let digits = String(offset)
            table += String(repeating: "0", count: 10 - digits.count) + digits + " 00000 n \n"
        }
        table += "trailer\n<< /Size \(objects.count + 1) /Root 1 0 R >>\nstartxref\n\(xref)\n%%EOF\n"
        return pdf + Array(table.utf8)
    }
}

/// Deterministic pseudo-random bytes (SplitMix64), so a failing case can be rerun.
struct SeededBytes {
    private var state: UInt64

    init(seed: UInt64) {
        state = seed
    }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var value = state
        value = (value ^ (value >> 30)) &* 0xBF58_476D_1CE4_E5B9
        value = (value ^ (value >> 27)) &* 0x94D0_49BB_1331_11EB
        return value ^ (value >> 31)
    }

    mutating func bytes(_ count: Int) -> [UInt8] {
        (0..<count).map { _ in UInt8(truncatingIfNeeded: next()) }
    }
}

/// The process's peak resident memory so far, in bytes.
func peakResidentBytes() -> Int {
    var usage = rusage()
    getrusage(__rusage_who_t(RUSAGE_SELF.rawValue), &usage)
    return usage.ru_maxrss * 1024
}

/// The media types of the formats the extractor reads.
enum MediaTypes {
    static let docx = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    static let odt = "application/vnd.oasis.opendocument.text"
}
