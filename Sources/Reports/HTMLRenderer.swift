import XML

/// Renders a `RichDocument` as a standalone HTML5 page for the web and for print.
///
/// The page carries its own small style sheet (A4, sans-serif, bordered tables) and needs
/// nothing else: no scripts, fonts or images. Its structure is what assistive technology
/// reads: `<html lang>`, the title as the one `<h1>`, sections as `<h2>` and sub-headings as
/// `<h3>`, real lists, and tables whose header cells are `<th scope="col">`.
///
/// The page is built as an element tree and written by libxml2, so every piece of text is
/// escaped: a title containing `<script>` is shown as those characters, never run.
public enum HTMLRenderer {
    /// The document as a UTF-8 HTML5 page, starting `<!DOCTYPE html>`.
    ///
    /// The markup is also well-formed XML (XHTML-compatible), so XML tools can read it too.
    ///
    /// - Parameters:
    ///   - document: the document to render.
    ///   - language: the BCP 47 tag of the document's language, for `<html lang>` (screen
    ///     readers choose their voice by it).
    /// - Throws: `ReportError` for a document or language neither format can represent;
    ///   `XMLError.notRepresentable` for text with a character XML cannot carry, such as U+0000.
    public static func render(_ document: RichDocument, language: String = "en-GB") throws -> [UInt8] {
        try validateLanguageTag(language)
        try document.validate()
        let root = HTMLElement.make(
            "html", attributes: ["lang": language],
            elements: [head(title: document.title), body(document)])
        let markup = try XMLDocument(root: root, source: "HTML rendering of \(document.title)")
            .serializedWithoutDeclaration()
        return Array("<!DOCTYPE html>\n".utf8) + markup
    }

    private static func head(title: String) -> XMLElement {
        HTMLElement.make(
            "head",
            elements: [
                HTMLElement.make("meta", attributes: ["charset": "utf-8"]),
                HTMLElement.make(
                    "meta", attributes: ["name": "viewport", "content": "width=device-width, initial-scale=1"]),
                HTMLElement.make("title", children: [.text(title)]),
                HTMLElement.make("style", children: [.text(styleSheet)]),
            ])
    }

    private static func body(_ document: RichDocument) -> XMLElement {
        var header: [XMLElement] = []
        if let banner = document.banner {
            header.append(HTMLElement.make("p", attributes: ["class": "banner"], children: inline(banner)))
        }
        header.append(HTMLElement.make("h1", children: inline(document.title)))
        return HTMLElement.make(
            "body",
            elements: [
                HTMLElement.make("header", elements: header),
                HTMLElement.make("main", elements: document.blocks.map(element(for:))),
            ])
    }

    private static func element(for block: RichDocument.Block) -> XMLElement {
        switch block {
        case .heading(let number, let text, let level):
            // The title is the page's <h1>, so a section heading (level 1) is an <h2>.
            // `validate()` has already limited `level` to 1...2.
            return numbered("h\(level + 1)", number: number, text: text)
        case .paragraph(let number, let text):
            return numbered("p", number: number, text: text)
        case .numberedList(let items):
            return HTMLElement.make("ol", elements: items.map { HTMLElement.make("li", children: inline($0)) })
        case .bulletList(let items):
            return HTMLElement.make("ul", elements: items.map { HTMLElement.make("li", children: inline($0)) })
        case .table(let header, let rows):
            return table(header: header, rows: rows)
        case .notice(let text):
            return HTMLElement.make("p", attributes: ["class": "notice", "role": "note"], children: inline(text))
        }
    }

    /// A heading or paragraph whose number, if any, sits in its own `<span class="number">`:
    /// the style sheet hangs it in the margin, and the number stays part of the text that is
    /// read aloud and copied.
    private static func numbered(_ name: String, number: String?, text: String) -> XMLElement {
        guard let number else { return HTMLElement.make(name, children: inline(text)) }
        let span = HTMLElement.make("span", attributes: ["class": "number"], children: [.text(number)])
        return HTMLElement.make(
            name, attributes: ["class": "numbered"], children: [.element(span), .text(" ")] + inline(text))
    }

