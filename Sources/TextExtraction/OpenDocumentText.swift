import XML

/// The text of an ODT document body (`content.xml`, OpenDocument).
///
/// Paragraphs and headings (`text:p`, `text:h`) end a line; `text:s` is as many spaces as its
/// `text:c` says, `text:tab` a tab, `text:line-break` a line break. Whitespace written in the
/// XML itself is layout, as ODF defines it, so it flows as spaces. Tracked deletions and
/// comments (`office:annotation`, with their author and date) are skipped.
enum OpenDocumentText {
    static let textNamespace = "urn:oasis:names:tc:opendocument:xmlns:text:1.0"
    static let officeNamespace = "urn:oasis:names:tc:opendocument:xmlns:office:1.0"
    /// `text:s` counts above this are treated as this (the normaliser collapses them anyway).
    static let maximumSpaces = 1024

    static func text(of document: XMLDocument) -> String {
        guard let root = document.root else { return "" }
        // The body alone: styles and declarations before it hold no text.
        let body = root.childElements.first { $0.name == "body" && $0.namespaceURI == officeNamespace } ?? root
        var buffer = TextBuffer()
        write(body, into: &buffer)
        return buffer.text
    }

    private static func write(_ node: XMLNode, into buffer: inout TextBuffer) {
        for child in node.children {
            if child.isText {
                buffer.appendFlowing(child.text)
                continue
            }
            switch (child.namespaceURI, child.name) {
            case (textNamespace, "p"), (textNamespace, "h"):
                buffer.endLine()  // a note's paragraphs sit inside another paragraph
                write(child, into: &buffer)
                buffer.lineBreak()
            case (textNamespace, "s"):
                let count = child.attribute("c", namespace: textNamespace).flatMap { Int($0) } ?? 1
                buffer.append(String(repeating: " ", count: min(max(count, 1), maximumSpaces)))
            case (textNamespace, "tab"):
                buffer.append("\t")
            case (textNamespace, "line-break"):
                buffer.lineBreak()
            case (textNamespace, "tracked-changes"), (officeNamespace, "annotation"):
                continue
            default:
                write(child, into: &buffer)
            }
        }
    }
}
