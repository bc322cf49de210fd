import XML

/// The namespaces of the parts in a DOCX package (ECMA-376 Parts 1 and 2).
enum OOXMLNamespace {
    static let wordprocessing = XMLNamespace(
        prefix: "w", uri: "http://schemas.openxmlformats.org/wordprocessingml/2006/main")
    static let contentTypes = XMLNamespace(uri: "http://schemas.openxmlformats.org/package/2006/content-types")
    static let relationships = XMLNamespace(uri: "http://schemas.openxmlformats.org/package/2006/relationships")
    static let coreProperties = XMLNamespace(
        prefix: "cp", uri: "http://schemas.openxmlformats.org/package/2006/metadata/core-properties")
    static let dublinCore = XMLNamespace(prefix: "dc", uri: "http://purl.org/dc/elements/1.1/")
    static let dublinCoreTerms = XMLNamespace(prefix: "dcterms", uri: "http://purl.org/dc/terms/")
    static let schemaInstance = XMLNamespace(prefix: "xsi", uri: "http://www.w3.org/2001/XMLSchema-instance")
    static let extendedProperties = XMLNamespace(
        uri: "http://schemas.openxmlformats.org/officeDocument/2006/extended-properties")
    static let xml = XMLNamespace(prefix: "xml", uri: "http://www.w3.org/XML/1998/namespace")
}

/// Builders for WordprocessingML elements, where every element and attribute is in the `w`
/// namespace. Word reads child elements in schema order only (a `w:pPr` whose `w:ind` comes
/// before `w:tabs` is a "corrupt document"), so callers list children in the order of the
/// ECMA-376 schema sequences.
enum W {
    /// `<w:name w:attribute="value"…>children</w:name>`.
    static func element(
        _ name: String, _ attributes: KeyValuePairs<String, String> = [:], _ children: [XMLElement] = []
    ) -> XMLElement {
        XMLElement(
            name, namespace: OOXMLNamespace.wordprocessing,
            attributes: attributes.map {
                XMLAttribute($0.key, namespace: OOXMLNamespace.wordprocessing, value: $0.value)
            },
            elements: children)
    }

    /// The very common `<w:name w:val="value"/>`.
    static func value(_ name: String, _ value: String) -> XMLElement {
        element(name, ["val": value])
    }

    /// One run holding `text`, with tabs as `w:tab` and line breaks as `w:br`: a tab or newline
    /// character inside `w:t` is only white space to Word.
    static func run(_ text: String, bold: Bool = false) -> XMLElement {
        var children: [XMLElement] = []
        if bold { children.append(element("rPr", [:], [element("b"), element("bCs")])) }
        var pending = ""
        func flush() {
            guard !pending.isEmpty else { return }
            // Keeps leading, trailing and doubled spaces, which Word would otherwise drop.
            children.append(
                XMLElement(
                    "t", namespace: OOXMLNamespace.wordprocessing,
                    attributes: [XMLAttribute("space", namespace: OOXMLNamespace.xml, value: "preserve")],
                    text: pending))
            pending = ""
        }
        for character in text {
            switch character {
            case "\t":
                flush()
                children.append(element("tab"))
            case "\n", "\r\n", "\r":
                flush()
                children.append(element("br"))
            default:
                pending.append(character)
            }
        }
        flush()
        return element("r", [:], children)
    }

    /// A paragraph with the given properties (already in schema order) and runs.
    static func paragraph(properties: [XMLElement], runs: [XMLElement]) -> XMLElement {
        element("p", [:], (properties.isEmpty ? [] : [element("pPr", [:], properties)]) + runs)
    }

    /// The four sides and inner lines of a table, single lines of half a point.
    static func tableBorders() -> XMLElement {
        element(
            "tblBorders", [:],
            ["top", "left", "bottom", "right", "insideH", "insideV"].map { side in
                element(side, ["val": "single", "sz": "4", "space": "0", "color": "000000"])
            })
    }
}

/// Layout measures, in twentieths of a point (twips) as WordprocessingML counts them.
enum WordLayout {
    /// A4 portrait.
    static let pageWidth = 11906
    static let pageHeight = 16838
    /// One inch all round, the usual council template margin.
    static let margin = 1440
    /// The width between the margins, which tables fill.
    static let textWidth = pageWidth - 2 * margin
    /// Where text starts after a paragraph or heading number ("1.1", "3.12"), and where list
    /// numbers and bullets sit, so lists line up with the numbered paragraphs' text.
    static let numberIndent = 720
    /// Where list item text starts.
    static let listTextIndent = 1440
}
