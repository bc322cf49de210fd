import Foundation
import Testing
import XML

@Suite("XPath")
struct XPathTests {
    /// Namespaces deliberately bound to other prefixes than the document uses: XPath must
    /// match by URI, not by the prefix written in the file.
    static let bindings = ["s": "urn:docket:test:xpath:1", "a": "urn:docket:test:default:1"]

    static func document() throws -> XMLDocument {
        try XMLDocument(
            parsing: """
                <d:docket xmlns:d="urn:docket:test:xpath:1" xmlns="urn:docket:test:default:1">
                  <d:submission ref="BVP-2016-03" d:state="dispatched">
                    <d:title>Six-monthly update</d:title>
                    <annex letter="A" pages="12">Progress report</annex>
                    <annex letter="B" pages="3">Response</annex>
                  </d:submission>
                  <d:submission ref="BVP-2016-04">
                    <d:title>Second update</d:title>
                  </d:submission>
                </d:docket>
                """, source: "xpath.xml")
    }

    @Test("nodes selects namespaced elements through the caller's own prefixes")
    func nodesWithPrefixes() throws {
        let document = try Self.document()
        let submissions = try document.nodes("/s:docket/s:submission", namespaces: Self.bindings)
        #expect(submissions.map { $0.attribute("ref") } == ["BVP-2016-03", "BVP-2016-04"])
        #expect(submissions.allSatisfy { $0.isElement && $0.namespaceURI == "urn:docket:test:xpath:1" })
        #expect(submissions.first?.attribute("state", namespace: "urn:docket:test:xpath:1") == "dispatched")
        #expect(submissions.first?.attribute("state") == nil, "a namespaced attribute is not a plain one")

        let annexes = try document.nodes("//a:annex", namespaces: Self.bindings)
        #expect(annexes.map(\.text) == ["Progress report", "Response"])
        #expect(annexes.map(\.namespaceURI) == ["urn:docket:test:default:1", "urn:docket:test:default:1"])
        #expect(annexes.first?.line == 4)
        // XPath 1.0 has no default namespace: an unprefixed name means "no namespace".
        #expect(try document.nodes("//annex", namespaces: Self.bindings).isEmpty)
        #expect(try document.nodes("//d:annex", namespaces: ["d": "urn:docket:test:default:1"]).count == 2)

        let states = try document.nodes("//s:submission/@s:state", namespaces: Self.bindings)
        #expect(states.map(\.text) == ["dispatched"])
        #expect(states.first?.isElement == false)
    }