    private static func table(header: [String], rows: [[String]]) -> XMLElement {
        let headerCells = header.map { HTMLElement.make("th", attributes: ["scope": "col"], children: inline($0)) }
        var sections = [HTMLElement.make("thead", elements: [HTMLElement.make("tr", elements: headerCells)])]
        if !rows.isEmpty {
            let bodyRows = rows.map { row in
                HTMLElement.make("tr", elements: row.map { HTMLElement.make("td", children: inline($0)) })
            }
            sections.append(HTMLElement.make("tbody", elements: bodyRows))
        }
        return HTMLElement.make("table", elements: sections)
    }

    /// Text with its line breaks as `<br>`, the way DOCXWriter turns them into `w:br`.
    private static func inline(_ text: String) -> [XMLContent] {
        var content: [XMLContent] = []
        for (index, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            if index > 0 { content.append(.element(HTMLElement.make("br"))) }
            if !line.isEmpty { content.append(.text(String(line))) }
        }
        return content
    }

    /// Print-friendly and plain. libxml2 escapes text inside `<style>` like any other text,
    /// while an HTML parser reads it raw, so this must contain no `<`, `>` or `&`.
    private static let styleSheet = """

        @page { size: A4; margin: 20mm 25mm; }
        body { font-family: Arial, Helvetica, sans-serif; font-size: 11pt; line-height: 1.4; color: #000;
          background: #fff; max-width: 46em; margin: 2em auto; padding: 0 1em; }
        .banner { font-size: 14pt; font-weight: bold; text-align: center; margin: 0 0 1em; }
        h1 { font-size: 16pt; margin: 0 0 1em; }
        h2 { font-size: 12pt; margin: 1.5em 0 0.5em; break-after: avoid; }
        h3 { font-size: 11pt; margin: 1.25em 0 0.5em; break-after: avoid; }
        .numbered { padding-left: 3em; text-indent: -3em; }
        .number { display: inline-block; min-width: 3em; text-indent: 0; }
        ol, ul { margin: 0.5em 0; padding-left: 6em; }
        li { margin: 0.25em 0; }
        table { border-collapse: collapse; width: 100%; margin: 1em 0; }
        th, td { border: 1px solid #000; padding: 0.25em 0.5em; text-align: left; vertical-align: top; }
        thead { display: table-header-group; }
        .notice { border: 2px solid #000; padding: 0.5em 1em; font-weight: bold; }
        @media print {
          body { max-width: none; margin: 0; padding: 0; }
          tr { break-inside: avoid; }
        }

        """
}

/// Elements for a page that HTML and XML parsers read alike: in the XHTML namespace (which
/// HTML5 allows on every element), and never written as `<p/>`, which an HTML parser reads as
/// an unclosed `<p>`.
private enum HTMLElement {
    static let namespace = XMLNamespace(uri: "http://www.w3.org/1999/xhtml")
    /// The HTML elements that have no content and no end tag, so `<br/>` suits them.
    static let void: Set<String> = [
        "area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr",
    ]

    /// Attributes are written in the order given (`KeyValuePairs` keeps it; a dictionary would not).
    /// An element that is not void and has no children gets an empty text child, which libxml2
    /// writes as `<td></td>`.
    static func make(
        _ name: String, attributes: KeyValuePairs<String, String> = [:], children: [XMLContent] = []
    ) -> XMLElement {
        XMLElement(
            name, namespace: namespace, attributes: attributes.map { XMLAttribute($0.key, value: $0.value) },
            children: children.isEmpty && !void.contains(name) ? [.text("")] : children)
    }

    static func make(_ name: String, attributes: KeyValuePairs<String, String> = [:], elements: [XMLElement])
        -> XMLElement
    {
        make(name, attributes: attributes, children: elements.map(XMLContent.element))
    }
}
