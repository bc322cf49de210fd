import XML

/// The text of a DOCX main document part (`word/document.xml`, WordprocessingML).
///
/// Runs' text (`w:t`) in order; `w:tab` is a tab, `w:br` and `w:cr` a line break, and every
/// paragraph (`w:p`, table cells' included) ends a line. Deleted revisions, paragraph and run
/// properties (whose `w:tab` elements are tab stops, not tabs) and the fallback copies of
/// drawings (`mc:Fallback`, which repeat a text box's text) are skipped.
enum WordprocessingText {
    /// The transitional namespace (what Word writes) and the strict one.
    static let namespaces: Set<String> = [
        "http://schemas.openxmlformats.org/wordprocessingml/2006/main",
        "http://purl.oclc.org/ooxml/wordprocessingml/main",
    ]
    static let markupCompatibilityNamespace = "http://schemas.openxmlformats.org/markup-compatibility/2006"

    /// Elements whose content is not the document's visible text.
    private static let skipped: Set<String> = [
        "pPr", "rPr", "sectPr", "tblPr", "tblGrid", "trPr", "tcPr", "del", "moveFrom", "delText", "instrText",
    ]

    static func text(of document: XMLDocument) -> String {
        var buffer = TextBuffer()
        if let root = document.root { write(root, into: &buffer) }
        return buffer.text
    }

    private static func write(_ element: XMLNode, into buffer: inout TextBuffer) {
        for child in element.childElements {
            guard let namespace = child.namespaceURI, namespaces.contains(namespace) else {
                let isFallback = child.name == "Fallback" && child.namespaceURI == markupCompatibilityNamespace
                if !isFallback { write(child, into: &buffer) }
                continue
            }
            switch child.name {
            case "t": buffer.append(child.text)
            case "tab", "ptab": buffer.append("\t")
            case "br", "cr": buffer.lineBreak()
            case "noBreakHyphen": buffer.append("-")
            case "p":
                buffer.endLine()  // a text box's paragraphs sit inside another paragraph
                write(child, into: &buffer)
                buffer.lineBreak()
            case _ where skipped.contains(child.name): continue
            default: write(child, into: &buffer)
            }
        }
    }
}
