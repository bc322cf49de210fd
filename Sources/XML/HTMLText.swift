import CLibXML2

/// The readable text of an HTML document, as a search index wants it.
///
/// The document is parsed with libxml2's forgiving HTML parser (real-world HTML is rarely
/// valid), with the network off and every parser message captured rather than printed.
/// What a browser would not show is left out — `<head>` (title included), `<script>`,
/// `<style>` and `<template>` — and the rest is laid out as plain text: whitespace collapsed
/// as HTML collapses it, one line per block (paragraph, heading, list item, table row…),
/// a line break for `<br>`, table cells separated by a tab, `<pre>` kept as written.
/// Character references (`&amp;`, `&eacute;`, `&#8217;`) come back as the characters they name.
/// libxml2 stops reading at 256 levels of nesting; anything after that point is not seen.
public enum HTMLText {
    /// The text of the HTML document in `bytes`.
    ///
    /// The encoding is taken from a byte-order mark or a `<meta charset>`; without either,
    /// UTF-8 is assumed and libxml2 falls back to ISO-8859-1 if the bytes are not UTF-8.
    ///
    /// - Parameters:
    ///   - bytes: the document as stored. Empty input has no text: the result is "".
    ///   - source: the name used in diagnostics, usually the file's path.
    ///   - maximumInputSize: inputs larger than this many bytes are refused before parsing.
    /// - Returns: the text, without leading or trailing blank lines; lines end with "\n".
    /// - Throws: `XMLError.inputTooLarge` for input over the limit; `XMLError.notWellFormed`
    ///   in the rare case libxml2 builds no document at all (it recovers from most errors).
    public static func text(
        of bytes: [UInt8], source: String = "(memory)",
        maximumInputSize: Int = XMLParseOptions.defaultMaximumInputSize
    ) throws(XMLError) -> String {
        // libxml2 takes the length as a C int.
        let limit = min(maximumInputSize, Int(Int32.max))
        guard bytes.count <= limit else {
            throw .inputTooLarge(source: source, size: bytes.count, limit: limit)
        }
        guard !bytes.isEmpty else { return "" }
        let capture = ErrorCapture(source: source)
        let result: Result<String, XMLError> = bytes.withUnsafeBytes { buffer in
            capture.run {
                // No base URL and no forced encoding. NONET keeps libxml2 off the network;
                // the process-wide entity loader (XMLLibrary) refuses everything else.
                let options =
                    HTML_PARSE_NONET.rawValue | HTML_PARSE_NOERROR.rawValue | HTML_PARSE_NOWARNING.rawValue
                    | HTML_PARSE_RECOVER.rawValue | HTML_PARSE_COMPACT.rawValue
                guard
                    let document = htmlReadMemory(
                        buffer.baseAddress?.assumingMemoryBound(to: CChar.self), Int32(buffer.count), nil, nil,
                        Int32(options))
                else {
                    if capture.diagnostics.isEmpty {
                        capture.record(
                            XMLDiagnostic(
                                severity: .fatal, line: 0, column: 0, message: "libxml2 built no HTML document"))
                    }
                    return .failure(.notWellFormed(capture.diagnostics))
                }
                defer { xmlFreeDoc(document) }
                var writer = HTMLTextWriter()
                writer.write(document)
                return .success(writer.text)
            }
        }
        return try result.get()
    }
}

/// Lays an HTML tree out as text, walking it without recursion (real pages nest deeply).
private struct HTMLTextWriter {
    /// Elements whose content a reader never sees.
    private static let hidden: Set<String> = ["head", "script", "style", "template"]
    /// Elements that start and end a line of their own.
    private static let blocks: Set<String> = [
        "address", "article", "aside", "blockquote", "body", "caption", "center", "dd", "details", "dialog", "dir",
        "div", "dl", "dt", "fieldset", "figcaption", "figure", "footer", "form", "h1", "h2", "h3", "h4", "h5", "h6",
        "header", "hgroup", "hr", "html", "legend", "li", "main", "menu", "nav", "ol", "p", "pre", "section",
        "summary", "table", "tbody", "tfoot", "thead", "tr", "ul",
    ]

    private(set) var text = ""
    /// Nothing but line breaks has been written since the last line break (or the start).
    private var atLineStart = true
    /// Collapsible whitespace was seen after the last character written.
    private var pendingSpace = false
    /// How many `<pre>` elements enclose the current node.
    private var preformattedDepth = 0

    mutating func write(_ document: xmlDocPtr) {
        var current = document.pointee.children
        while let node = current {
            if enter(node), let child = node.pointee.children {
                current = child
                continue
            }
            // Leave `node`, then every ancestor whose last child it was.
            var finished: xmlNodePtr? = node
            current = nil
            while let done = finished {
                leave(done)
                if let next = done.pointee.next {
                    current = next
                    break
                }
                finished = done.pointee.parent
                if finished.map({ $0.pointee.type != XML_ELEMENT_NODE }) ?? true { break }
            }
        }
        while text.last == "\n" || text.last == "\t" { text.removeLast() }
    }

    /// Writes what comes before `node`'s children; false if they are to be skipped.
    private mutating func enter(_ node: xmlNodePtr) -> Bool {
        switch node.pointee.type {
        case XML_TEXT_NODE, XML_CDATA_SECTION_NODE:
            if let content = node.pointee.content { writeText(String(cString: content)) }
            return false
        case XML_ELEMENT_NODE:
            let name = Self.name(of: node)
            if Self.hidden.contains(name) { return false }
            if name == "br" {
                lineBreak(hard: true)
            } else if Self.blocks.contains(name) {
                lineBreak(hard: false)
                if name == "pre" { preformattedDepth += 1 }
            }
            return true
        default:
            return false
        }
    }

    /// Writes what comes after a node's children: something only for an element that `enter`
    /// did not skip (an element without children is entered and left in turn).
    private mutating func leave(_ node: xmlNodePtr) {
        guard node.pointee.type == XML_ELEMENT_NODE else { return }
        let name = Self.name(of: node)
        if Self.hidden.contains(name) { return }
        if name == "td" || name == "th" {
            if !atLineStart && text.last != "\t" { text.append("\t") }
            pendingSpace = false
        } else if Self.blocks.contains(name) {
            if name == "pre" { preformattedDepth -= 1 }
            lineBreak(hard: false)
        }
    }

    private mutating func writeText(_ content: String) {
        if preformattedDepth > 0 {
            for character in content {
                if character == "\n" || character == "\r\n" || character == "\r" {
                    lineBreak(hard: true)
                } else {
                    text.append(character)
                    atLineStart = false
                }
            }
            pendingSpace = false
            return
        }
        for character in content {
            // HTML collapses ASCII whitespace only; a no-break space is a character.
            if character == " " || character == "\t" || character == "\n" || character == "\r\n"
                || character == "\r" || character == "\u{0C}"
            {
                pendingSpace = true
                continue
            }
            if pendingSpace && !atLineStart && text.last != "\t" { text.append(" ") }
            pendingSpace = false
            text.append(character)
            atLineStart = false
        }
    }

    /// Ends the current line. A soft break (a block's edge) never makes an empty line; a hard
    /// one (`<br>`, a newline in `<pre>`) does, up to one empty line in a row.
    private mutating func lineBreak(hard: Bool) {
        pendingSpace = false
        if text.last == "\t" { text.removeLast() }
        if atLineStart {
            guard hard, !text.isEmpty, !text.hasSuffix("\n\n") else { return }
        }
        text.append("\n")
        atLineStart = true
    }

    private static func name(of node: xmlNodePtr) -> String {
        node.pointee.name.map { String(cString: $0) } ?? ""
    }
}
