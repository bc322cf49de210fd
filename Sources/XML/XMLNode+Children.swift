import CLibXML2

extension XMLNode {
    /// Whether this is character data: a text node or a CDATA section (its `text` is the data).
    public var isText: Bool {
        pointer.pointee.type == XML_TEXT_NODE || pointer.pointee.type == XML_CDATA_SECTION_NODE
    }

    /// The element and character-data children, in document order; comments and processing
    /// instructions are skipped.
    ///
    /// Unlike `childElements`, this keeps the text between elements, which mixed content
    /// (`<p>Dear <b>Mayor</b>,</p>`) needs to be read in order.
    public var children: [XMLNode] {
        var result: [XMLNode] = []
        var child = pointer.pointee.children
        while let current = child {
            switch current.pointee.type {
            case XML_ELEMENT_NODE, XML_TEXT_NODE, XML_CDATA_SECTION_NODE:
                result.append(XMLNode(pointer: current, document: document))
            default:
                break
            }
            child = current.pointee.next
        }
        return result
    }
}
