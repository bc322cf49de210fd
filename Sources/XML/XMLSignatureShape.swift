import CLibXML2

/// The URIs of the one signature shape Docket writes and accepts.
enum SignatureURI {
    static let namespace = "http://www.w3.org/2000/09/xmldsig#"
    static let exclusiveC14N = "http://www.w3.org/2001/10/xml-exc-c14n#"
    static let envelopedSignature = "http://www.w3.org/2000/09/xmldsig#enveloped-signature"
    static let sha256 = "http://www.w3.org/2001/04/xmlenc#sha256"
}

/// What a signature that passed `SignatureShape.check` says: the nodes xmlsec is then given,
/// the key it names and the algorithm it claims.
struct SignatureShape {
    let signature: xmlNodePtr
    let keyName: String
    let signatureMethod: String

    /// Checks, before any cryptography, that the document carries exactly the enveloped
    /// signature Docket writes, and nothing an attacker could use to make xmlsec check
    /// something else:
    ///
    /// - exactly one `ds:Signature` in the whole document, the last child element of the root
    ///   (so it envelops the root, and nothing signed can be moved out from under it);
    /// - `SignedInfo` with exclusive C14N, one `SignatureMethod`, exactly one `Reference`;
    /// - the `Reference` has `URI=""` (the whole document) and exactly the transforms
    ///   enveloped-signature then exclusive C14N, and a SHA-256 digest;
    /// - `KeyInfo` holds exactly one `KeyName` and nothing else: no key material, certificate
    ///   or retrieval method is ever read from the document; no `Object` (so no `Manifest`).
    ///
    /// - Throws: `XMLSignatureError.malformedSignature` naming the first departure.
    static func check(_ document: xmlDocPtr) throws -> SignatureShape {
        guard let root = xmlDocGetRootElement(document) else { throw refusal("the document has no root element") }
        let signatures = signatures(under: root)
        guard signatures.count == 1, let signature = signatures.first else {
            throw refusal("the document must hold exactly one ds:Signature, found \(signatures.count)")
        }
        guard signature.pointee.parent == root, childElements(of: root).last == signature else {
            throw refusal("ds:Signature must be the last child element of the root element")
        }
        let parts = try children(of: signature, named: ["SignedInfo", "SignatureValue", "KeyInfo"])
        let method = try checkSignedInfo(parts[0])
        let keyName = try checkKeyInfo(parts[2])
        return SignatureShape(signature: signature, keyName: keyName, signatureMethod: method)
    }

    /// Returns the `SignatureMethod` algorithm.
    private static func checkSignedInfo(_ signedInfo: xmlNodePtr) throws -> String {
        let parts = try children(of: signedInfo, named: ["CanonicalizationMethod", "SignatureMethod", "Reference"])
        try requireAlgorithm(parts[0], SignatureURI.exclusiveC14N, childless: true)
        guard let method = attribute(parts[1], "Algorithm") else {
            throw refusal("SignatureMethod has no Algorithm")
        }
        try checkReference(parts[2])
        return method
    }

    private static func checkReference(_ reference: xmlNodePtr) throws {
        guard attribute(reference, "URI") == "" else {
            throw refusal("the Reference must have URI=\"\" (the whole document), not \(describe(reference, "URI"))")
        }
        let parts = try children(of: reference, named: ["Transforms", "DigestMethod", "DigestValue"])
        let transforms = try children(of: parts[0], named: ["Transform", "Transform"])
        try requireAlgorithm(transforms[0], SignatureURI.envelopedSignature, childless: true)
        try requireAlgorithm(transforms[1], SignatureURI.exclusiveC14N, childless: true)
        try requireAlgorithm(parts[1], SignatureURI.sha256, childless: true)
    }

    /// Returns the key name.
    private static func checkKeyInfo(_ keyInfo: xmlNodePtr) throws -> String {
        let parts = try children(of: keyInfo, named: ["KeyName"])
        guard childElements(of: parts[0]).isEmpty else { throw refusal("KeyName must hold only text") }
        return text(of: parts[0])
    }

    // MARK: - Tree reading

    /// The child elements of `node`, which must be exactly `names` in the signature namespace,
    /// in that order.
    private static func children(of node: xmlNodePtr, named names: [String]) throws -> [xmlNodePtr] {
        let found = childElements(of: node)
        let foundNames = found.map { isSignatureElement($0) ? "ds:" + name(of: $0) : "{other}" + name(of: $0) }
        guard foundNames == names.map({ "ds:" + $0 }) else {
            throw refusal(
                "ds:\(name(of: node)) must contain exactly \(names.map { "ds:" + $0 }.joined(separator: ", ")); "
                    + "found \(foundNames.isEmpty ? "nothing" : foundNames.joined(separator: ", "))")
        }
        return found
    }

    private static func requireAlgorithm(_ node: xmlNodePtr, _ expected: String, childless: Bool) throws {
        guard attribute(node, "Algorithm") == expected else {
            throw refusal(
                "ds:\(name(of: node)) must use \(expected), not \(describe(node, "Algorithm"))")
        }
        if childless && !childElements(of: node).isEmpty {
            throw refusal("ds:\(name(of: node)) with \(expected) must have no parameters")
        }
    }

    /// Every `ds:Signature` element at or below `node`, wherever it is nested.
    static func signatures(under node: xmlNodePtr) -> [xmlNodePtr] {
        descendants(of: node, named: "Signature")
    }

    private static func descendants(of node: xmlNodePtr, named localName: String) -> [xmlNodePtr] {
        var found: [xmlNodePtr] = []
        var stack = [node]
        while let current = stack.popLast() {
            if isSignatureElement(current) && name(of: current) == localName { found.append(current) }
            stack.append(contentsOf: childElements(of: current))
        }
        return found
    }

    static func childElements(of node: xmlNodePtr) -> [xmlNodePtr] {
        var result: [xmlNodePtr] = []
        var child = node.pointee.children
        while let current = child {
            if current.pointee.type == XML_ELEMENT_NODE { result.append(current) }
            child = current.pointee.next
        }
        return result
    }

    private static func isSignatureElement(_ node: xmlNodePtr) -> Bool {
        node.pointee.ns?.pointee.href.map { String(cString: $0) } == SignatureURI.namespace
    }

    private static func name(of node: xmlNodePtr) -> String {
        node.pointee.name.map { String(cString: $0) } ?? ""
    }

    private static func attribute(_ node: xmlNodePtr, _ name: String) -> String? {
        guard let value = xmlGetNoNsProp(node, name) else { return nil }
        defer { docket_xml_free(value) }
        return String(cString: value)
    }

    private static func describe(_ node: xmlNodePtr, _ attributeName: String) -> String {
        attribute(node, attributeName).map { "'\($0)'" } ?? "no \(attributeName)"
    }

    private static func text(of node: xmlNodePtr) -> String {
        guard let content = xmlNodeGetContent(node) else { return "" }
        defer { docket_xml_free(content) }
        return String(cString: content)
    }

    private static func refusal(_ reason: String) -> XMLSignatureError {
        .malformedSignature(reason)
    }
}
