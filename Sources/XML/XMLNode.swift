import CLibXML2

/// A read-only view of one node of an `XMLDocument`; keeps its document alive.
public struct XMLNode {
    let pointer: xmlNodePtr
    /// The owner of the tree, held so the node never outlives it.
    public let document: XMLDocument

    init(pointer: xmlNodePtr, document: XMLDocument) {
        self.pointer = pointer
        self.document = document
    }

    /// Whether this is an element (as opposed to text, an attribute, a comment …).
    public var isElement: Bool { pointer.pointee.type == XML_ELEMENT_NODE }

    /// The local name (without prefix).
    public var name: String {
        pointer.pointee.name.map { String(cString: $0) } ?? ""
    }

    /// The namespace URI of an element or attribute, if it has one.
    public var namespaceURI: String? {
        pointer.pointee.ns?.pointee.href.map { String(cString: $0) }
    }

    /// All text inside the node, concatenated (`xmlNodeGetContent`).
    public var text: String {
        guard let content = xmlNodeGetContent(pointer) else { return "" }
        defer { docket_xml_free(content) }
        return String(cString: content)
    }

    /// The line the node starts on (for elements: where libxml2 saw the start tag end).
    public var line: Int { Int(xmlGetLineNo(pointer)) }

    /// The column of an element's `<` when it was parsed from text on one line, else 0.
    public var column: Int { XMLDocument.recordedColumn(of: pointer) }

    /// The value of an attribute, looked up by local name and namespace (nil: no namespace).
    public func attribute(_ name: String, namespace: String? = nil) -> String? {
        let value: UnsafeMutablePointer<xmlChar>? =
            if let namespace { xmlGetNsProp(pointer, name, namespace) } else { xmlGetNoNsProp(pointer, name) }
        guard let value else { return nil }
        defer { docket_xml_free(value) }
        return String(cString: value)
    }

    /// The attributes of an element, in document order.
    public var attributes: [XMLAttributeValue] {
        guard isElement else { return [] }
        var result: [XMLAttributeValue] = []
        var attribute = pointer.pointee.properties
        while let current = attribute {
            let node = XMLNode(
                pointer: UnsafeMutableRawPointer(current).assumingMemoryBound(to: xmlNode.self), document: document)
            result.append(XMLAttributeValue(name: node.name, namespaceURI: node.namespaceURI, value: node.text))
            attribute = current.pointee.next
        }
        return result
    }

    /// The child elements, in document order (text, comments and PIs are skipped).
    public var childElements: [XMLNode] {
        var result: [XMLNode] = []
        var child = pointer.pointee.children
        while let current = child {
            if current.pointee.type == XML_ELEMENT_NODE {
                result.append(XMLNode(pointer: current, document: document))
            }
            child = current.pointee.next
        }
        return result
    }
}

/// One attribute of an element, as plain values.
public struct XMLAttributeValue: Sendable, Hashable {
    public var name: String
    public var namespaceURI: String?
    public var value: String
}
