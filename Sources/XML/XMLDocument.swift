import CLibXML2

/// A parsed or built XML document. Owns its libxml2 tree and frees it when released.
///
/// Not `Sendable`: libxml2 trees must not be shared between tasks. Parse (or build) one per
/// task, and pass plain Swift values between them.
public final class XMLDocument {
    /// The tree. Never escapes this module.
    let pointer: xmlDocPtr
    /// The name used in diagnostics: the path it was read from, or a caller's label.
    public let source: String
    /// Warnings libxml2 reported while parsing a document it accepted (empty for built ones).
    public let warnings: [XMLDiagnostic]

    init(owning pointer: xmlDocPtr, source: String, warnings: [XMLDiagnostic] = []) {
        self.pointer = pointer
        self.source = source
        self.warnings = warnings
    }

    deinit {
        xmlFreeDoc(pointer)
    }

    /// The document element, if the document has one.
    public var root: XMLNode? {
        xmlDocGetRootElement(pointer).map { XMLNode(pointer: $0, document: self) }
    }

    // MARK: - Serialising

    /// The document as UTF-8 bytes with an XML declaration, indented for people to read.
    ///
    /// - Throws: `XMLError.serializationFailed` if libxml2 cannot write the tree.
    public func serialized(indented: Bool = true) throws -> [UInt8] {
        let capture = ErrorCapture(source: source)
        return try capture.run {
            var buffer: UnsafeMutablePointer<xmlChar>?
            var size: Int32 = 0
            xmlDocDumpFormatMemoryEnc(pointer, &buffer, &size, "UTF-8", indented ? 1 : 0)
            guard let buffer, size > 0 else {
                throw XMLError.serializationFailed("serialising \(source)", capture.diagnostics)
            }
            defer { docket_xml_free(buffer) }
            return Array(UnsafeBufferPointer(start: buffer, count: Int(size)))
        }
    }

    /// Exclusive XML Canonicalization 1.0 (without comments) of the whole document: the
    /// stable byte form to hash, independent of attribute order, quoting and namespace
    /// declarations that are not used.
    ///
    /// - Throws: `XMLError.serializationFailed` if libxml2 cannot canonicalise the tree.
    public func canonicalized() throws -> [UInt8] {
        let capture = ErrorCapture(source: source)
        return try capture.run {
            var buffer: UnsafeMutablePointer<xmlChar>?
            let size = xmlC14NDocDumpMemory(pointer, nil, Int32(XML_C14N_EXCLUSIVE_1_0.rawValue), nil, 0, &buffer)
            guard let buffer, size >= 0 else {
                throw XMLError.serializationFailed("canonicalising \(source)", capture.diagnostics)
            }
            defer { docket_xml_free(buffer) }
            return Array(UnsafeBufferPointer(start: buffer, count: Int(size)))
        }
    }
}
