import CLibXML2

/// A namespace: its URI and the prefix to declare it with (nil: the default namespace).
public struct XMLNamespace: Sendable, Hashable {
    public var prefix: String?
    public var uri: String

    public init(prefix: String? = nil, uri: String) {
        self.prefix = prefix
        self.uri = uri
    }
}

/// An attribute to write.
public struct XMLAttribute: Sendable, Hashable {
    public var name: String
    /// A namespaced attribute needs a namespace with a prefix.
    public var namespace: XMLNamespace?
    public var value: String

    public init(_ name: String, namespace: XMLNamespace? = nil, value: String) {
        self.name = name
        self.namespace = namespace
        self.value = value
    }
}

/// What an element contains: more elements, or text.
public enum XMLContent: Sendable, Hashable {
    case element(XMLElement)
    case text(String)
}

/// An element to write, as a plain value tree. `XMLDocument(root:)` turns it into a libxml2
/// tree, which escapes text and declares namespaces: Docket never pastes XML as strings.
public struct XMLElement: Sendable, Hashable {
    public var name: String
    public var namespace: XMLNamespace?
    public var attributes: [XMLAttribute]
    public var children: [XMLContent]
    /// Namespaces to declare on this element beyond the ones its own name and attributes use,
    /// so that descendants share one declaration (and an attribute value naming a QName, such
    /// as `xsi:type="dcterms:IMT"`, finds its prefix bound) instead of each declaring its own.
    public var declaredNamespaces: [XMLNamespace] = []

    public init(
        _ name: String, namespace: XMLNamespace? = nil, attributes: [XMLAttribute] = [], children: [XMLContent] = []
    ) {
        self.name = name
        self.namespace = namespace
        self.attributes = attributes
        self.children = children
    }

    /// An element holding only text.
    public init(_ name: String, namespace: XMLNamespace? = nil, attributes: [XMLAttribute] = [], text: String) {
        self.init(name, namespace: namespace, attributes: attributes, children: [.text(text)])
    }

    /// An element holding only child elements.
    public init(
        _ name: String, namespace: XMLNamespace? = nil, attributes: [XMLAttribute] = [], elements: [XMLElement]
    ) {
        self.init(name, namespace: namespace, attributes: attributes, children: elements.map(XMLContent.element))
    }
}

extension XMLDocument {
    /// Builds a document from a value tree through libxml2.
    ///
    /// - Parameters:
    ///   - root: the document element.
    ///   - source: the name used in later diagnostics.
    /// - Throws: `XMLError.notRepresentable` for a name that is not an XML name, text with a
    ///   character XML 1.0 cannot carry (such as U+0000 or U+001B), or a namespaced attribute
    ///   without a prefix. Nothing is silently dropped or changed.
    public convenience init(root: XMLElement, source: String = "(built)") throws {
        XMLLibrary.ensureInitialized()
        guard let document = xmlNewDoc("1.0") else {
            throw XMLError.serializationFailed("creating a document", [])
        }
        do {
            let element = try TreeBuilder(document: document).makeElement(root, parent: nil)
            xmlDocSetRootElement(document, element)
        } catch {
            xmlFreeDoc(document)
            throw error
        }
        self.init(owning: document, source: source)
    }
}

/// Turns `XMLElement` values into libxml2 nodes inside one document.
private struct TreeBuilder {
    let document: xmlDocPtr

    func makeElement(_ element: XMLElement, parent: xmlNodePtr?) throws -> xmlNodePtr {
        try checkName(element.name)
        guard let node = xmlNewDocNode(document, nil, element.name, nil) else {
            throw XMLError.serializationFailed("creating element <\(element.name)>", [])
        }
        if let parent {
            xmlAddChild(parent, node)
        }
        do {
            if let namespace = element.namespace {
                xmlSetNs(node, try namespacePointer(namespace, on: node))
            }
            for namespace in element.declaredNamespaces {
                _ = try namespacePointer(namespace, on: node)
            }
            for attribute in element.attributes {
                try addAttribute(attribute, to: node)
            }
            for child in element.children {
                switch child {
                case .element(let childElement):
                    _ = try makeElement(childElement, parent: node)
                case .text(let text):
                    try checkCharacters(text, in: "text of <\(element.name)>")
                    xmlAddChild(node, xmlNewDocText(document, text))
                }
            }
        } catch {
            if parent == nil { xmlFreeNode(node) }
            throw error
        }
        return node
    }

    private func addAttribute(_ attribute: XMLAttribute, to node: xmlNodePtr) throws {
        try checkName(attribute.name)
        try checkCharacters(attribute.value, in: "attribute \(attribute.name)")
        if let namespace = attribute.namespace {
            guard namespace.prefix != nil else {
                throw XMLError.notRepresentable(
                    "attribute \(attribute.name) in namespace \(namespace.uri) needs a prefix")
            }
            xmlNewNsProp(node, try namespacePointer(namespace, on: node), attribute.name, attribute.value)
        } else {
            xmlNewProp(node, attribute.name, attribute.value)
        }
    }

    /// The in-scope declaration of `namespace`, declaring it on `node` when there is none
    /// with the same prefix.
    private func namespacePointer(_ namespace: XMLNamespace, on node: xmlNodePtr) throws -> xmlNsPtr {
        if let prefix = namespace.prefix { try checkName(prefix) }
        if let existing = xmlSearchNs(document, node, namespace.prefix),
            existing.pointee.href.map({ String(cString: $0) }) == namespace.uri
        {
            return existing
        }
        guard let declared = xmlNewNs(node, namespace.uri, namespace.prefix) else {
            throw XMLError.notRepresentable(
                "namespace prefix '\(namespace.prefix ?? "")' is already bound on this element to another URI")
        }
        return declared
    }

    private func checkName(_ name: String) throws {
        guard xmlValidateNCName(name, 0) == 0 else {
            throw XMLError.notRepresentable("'\(name)' is not a valid XML name")
        }
    }

    /// XML 1.0 allows tab, newline, carriage return and U+0020 upward, less U+FFFE and U+FFFF
    /// (Swift strings hold no surrogates).
    private func checkCharacters(_ text: String, in place: String) throws {
        for scalar in text.unicodeScalars {
            let value = scalar.value
            let allowed =
                value == 0x9 || value == 0xA || value == 0xD || (value >= 0x20 && value != 0xFFFE && value != 0xFFFF)
            if !allowed {
                throw XMLError.notRepresentable(
                    "\(place) contains U+\(String(value, radix: 16, uppercase: true)), which XML 1.0 cannot carry")
            }
        }
    }
}
