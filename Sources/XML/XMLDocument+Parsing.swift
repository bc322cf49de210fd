import CLibXML2

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

extension XMLDocument {
    /// Parses untrusted bytes with Docket's hardened settings.
    ///
    /// Network access is off; no DTD is loaded and no entity is expanded — a document that
    /// declares a DOCTYPE at all is refused before any declaration in it is read; XInclude is
    /// refused; inputs over `options.maximumInputSize` are refused before parsing.
    ///
    /// - Parameters:
    ///   - bytes: the document as it is stored (any encoding libxml2 detects; UTF-8 expected).
    ///   - source: the name used in diagnostics, usually the file's path.
    ///   - options: size and depth limits.
    /// - Throws: `XMLError` naming every problem with its line and column.
    public convenience init(parsing bytes: [UInt8], source: String = "(memory)", options: XMLParseOptions = .default)
        throws
    {
        let (document, warnings) = try bytes.withUnsafeBytes { buffer in
            try XMLDocument.parse(buffer, source: source, options: options)
        }
        self.init(owning: document, source: source, warnings: warnings)
    }

    /// Parses a UTF-8 string with Docket's hardened settings (see `init(parsing:source:options:)`).
    public convenience init(parsing text: String, source: String = "(memory)", options: XMLParseOptions = .default)
        throws
    {
        try self.init(parsing: Array(text.utf8), source: source, options: options)
    }

    /// Reads and parses a file with Docket's hardened settings. A file over the size cap is
    /// refused from its size alone, before it is read.
    ///
    /// - Throws: `XMLError.unreadable` if the file cannot be read, else as
    ///   `init(parsing:source:options:)`.
    public convenience init(contentsOfFile path: String, options: XMLParseOptions = .default) throws {
        let bytes = try FileBytes.read(path, limit: options.maximumInputSize)
        try self.init(parsing: bytes, source: path, options: options)
    }

    /// The column recorded for an element while it was parsed (the column of its `<`), or 0.
    static func recordedColumn(of node: xmlNodePtr) -> Int {
        guard node.pointee.type == XML_ELEMENT_NODE, let stored = node.pointee._private else { return 0 }
        return Int(bitPattern: stored)
    }

    private static func parse(_ buffer: UnsafeRawBufferPointer, source: String, options: XMLParseOptions) throws -> (
        xmlDocPtr, [XMLDiagnostic]
    ) {
        guard buffer.count <= options.maximumInputSize else {
            throw XMLError.inputTooLarge(source: source, size: buffer.count, limit: options.maximumInputSize)
        }
        guard let base = buffer.baseAddress, buffer.count > 0 else {
            throw XMLError.emptyInput(source: source)
        }
        let capture = ErrorCapture(source: source)
        let state = ParseState(capture: capture, maximumDepth: options.maximumDepth)
        return try capture.run {
            guard
                let context = xmlCreateMemoryParserCtxt(
                    base.assumingMemoryBound(to: CChar.self), Int32(buffer.count))
            else {
                throw XMLError.notWellFormed(capture.diagnostics)
            }
            defer { xmlFreeParserCtxt(context) }
            // Never NOENT, DTDLOAD, DTDATTR, HUGE or XINCLUDE. COMPACT keeps short text inside
            // its node (fewer allocations, as xmllint does); safe because this module never
            // edits a parsed tree.
            xmlCtxtUseOptions(
                context,
                Int32(XML_PARSE_NONET.rawValue | XML_PARSE_BIG_LINES.rawValue | XML_PARSE_COMPACT.rawValue))
            context.pointee.linenumbers = 1
            let unmanagedState = Unmanaged.passRetained(state)
            defer { unmanagedState.release() }
            context.pointee._private = unmanagedState.toOpaque()
            if let sax = context.pointee.sax {
                sax.pointee.serror = recordParserError
                sax.pointee.internalSubset = refuseDoctype
                sax.pointee.startElementNs = startElement
            }

            xmlParseDocument(context)

            let document = context.pointee.myDoc
            context.pointee.myDoc = nil
            if let refusal = state.refusal {
                if let document { xmlFreeDoc(document) }
                throw refusal
            }
            guard let document, context.pointee.wellFormed != 0, !capture.hasErrors else {
                if let document { xmlFreeDoc(document) }
                if capture.diagnostics.isEmpty {
                    capture.record(XMLDiagnostic(severity: .fatal, line: 0, column: 0, message: "not well-formed XML"))
                }
                throw XMLError.notWellFormed(capture.diagnostics)
            }
            return (document, capture.diagnostics)
        }
    }
}

/// What the SAX hooks of one parse share: where to report, and why the parse was stopped.
private final class ParseState {
    let capture: ErrorCapture
    let maximumDepth: Int
    var refusal: XMLError?

