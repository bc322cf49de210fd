/// Media types and stored file extensions for archived documents.
enum MediaType {
    private static let byExtension: [String: String] = [
        "pdf": "application/pdf",
        "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        "doc": "application/msword",
        "odt": "application/vnd.oasis.opendocument.text",
        "rtf": "application/rtf",
        "txt": "text/plain",
        "html": "text/html",
        "htm": "text/html",
        "xml": "application/xml",
        "eml": "message/rfc822",
        "msg": "application/vnd.ms-outlook",
        "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        "csv": "text/csv",
        "png": "image/png",
        "jpg": "image/jpeg",
        "jpeg": "image/jpeg",
    ]

    /// The file name's extension, lower-case, if it is short and plain.
    static func fileExtension(of name: String) -> String? {
        let base = name.split(separator: "/").last.map(String.init) ?? name
        guard let dot = base.lastIndex(of: "."), dot != base.startIndex else { return nil }
        let candidate = base[base.index(after: dot)...].lowercased()
        let plain =
            !candidate.isEmpty && candidate.count <= 10
            && candidate.unicodeScalars.allSatisfy { ("a"..."z").contains($0) || ("0"..."9").contains($0) }
        return plain ? candidate : nil
    }

    /// The media type for a file name (`application/octet-stream` when unknown).
    static func of(fileName: String) -> String {
        fileExtension(of: fileName).flatMap { byExtension[$0] } ?? unknown
    }

    /// The media type of a document: by its name's extension when that is one Docket knows,
    /// else by its first bytes. A file whose name says nothing (an upload named `x`, or
    /// `../../x` reduced to `x`) is still recognised as the PDF, Word document or text it is,
    /// so its text reaches the index.
    static func of(fileName: String, content: [UInt8]) -> String {
        let named = of(fileName: fileName)
        return named == unknown ? sniff(content) : named
    }

    /// The extension to store a document's content under: its name's, else the one its
    /// content's media type implies (so that the file explains itself to someone browsing the
    /// archive without Docket), else `bin`.
    static func storedExtension(of fileName: String, content: [UInt8]) -> String {
        if fileExtension(of: fileName) != nil { return storedExtension(of: fileName) }
        let implied = sniffedExtension[sniff(content)]
        return storedExtension(of: implied.map { "file.\($0)" } ?? fileName)
    }

    static let unknown = "application/octet-stream"

    /// The extension for each type `sniff` can answer.
    private static let sniffedExtension: [String: String] = [
        "application/pdf": "pdf", byExtension["docx"]!: "docx", byExtension["odt"]!: "odt", "text/html": "html",
        "application/xml": "xml", "text/plain": "txt",
    ]

    /// The media type the bytes themselves show: PDF and ZIP signatures, an OpenDocument
    /// `mimetype` entry, a Word package's part names, XML and HTML openings, then UTF-8 text
    /// without control characters. Anything else is `application/octet-stream`.
    static func sniff(_ content: [UInt8]) -> String {
        func starts(_ prefix: String, at offset: Int = 0) -> Bool {
            let bytes = Array(prefix.utf8)
            return content.count >= offset + bytes.count && Array(content[offset..<offset + bytes.count]) == bytes
        }
        if starts("%PDF-") { return "application/pdf" }
        if starts("PK\u{3}\u{4}") {
            // An OpenDocument package starts with its uncompressed `mimetype` entry.
            if starts("mimetype", at: 30), starts(byExtension["odt"]!, at: 38) { return byExtension["odt"]! }
            // Part names are stored uncompressed in the local and central headers.
            let head = content.prefix(1 << 20)
            if head.firstRange(of: Array("[Content_Types].xml".utf8)) != nil,
                head.firstRange(of: Array("word/document.xml".utf8)) != nil
            {
                return byExtension["docx"]!
            }
            return unknown
        }
        guard
            let text = String(validating: content.prefix(64 * 1024), as: UTF8.self)
                ?? String(validating: content.prefix(64 * 1024 - 3), as: UTF8.self)
        else { return unknown }
        let allowed: Set<Unicode.Scalar> = ["\t", "\n", "\r", "\u{C}"]
        guard !text.unicodeScalars.contains(where: { $0.value < 0x20 && !allowed.contains($0) || $0.value == 0x7F })
        else { return unknown }
        let opening = text.drop { $0 == "\u{FEFF}" || $0.isWhitespace }.prefix(512).lowercased()
        if opening.hasPrefix("<!doctype html") || opening.hasPrefix("<html") { return "text/html" }
        if opening.hasPrefix("<?xml") { return opening.contains("<html") ? "text/html" : "application/xml" }
        return "text/plain"
    }

    /// The extension to store the content under (`bin` when the name has none usable).
    ///
    /// An XML document is stored as `SHA256.xmldata`: `SHA256.xml` is the name of its metadata
    /// file beside it, which would otherwise overwrite the content it describes.
    static func storedExtension(of fileName: String) -> String {
        let found = fileExtension(of: fileName) ?? "bin"
        return found == metadataExtension ? "xmldata" : found
    }

    /// The extension of every document's metadata file (`SHA256.xml`).
    static let metadataExtension = "xml"
}