    @Test("relative expressions evaluate against the given node")
    func relativeToNode() throws {
        let document = try Self.document()
        let first = try #require(try document.nodes("//s:submission", namespaces: Self.bindings).first)
        #expect(
            try document.nodes("s:title", namespaces: Self.bindings, relativeTo: first).map(\.text)
                == ["Six-monthly update"])
        #expect(try document.string("a:annex[2]/@letter", namespaces: Self.bindings, relativeTo: first) == "B")
        #expect(try document.number("count(a:annex)", namespaces: Self.bindings, relativeTo: first) == 2)
    }

    @Test("string and number follow XPath 1.0 conversions")
    func stringAndNumber() throws {
        let document = try Self.document()
        #expect(
            try document.string("/s:docket/s:submission[2]/s:title", namespaces: Self.bindings)
                == "Second update")
        #expect(try document.string("//s:submission[@ref='none']/s:title", namespaces: Self.bindings) == "")
        #expect(try document.string("count(//a:annex)", namespaces: Self.bindings) == "2")
        #expect(
            try document.string("concat(//s:submission/@ref, '/', 'x')", namespaces: Self.bindings)
                == "BVP-2016-03/x")
        #expect(try document.number("count(//s:submission)", namespaces: Self.bindings) == 2)
        #expect(try document.number("sum(//a:annex/@pages)", namespaces: Self.bindings) == 15)
        #expect(try document.number("//s:title", namespaces: Self.bindings).isNaN)
    }

    /// The diagnostics of an expression that must fail with `.xpathFailed` naming it.
    private func xpathFailure(_ expression: String, _ evaluate: () throws -> Void) -> [XMLDiagnostic] {
        let error = #expect(throws: XMLError.self, "'\(expression)' must fail") { try evaluate() }
        guard case .xpathFailed(let reported, let diagnostics) = error else {
            Issue.record("expected .xpathFailed for '\(expression)', got \(String(describing: error))")
            return []
        }
        #expect(reported == expression)
        #expect(error.map(String.init(describing:))?.contains(expression) == true)
        #expect(!diagnostics.isEmpty, "'\(expression)' failed without saying why")
        // libxml2 gives a per-context XPath handler no message text, only a code: a bare
        // number here ("unknown libxml2 error 1207") would mean the reason was lost.
        #expect(diagnostics.allSatisfy { !$0.message.contains("unknown libxml2 error") }, "\(diagnostics)")
        #expect(diagnostics.allSatisfy { $0.source == "xpath.xml" }, "\(diagnostics)")
        return diagnostics
    }

    @Test("a malformed expression fails with XMLError.xpathFailed and a reason")
    func badExpression() throws {
        let document = try Self.document()
        let expression = "//s:submission[@ref="
        let diagnostics = xpathFailure(expression) {
            _ = try document.nodes(expression, namespaces: Self.bindings)
        }
        #expect(diagnostics.contains { $0.message.lowercased().contains("invalid") }, "\(diagnostics)")
        _ = xpathFailure("count(") { _ = try document.number("count(", namespaces: Self.bindings) }
        let unknown = xpathFailure("docket-unknown()") { _ = try document.string("docket-unknown()") }
        #expect(unknown.contains { $0.message.contains("docket-unknown") }, "\(unknown)")
    }

    @Test("an unbound prefix fails instead of silently matching nothing")
    func unboundPrefix() throws {
        let document = try Self.document()
        let diagnostics = xpathFailure("//x:title") {
            _ = try document.nodes("//x:title", namespaces: Self.bindings)
        }
        #expect(diagnostics.contains { $0.message.contains("Undefined namespace prefix") }, "\(diagnostics)")
        _ = xpathFailure("string(//x:title)") { _ = try document.string("string(//x:title)") }
        _ = xpathFailure("count(//x:title)") { _ = try document.number("count(//x:title)") }
    }

    @Test("asking for nodes from an expression that yields a number fails clearly")
    func notANodeSet() throws {
        let document = try Self.document()
        let diagnostics = xpathFailure("count(//s:submission)") {
            _ = try document.nodes("count(//s:submission)", namespaces: Self.bindings)
        }
        #expect(diagnostics.first?.message.contains("does not select nodes") == true)
    }
}

/// An element reduced to what must survive serialising and re-parsing: names by namespace
/// URI (prefixes may legitimately change), attributes as a set, text of leaf elements.
struct ElementShape: Equatable, CustomStringConvertible {
    var name: String
    var namespaceURI: String?
    var attributes: [String: String]
    var text: String
    var children: [ElementShape]

    init(_ element: XMLElement) {
        name = element.name
        namespaceURI = element.namespace?.uri
        attributes = Dictionary(
            uniqueKeysWithValues: element.attributes.map { ("{\($0.namespace?.uri ?? "")}\($0.name)", $0.value) })
        children = element.children.compactMap {
            if case .element(let child) = $0 { ElementShape(child) } else { nil }
        }
        text = Self.allText(element)
    }

    init(_ node: XMLNode) {
        name = node.name
        namespaceURI = node.namespaceURI
        attributes = Dictionary(
            uniqueKeysWithValues: node.attributes.map { ("{\($0.namespaceURI ?? "")}\($0.name)", $0.value) })
        children = node.childElements.map(ElementShape.init)
        text = node.text
    }

    /// All descendant text in document order, as `XMLNode.text` gives it.
    private static func allText(_ element: XMLElement) -> String {
        element.children.map {
            switch $0 {
            case .text(let text): text
            case .element(let child): allText(child)
            }
        }.joined()
    }

    var description: String {
        "<{\(namespaceURI ?? "")}\(name) \(attributes.sorted { $0.key < $1.key })>\(text)\(children)"
    }
}

@Suite("Building documents from values")
struct BuildingTests {
    static let metadata = XMLNamespace(prefix: "m", uri: "urn:docket:test:metadata:1")
    static let plain = XMLNamespace(uri: "urn:docket:test:default:1")
    static let extra = XMLNamespace(prefix: "x", uri: "urn:docket:test:extra:1")

    /// Text that needs every kind of escaping XML has, and characters beyond ASCII.
    static let awkwardTexts = [
        "a < b && c > d",
        "\"double\" and 'single' quotes",
        "café — naïve ☕ 日本語 😀",
        "]]> <![CDATA[ &amp; &#60; <!-- -->",
        "tab\there\nnewline\r\ncarriage return",
        "  leading and trailing  ",
    ]

