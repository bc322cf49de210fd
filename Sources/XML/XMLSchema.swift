import CLibXML2

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// A compiled W3C XML Schema (XSD 1.0), loaded from a trusted local file.
///
/// The schema's own `xs:import`/`xs:include` are resolved only to files in the schema's
/// directory (or below it); anything else, and every network location, is refused.
///
/// Sendable because the compiled schema is never mutated after loading and libxml2 allows
/// one schema to serve many validation contexts at once (each `validate` makes its own).
public final class XMLSchema: @unchecked Sendable {
    let pointer: xmlSchemaPtr
    /// The path the schema was loaded from, as given.
    public let path: String

    /// Loads and compiles the schema at `path`.
    ///
    /// - Throws: `XMLError.schemaUnusable` with libxml2's messages if the file is missing,
    ///   is not a schema, or imports something it may not.
    public init(contentsOfFile path: String) throws {
        guard let resolved = realpath(path, nil) else {
            throw XMLError.schemaUnusable(
                path: path,
                [
                    XMLDiagnostic(
                        severity: .fatal, source: path, line: 0, column: 0,
                        message: "cannot open schema: \(FileBytes.errnoDescription())")
                ])
        }
        let canonical = String(cString: resolved)
        free(resolved)
        let directory = String(canonical[..<(canonical.lastIndex(of: "/") ?? canonical.startIndex)])
        let capture = ErrorCapture(source: path, trustedDirectory: directory.isEmpty ? "/" : directory)
        self.path = path
        self.pointer = try capture.run {
            guard let parserContext = xmlSchemaNewParserCtxt(canonical) else {
                throw XMLError.schemaUnusable(path: path, capture.diagnostics)
            }
            defer { xmlSchemaFreeParserCtxt(parserContext) }
            xmlSchemaSetParserStructuredErrors(
                parserContext, captureStructuredError, Unmanaged.passUnretained(capture).toOpaque())
            let schema = xmlSchemaParse(parserContext)
            guard let schema, !capture.hasErrors else {
                if let schema { xmlSchemaFree(schema) }
                throw XMLError.schemaUnusable(path: path, capture.diagnostics)
            }
            return schema
        }
    }

    deinit {
        xmlSchemaFree(pointer)
    }

    /// Every problem libxml2 reports when validating `document` against this schema; empty
    /// when the document is valid. (libxml2 stops checking an element's later children after
    /// a content-model error, so a fix can reveal more.)
    public func problems(in document: XMLDocument) -> [XMLDiagnostic] {
        guard let validator = XMLValidator(schema: self) else {
            return [
                XMLDiagnostic(
                    severity: .fatal, source: document.source, line: 0, column: 0,
                    message: "cannot create a validation context")
            ]
        }
        return validator.problems(in: document)
    }

    /// A validator for one task to reuse across many documents (saves setting up a libxml2
    /// validation context per document); nil only if libxml2 is out of memory.
    public func makeValidator() -> XMLValidator? {
        XMLValidator(schema: self)
    }

    /// Validates `document`.
    ///
    /// - Throws: `XMLError.schemaInvalid` carrying every problem reported.
    public func validate(_ document: XMLDocument) throws {
        let problems = problems(in: document)
        if !problems.isEmpty { throw XMLError.schemaInvalid(problems) }
    }

    /// Validates one element and everything under it as if it were a document's root: a record
    /// carried inside an envelope (a signed archive record) checked against its own schema.
    ///
    /// - Throws: `XMLError.schemaInvalid` carrying every problem reported.
    public func validate(element: XMLNode) throws {
        let problems =
            XMLValidator(schema: self)?.problems(in: element)
            ?? [XMLDiagnostic(severity: .fatal, line: 0, column: 0, message: "cannot create a validation context")]
        if !problems.isEmpty { throw XMLError.schemaInvalid(problems) }
    }
}

/// One libxml2 validation context over a shared `XMLSchema`, reused document after document.
///
/// Not `Sendable`: give each task its own (the schema itself can be shared).
public final class XMLValidator {
    /// Kept so the compiled schema outlives the context that points into it.
    public let schema: XMLSchema
    private let context: xmlSchemaValidCtxtPtr

    init?(schema: XMLSchema) {
        XMLLibrary.ensureInitialized()
        guard let context = xmlSchemaNewValidCtxt(schema.pointer) else { return nil }
        self.schema = schema
        self.context = context
    }

    deinit {
        xmlSchemaFreeValidCtxt(context)
    }

    /// Every problem libxml2 reports for `document`; empty when it is valid.
    public func problems(in document: XMLDocument) -> [XMLDiagnostic] {
        problems(source: document.source) { xmlSchemaValidateDoc(context, document.pointer) }
    }

    /// Every problem libxml2 reports for `element` validated as a root; empty when it is valid.
    public func problems(in element: XMLNode) -> [XMLDiagnostic] {
        problems(source: element.document.source) { xmlSchemaValidateOneElement(context, element.pointer) }
    }

    private func problems(source: String, validating: () -> Int32) -> [XMLDiagnostic] {
        let capture = ErrorCapture(source: source)
        return capture.run {
            xmlSchemaSetValidStructuredErrors(
                context, captureStructuredError, Unmanaged.passUnretained(capture).toOpaque())
            defer { xmlSchemaSetValidStructuredErrors(context, nil, nil) }
            let status = validating()
            if status != 0 && !capture.hasErrors {
                capture.record(
                    XMLDiagnostic(
                        severity: .error, line: 0, column: 0,
                        message: "validation failed (libxml2 status \(status)) without a message"))
            }
            return capture.diagnostics.filter { $0.severity != .warning }
        }
    }
}
