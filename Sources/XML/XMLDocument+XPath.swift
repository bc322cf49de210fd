import CLibXML2

extension XMLDocument {
    /// The nodes an XPath 1.0 expression selects, in document order.
    ///
    /// - Parameters:
    ///   - expression: e.g. `/d:document/d:title`.
    ///   - namespaces: prefix → URI bindings the expression uses.
    ///   - node: the context node (default: the document).
    /// - Throws: `XMLError.xpathFailed` for a malformed expression, an unbound prefix, or an
    ///   expression that does not select nodes.
    public func nodes(_ expression: String, namespaces: [String: String] = [:], relativeTo node: XMLNode? = nil)
        throws -> [XMLNode]
    {
        try evaluate(expression, namespaces: namespaces, relativeTo: node) { object in
            guard object.pointee.type == XPATH_NODESET else {
                return nil
            }
            guard let set = object.pointee.nodesetval, set.pointee.nodeNr > 0, let table = set.pointee.nodeTab else {
                return []
            }
            return (0..<Int(set.pointee.nodeNr)).compactMap { index in
                table[index].map { XMLNode(pointer: $0, document: self) }
            }
        }
    }

    /// The XPath 1.0 string value of an expression (`string(...)` semantics: the first node's
    /// text for a node-set, the empty string for an empty one).
    public func string(_ expression: String, namespaces: [String: String] = [:], relativeTo node: XMLNode? = nil)
        throws -> String
    {
        try evaluate(expression, namespaces: namespaces, relativeTo: node) { object in
            guard let value = xmlXPathCastToString(object) else { return "" }
            defer { docket_xml_free(value) }
            return String(cString: value)
        }
    }

    /// The XPath 1.0 number value of an expression, e.g. `count(//d:event)`.
    public func number(_ expression: String, namespaces: [String: String] = [:], relativeTo node: XMLNode? = nil)
        throws -> Double
    {
        try evaluate(expression, namespaces: namespaces, relativeTo: node) { xmlXPathCastToNumber($0) }
    }

    private func evaluate<Value>(
        _ expression: String, namespaces: [String: String], relativeTo node: XMLNode?,
        convert: (xmlXPathObjectPtr) -> Value?
    ) throws -> Value {
        if let node { precondition(node.document === self, "XPath context node belongs to another document") }
        let capture = ErrorCapture(source: source)
        return try capture.run {
            guard let context = xmlXPathNewContext(pointer) else {
                throw XMLError.xpathFailed(expression: expression, capture.diagnostics)
            }
            defer { xmlXPathFreeContext(context) }
            // No per-context `error` handler: libxml2 2.9 hands such a handler an xmlError with
            // no message (only a code), whereas without one it raises the error, message and
            // all, through the thread's structured handler, which `capture.run` has installed.
            for (prefix, uri) in namespaces.sorted(by: { $0.key < $1.key })
            where xmlXPathRegisterNs(context, prefix, uri) != 0 {
                throw XMLError.xpathFailed(
                    expression: expression,
                    [
                        XMLDiagnostic(
                            severity: .error, source: source, line: 0, column: 0,
                            message: "cannot bind prefix '\(prefix)'")
                    ])
            }
            context.pointee.node =
                node?.pointer ?? UnsafeMutableRawPointer(pointer).assumingMemoryBound(to: xmlNode.self)
            guard let object = xmlXPathEvalExpression(expression, context) else {
                throw XMLError.xpathFailed(expression: expression, capture.diagnostics)
            }
            defer { xmlXPathFreeObject(object) }
            guard let value = convert(object) else {
                throw XMLError.xpathFailed(
                    expression: expression,
                    [
                        XMLDiagnostic(
                            severity: .error, source: source, line: 0, column: 0,
                            message: "the expression does not select nodes")
                    ])
            }
            return value
        }
    }
}