    init(capture: ErrorCapture, maximumDepth: Int) {
        self.capture = capture
        self.maximumDepth = maximumDepth
    }

    /// The state of a parser context (libxml2 hands hooks the context as `userData`).
    static func of(_ context: UnsafeMutableRawPointer?) -> (xmlParserCtxtPtr, ParseState)? {
        guard let parser = context?.assumingMemoryBound(to: xmlParserCtxt.self),
            let state = parser.pointee._private
        else { return nil }
        return (parser, Unmanaged<ParseState>.fromOpaque(state).takeUnretainedValue())
    }

    /// Stops the parser with a refusal; the first refusal wins.
    func refuse(_ parser: xmlParserCtxtPtr, reason: (XMLDiagnostic) -> XMLError, message: String) {
        if refusal == nil {
            let position = Position(parser)
            refusal = reason(
                XMLDiagnostic(
                    severity: .fatal, source: capture.source, line: position.line, column: position.column,
                    message: message))
        }
        xmlStopParser(parser)
    }
}

/// The parser's current line and column.
private struct Position {
    var line = 0
    var column = 0

    init(_ parser: xmlParserCtxtPtr) {
        if let input = parser.pointee.input {
            line = Int(input.pointee.line)
            column = Int(input.pointee.col)
        }
    }
}

private let recordParserError: xmlStructuredErrorFunc = { context, error in
    guard let (_, state) = ParseState.of(context), let error else { return }
    state.capture.record(error.pointee)
}

/// Called when `<!DOCTYPE` has been read, before any declaration inside it.
private let refuseDoctype: internalSubsetSAXFunc = { context, name, _, _ in
    guard let (parser, state) = ParseState.of(context) else { return }
    let root = name.map { String(cString: $0) } ?? "?"
    state.refuse(
        parser, reason: XMLError.doctypeRefused,
        message:
            "DOCTYPE declarations are refused (<!DOCTYPE \(root)>): a DTD can declare entities or load external files")
}

/// The XInclude namespaces, compared as C strings: this hook runs for every element, and
/// building Swift strings here cost about a tenth of the parse (measured with callgrind).
private let xinclude2001: StaticString = "http://www.w3.org/2001/XInclude"
private let xinclude2003: StaticString = "http://www.w3.org/2003/XInclude"

private func isXInclude(_ uri: UnsafePointer<xmlChar>) -> Bool {
    xmlStrEqual(uri, xinclude2001.utf8Start) != 0 || xmlStrEqual(uri, xinclude2003.utf8Start) != 0
}

/// Builds the element as libxml2 would, then applies Docket's limits and records the column
/// of the start tag (libxml2 2.9 keeps only line numbers on nodes).
private let startElement: startElementNsSAX2Func = {
    context, localName, prefix, uri, namespaceCount, namespaces, attributeCount, defaultedCount, attributes in
    guard let (parser, state) = ParseState.of(context) else { return }
    let column = startTagColumn(parser)
    xmlSAX2StartElementNs(
        context, localName, prefix, uri, namespaceCount, namespaces, attributeCount, defaultedCount, attributes)
    if column > 0, let node = parser.pointee.node {
        node.pointee._private = UnsafeMutableRawPointer(bitPattern: column)
    }
    // The name is only needed for a refusal message.
    var name: String { localName.map { String(cString: $0) } ?? "?" }
    if let uri, isXInclude(uri) {
        state.refuse(
            parser, reason: XMLError.xincludeRefused,
            message: "XInclude is refused (element <\(name)>): Docket never includes other files into a document")
    } else if Int(parser.pointee.nameNr) + 1 > state.maximumDepth {
        state.refuse(
            parser, reason: { XMLError.notWellFormed([$0]) },
            message: "elements nested deeper than \(state.maximumDepth) levels are refused (at <\(name)>)")
    }
}

/// The column of the `<` of the start tag just read, when the tag sits on one line; otherwise
/// the parser's column (on the line libxml2 reports for the element).
///
/// When the hook runs, the input points at the tag's closing `>` (or `/>`); a `<` cannot occur
/// inside a start tag, so the nearest `<` behind the cursor opens it.
private func startTagColumn(_ parser: xmlParserCtxtPtr) -> Int {
    guard let input = parser.pointee.input, let base = input.pointee.base, var cursor = input.pointee.cur else {
        return 0
    }
    let current = Int(input.pointee.col)
    var characters = 0
    while cursor > base {
        cursor -= 1
        let byte = cursor.pointee
        if byte == UInt8(ascii: "\n") { return current }
        if byte & 0xC0 != 0x80 { characters += 1 }
        if byte == UInt8(ascii: "<") { return max(current - characters, 1) }
    }
    return current
}
