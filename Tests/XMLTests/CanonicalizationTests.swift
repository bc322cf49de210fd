import Foundation
import Testing
import XML

@Suite("Exclusive XML canonicalisation")
struct CanonicalizationTests {
    /// The canonical form of a document given as text.
    private func canonical(_ text: String) throws -> String {
        let bytes = try XMLDocument(parsing: text).canonicalized()
        return String(decoding: bytes, as: UTF8.self)
    }

    /// The reference document.
    static let original = """
        <?xml version="1.0" encoding="UTF-8"?>
        <r:root xmlns:r="urn:r" xmlns:unused="urn:unused" b="2"   a='1'><r:child x='"q"' y="&apos;">text &amp; \
        more</r:child><r:empty/><s:other xmlns:s="urn:s"/></r:root>

        """

    /// The same information written differently: no XML declaration, attributes in another
    /// order, other quotes, whitespace inside tags, a character reference, an empty element
    /// written as a pair, `s` declared on the root where it is not used, another unused
    /// declaration, and a comment.
    static let rewritten = """
        <r:root   a="1" b='2'  xmlns:s="urn:s" xmlns:r="urn:r"
          ><!-- a comment is not content --><r:child  y="'" x="&quot;q&quot;"
        >text &#38; more</r:child ><r:empty></r:empty><s:other xmlns:u2="urn:u2"></s:other></r:root >
        """

    /// What Exclusive C14N 1.0 makes of both: sorted attributes, double quotes, namespace
    /// declarations only where visibly used, no declaration, no comments.
    static let expected =
        #"<r:root xmlns:r="urn:r" a="1" b="2"><r:child x="&quot;q&quot;" y="'">text &amp; more"#
        + #"</r:child><r:empty></r:empty><s:other xmlns:s="urn:s"></s:other></r:root>"#

    @Test("documents differing only in syntax canonicalise to identical, expected bytes")
    func syntaxDoesNotMatter() throws {
        let first = try canonical(Self.original)
        let second = try canonical(Self.rewritten)
        #expect(first == Self.expected)
        #expect(second == Self.expected)
        #expect(first == second)
    }

    @Test("canonicalisation is deterministic and idempotent")
    func stable() throws {
        let document = try XMLDocument(parsing: Self.rewritten)
        let once = try document.canonicalized()
        #expect(try document.canonicalized() == once)
        #expect(try XMLDocument(parsing: once).canonicalized() == once)
    }

    @Test(
        "a change of content changes the bytes",
        arguments: [
            ("text value", "text &amp; more", "text &amp; less"),
            ("attribute value", "a='1'", "a='10'"),
            ("namespace URI", #"xmlns:r="urn:r""#, #"xmlns:r="urn:r2""#),
            ("element name", "<r:empty/>", "<r:vacant/>"),
            ("added whitespace in content", "<r:empty/>", "<r:empty> </r:empty>"),
        ])
    func contentMatters(_ change: (String, String, String)) throws {
        let (what, from, to) = change
        #expect(Self.original.contains(from), "the fixture no longer contains \(from)")
        let changed = try canonical(Self.original.replacingOccurrences(of: from, with: to))
        #expect(changed != Self.expected, "changing the \(what) did not change the canonical form")
    }

    @Test("a built document canonicalises like the parsed text of the same information")
    func builtEqualsParsed() throws {
        let r = XMLNamespace(prefix: "r", uri: "urn:r")
        let s = XMLNamespace(prefix: "s", uri: "urn:s")
        let tree = XMLElement(
            "root", namespace: r,
            attributes: [XMLAttribute("b", value: "2"), XMLAttribute("a", value: "1")],
            elements: [
                XMLElement(
                    "child", namespace: r,
                    attributes: [XMLAttribute("y", value: "'"), XMLAttribute("x", value: "\"q\"")],
                    text: "text & more"),
                XMLElement("empty", namespace: r),
                XMLElement("other", namespace: s),
            ])
        let bytes = try XMLDocument(root: tree).canonicalized()
        #expect(String(decoding: bytes, as: UTF8.self) == Self.expected)
    }

    @Test("non-ASCII text stays as UTF-8 and special characters are escaped the C14N way")
    func escaping() throws {
        let form = try canonical("<a b='&lt;&#9;&#10;'>é &gt; &#13;</a>")
        #expect(form == "<a b=\"&lt;&#x9;&#xA;\">é &gt; &#xD;</a>")
    }
}
