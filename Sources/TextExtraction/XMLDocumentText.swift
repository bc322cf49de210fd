import XML

/// The text of a generic XML document: every text node, in document order.
///
/// An element whose own text is only whitespace holds structure (a record, a list of
/// fields), so each of its child elements goes on a line of its own; an element with real
/// text of its own holds mixed content (`<p>Dear <b>Mayor</b>,</p>`), which flows on one
/// line with its whitespace collapsed. Attributes, comments and processing instructions
/// are not text.
enum XMLDocumentText {
    static func text(of document: XMLDocument) -> String {
        var buffer = TextBuffer()
        if let root = document.root { write(root, into: &buffer) }
        return buffer.text
    }

    private static func write(_ element: XMLNode, into buffer: inout TextBuffer) {
        let children = element.children
        let isMixed = children.contains { $0.isText && $0.text.contains { !$0.isWhitespace } }
        for child in children {
            if child.isText {
                if isMixed { buffer.appendFlowing(child.text) }
            } else if isMixed {
                write(child, into: &buffer)
            } else {
                buffer.endLine()
                write(child, into: &buffer)
                buffer.endLine()
            }
        }
    }
}
