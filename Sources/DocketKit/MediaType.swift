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
        fileExtension(of: fileName).flatMap { byExtension[$0] } ?? "application/octet-stream"
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