    static let tree = XMLElement(
        "document", namespace: metadata,
        attributes: [
            XMLAttribute("kind", value: "cover-letter"),
            XMLAttribute("title", value: "<&\"'> — “quoted”\ttab\nline"),
            XMLAttribute("flag", namespace: extra, value: "x & y"),
        ],
        children: [
            .element(XMLElement("reference", namespace: metadata, text: "BVP-2016-03")),
            .element(
                XMLElement(
                    "texts", namespace: plain,
                    elements: awkwardTexts.enumerated().map { index, text in
                        XMLElement(
                            "text", namespace: plain, attributes: [XMLAttribute("n", value: "\(index)")], text: text)
                    })),
            .element(XMLElement("empty", namespace: metadata)),
            .element(
                XMLElement(
                    "mixed", namespace: metadata,
                    children: [
                        .text("before "), .element(XMLElement("em", namespace: metadata, text: "&")), .text(" after"),
                    ])),
        ])

    @Test("a built tree serialises and re-parses to the same names, namespaces, attributes and text")
    func roundTrip() throws {
        let built = try XMLDocument(root: Self.tree, source: "built.xml")
        #expect(built.source == "built.xml")
        #expect(ElementShape(try #require(built.root)) == ElementShape(Self.tree))

        let bytes = try built.serialized(indented: false)
        let reparsed = try XMLDocument(parsing: bytes, source: "reparsed.xml")
        #expect(ElementShape(try #require(reparsed.root)) == ElementShape(Self.tree))
    }

    @Test("indented output re-parses to the same values")
    func indentedRoundTrip() throws {
        let reparsed = try XMLDocument(parsing: try XMLDocument(root: Self.tree).serialized(indented: true))
        let bindings = ["m": Self.metadata.uri, "p": Self.plain.uri, "x": Self.extra.uri]
        let texts = try reparsed.nodes("/m:document/p:texts/p:text", namespaces: bindings).map(\.text)
        #expect(texts == Self.awkwardTexts)
        #expect(try reparsed.string("/m:document/@x:flag", namespaces: bindings) == "x & y")
        #expect(try reparsed.string("/m:document/@title", namespaces: bindings) == "<&\"'> — “quoted”\ttab\nline")
        #expect(try reparsed.string("/m:document/m:mixed", namespaces: bindings) == "before & after")
    }

    @Test("the serialised bytes escape markup, keep UTF-8 and declare each namespace once")
    func serialisedForm() throws {
        let bytes = try XMLDocument(root: Self.tree).serialized(indented: false)
        let text = try #require(String(bytes: bytes, encoding: .utf8))
        #expect(text.hasPrefix("<?xml version=\"1.0\" encoding=\"UTF-8\"?>"))
        #expect(text.contains("a &lt; b &amp;&amp; c &gt; d"))
        #expect(text.contains("]]&gt; &lt;![CDATA[ &amp;amp;"))
        #expect(text.contains("café — naïve ☕ 日本語 😀"))
        #expect(!text.contains("a < b"))
        #expect(text.components(separatedBy: "xmlns:m=").count == 2, "m declared more than once:\n\(text)")
        #expect(text.contains("xmlns=\"urn:docket:test:default:1\""))
        #expect(text.contains("x:flag=\"x &amp; y\""))
    }

    @Test("an element may reuse a prefix for another URI below, and the values stay right")
    func shadowedPrefix() throws {
        let outer = XMLNamespace(prefix: "p", uri: "urn:outer")
        let inner = XMLNamespace(prefix: "p", uri: "urn:inner")
        let tree = XMLElement("a", namespace: outer, elements: [XMLElement("b", namespace: inner, text: "t")])
        let reparsed = try XMLDocument(parsing: try XMLDocument(root: tree).serialized(indented: false))
        #expect(ElementShape(try #require(reparsed.root)) == ElementShape(tree))
    }

