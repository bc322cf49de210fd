import CLibXML2

extension XMLDocument {
    /// The document as UTF-8 bytes without the XML declaration: the element tree only, for
    /// embedding in another format or prefixing with a different prologue (`<!DOCTYPE html>`).
    ///
    /// libxml2 writes an element without children as an empty-element tag (`<td/>`). An HTML
    /// parser reads that as a start tag only, so a caller writing HTML gives every element
    /// that is not void (`meta`, `br`, …) at least an empty text child, which is written as
    /// `<td></td>`. (libxml2's own XHTML mode would do that, but it also inserts a
    /// `<meta http-equiv="Content-Type">` that HTML5 forbids next to `<meta charset>`.)
    ///
    /// - Parameter indented: indent elements that hold no text, for people reading the source.
    /// - Throws: `XMLError.serializationFailed` if libxml2 cannot write the tree.
    public func serializedWithoutDeclaration(indented: Bool = true) throws -> [UInt8] {
        let capture = ErrorCapture(source: source)
        return try capture.run {
            guard let buffer = xmlBufferCreate() else {
                throw XMLError.serializationFailed("allocating a buffer for \(source)", capture.diagnostics)
            }
            defer { xmlBufferFree(buffer) }
            // NO_XHTML: keep to plain XML rules even for a root named `html`.
            var options = XML_SAVE_NO_DECL.rawValue | XML_SAVE_NO_XHTML.rawValue
            if indented { options |= XML_SAVE_FORMAT.rawValue }
            guard let context = xmlSaveToBuffer(buffer, "UTF-8", Int32(options)) else {
                throw XMLError.serializationFailed("serialising \(source)", capture.diagnostics)
            }
            let written = xmlSaveDoc(context, pointer)
            // Closing flushes the encoder into `buffer`, so it must happen before reading it.
            let closed = xmlSaveClose(context)
            guard written >= 0, closed >= 0, let content = xmlBufferContent(buffer) else {
                throw XMLError.serializationFailed("serialising \(source)", capture.diagnostics)
            }
            return Array(UnsafeBufferPointer(start: content, count: Int(xmlBufferLength(buffer))))
        }
    }
}
