import Foundation

/// The kinds of document text can be extracted from, recognised by media type.
enum DocumentFormat: Sendable, Hashable {
    /// Text as it is: `text/plain`, `text/csv`, `message/rfc822` and any other `text/*`
    /// except HTML and XML.
    case plainText
    /// `text/html` and `application/xhtml+xml`.
    case html
    /// `application/xml`, `text/xml` and any `…+xml` type.
    case xml
    /// Word (Office Open XML) documents.
    case docx
    /// OpenDocument text documents.
    case odt
    /// `application/pdf`.
    case pdf
    /// Anything else, with the media type as given (for the reason shown to users).
    case unsupported(String)

    static let docxMediaType = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    static let odtMediaType = "application/vnd.oasis.opendocument.text"

    /// The format for a media type; parameters (`; charset=…`) and letter case are ignored.
    init(mediaType: String) {
        let essence = mediaType.prefix { $0 != ";" }.trimmingCharacters(in: .whitespaces).lowercased()
        switch essence {
        case "text/html", "application/xhtml+xml": self = .html
        case "application/xml", "text/xml": self = .xml
        case Self.docxMediaType: self = .docx
        case Self.odtMediaType: self = .odt
        case "application/pdf": self = .pdf
        case "message/rfc822": self = .plainText
        case _ where essence.hasSuffix("+xml"): self = .xml
        case _ where essence.hasPrefix("text/") && essence.count > "text/".count: self = .plainText
        default: self = .unsupported(mediaType)
        }
    }

    /// The name used in reasons ("DOCX has no word/document.xml").
    var name: String {
        switch self {
        case .plainText: "text"
        case .html: "HTML"
        case .xml: "XML"
        case .docx: "DOCX"
        case .odt: "ODT"
        case .pdf: "PDF"
        case .unsupported(let mediaType): mediaType
        }
    }
}