    @Test("a namespace declared on an ancestor is bound once for its descendants and QName values")
    func declaredNamespaces() throws {
        let terms = XMLNamespace(prefix: "t", uri: "urn:terms")
        let instance = XMLNamespace(prefix: "xsi", uri: "http://www.w3.org/2001/XMLSchema-instance")
        var tree = XMLElement(
            "records",
            elements: [
                XMLElement(
                    "record",
                    elements: [
                        XMLElement("a", namespace: terms, text: "1"),
                        XMLElement(
                            "b", namespace: terms,
                            attributes: [XMLAttribute("type", namespace: instance, value: "t:X")],
                            text: "2"),
                    ])
            ])
        tree.declaredNamespaces = [terms, instance]
        let text = try #require(String(bytes: try XMLDocument(root: tree).serialized(indented: false), encoding: .utf8))
        #expect(text.components(separatedBy: "xmlns:t=").count == 2, "t declared more than once:\n\(text)")
        #expect(text.contains("<records xmlns:t=\"urn:terms\" xmlns:xsi="), "\(text)")
        let reparsed = try XMLDocument(parsing: Array(text.utf8))
        #expect(try reparsed.string("namespace-uri(//*[local-name() = 'b'])") == "urn:terms")
    }

    /// A tree that cannot be written as XML, with a word its refusal must contain.
    struct Unrepresentable: Sendable, CustomTestStringConvertible {
        var label: String
        var tree: XMLElement
        var word: String
        var testDescription: String { label }
    }

    static let unrepresentable: [Unrepresentable] = [
        Unrepresentable(label: "U+0001 in text", tree: XMLElement("a", text: "bell\u{1}"), word: "U+1"),
        Unrepresentable(label: "U+0000 in text", tree: XMLElement("a", text: "nul\u{0}"), word: "U+0"),
        Unrepresentable(label: "U+001B in text", tree: XMLElement("a", text: "esc\u{1B}[0m"), word: "U+1B"),
        Unrepresentable(label: "U+FFFE in text", tree: XMLElement("a", text: "\u{FFFE}"), word: "U+FFFE"),
        Unrepresentable(
            label: "U+0001 in an attribute",
            tree: XMLElement("a", attributes: [XMLAttribute("v", value: "x\u{1}")], children: []), word: "U+1"),
        Unrepresentable(
            label: "U+0001 deep in the tree",
            tree: XMLElement("a", elements: [XMLElement("b", elements: [XMLElement("c", text: "\u{1}")])]),
            word: "text of <c>"),
        Unrepresentable(
            label: "element name starting with a digit", tree: XMLElement("1st"), word: "not a valid XML name"),
        Unrepresentable(label: "element name with a space", tree: XMLElement("bad name"), word: "not a valid XML name"),
        Unrepresentable(label: "empty element name", tree: XMLElement(""), word: "not a valid XML name"),
        Unrepresentable(label: "element name with markup", tree: XMLElement("a><b"), word: "not a valid XML name"),
        Unrepresentable(label: "element name with a colon", tree: XMLElement("m:a"), word: "not a valid XML name"),
        Unrepresentable(
            label: "bad child element name", tree: XMLElement("a", elements: [XMLElement("b c")]),
            word: "not a valid XML name"),
        Unrepresentable(
            label: "bad attribute name",
            tree: XMLElement("a", attributes: [XMLAttribute("x=\"1\" y", value: "v")], children: []),
            word: "not a valid XML name"),
        Unrepresentable(
            label: "bad namespace prefix", tree: XMLElement("a", namespace: XMLNamespace(prefix: "1p", uri: "urn:p")),
            word: "not a valid XML name"),
        Unrepresentable(
            label: "namespaced attribute without a prefix",
            tree: XMLElement("a", attributes: [XMLAttribute("v", namespace: plain, value: "1")], children: []),
            word: "needs a prefix"),
        Unrepresentable(
            label: "one prefix bound to two URIs on one element",
            tree: XMLElement(
                "a", namespace: XMLNamespace(prefix: "p", uri: "urn:one"),
                attributes: [XMLAttribute("v", namespace: XMLNamespace(prefix: "p", uri: "urn:two"), value: "1")],
                children: []),
            word: "already bound"),
    ]

    @Test("what XML 1.0 cannot carry is refused with XMLError.notRepresentable", arguments: unrepresentable)
    func refusesUnrepresentable(_ example: Unrepresentable) {
        let error = #expect(throws: XMLError.self) { _ = try XMLDocument(root: example.tree) }
        guard case .notRepresentable(let reason) = error else {
            Issue.record("\(example.label): expected .notRepresentable, got \(String(describing: error))")
            return
        }
        #expect(reason.contains(example.word), "\(example.label): '\(reason)' lacks '\(example.word)'")
    }

    @Test("tab, newline and carriage return are allowed: the check is not over-eager")
    func allowedControlCharacters() throws {
        let document = try XMLDocument(root: XMLElement("a", text: "\t\n\r"))
        #expect(document.root?.text == "\t\n\r")
    }
}
