import Foundation
import Workflow
import XML

/// The archive's XML vocabulary: encoding records into element trees and reading them back.
/// Every file is validated on write and read against the schema of its own format:
/// `schema/docket-archive-1.xsd`, or `schema/docket-archive-2.xsd` for the records only
/// format 2 can hold (format 2 is format 1 plus removals and replacements in a pack), or
/// `schema/docket-archive-3.xsd` for the user records only format 3 can hold.
enum ArchiveXML {
    static let namespace = XMLNamespace(uri: "urn:docket:archive:1")
    static let format = "1"
    static let namespace2 = XMLNamespace(uri: "urn:docket:archive:2")
    static let namespace3 = XMLNamespace(uri: "urn:docket:archive:3")
    static let namespace4 = XMLNamespace(uri: "urn:docket:archive:4")
    static let namespace5 = XMLNamespace(uri: "urn:docket:archive:5")
    static let namespace6 = XMLNamespace(uri: "urn:docket:archive:6")

    /// The same record in format 2: format 2 repeats format 1's vocabulary in its own
    /// namespace, so a format-1 tree moves over whole, and `format` on the root says 2.
    static func inFormat2(_ root: XMLElement) -> XMLElement {
        inFormat(root, namespace: namespace2, version: "2")
    }

    /// The same user record in format 3, which repeats the user vocabulary of format 2.
    static func inFormat3(_ root: XMLElement) -> XMLElement {
        inFormat(root, namespace: namespace3, version: "3")
    }

    /// The same event or document in format 4, which repeats format 2's vocabulary for them.
    static func inFormat4(_ root: XMLElement) -> XMLElement {
        inFormat(root, namespace: namespace4, version: "4")
    }

    /// The same event in format 5, which repeats format 2's event vocabulary with any role name.
    static func inFormat5(_ root: XMLElement) -> XMLElement {
        inFormat(root, namespace: namespace5, version: "5")
    }

    /// The same event in format 6, which adds records destroyed or transferred to format 5's events.
    static func inFormat6(_ root: XMLElement) -> XMLElement {
        inFormat(root, namespace: namespace6, version: "6")
    }

    private static func inFormat(_ root: XMLElement, namespace target: XMLNamespace, version: String) -> XMLElement {
        func moved(_ element: XMLElement) -> XMLElement {
            var element = element
            if element.namespace == namespace { element.namespace = target }
            element.children = element.children.map { child in
                guard case .element(let inner) = child else { return child }
                return .element(moved(inner))
            }
            return element
        }
        var result = moved(root)
        result.attributes = result.attributes.map {
            $0.name == "format" && $0.namespace == nil ? XMLAttribute("format", value: version) : $0
        }
        return result
    }

    static func element(_ name: String, _ text: String) -> XMLElement {
        XMLElement(name, namespace: namespace, text: text)
    }

    static func root(_ name: String, _ children: [XMLElement]) -> XMLElement {
        XMLElement(
            name, namespace: namespace, attributes: [XMLAttribute("format", value: format)], elements: children)
    }

    static func actor(_ name: String, _ stamp: ActorStamp) -> XMLElement {
        var attributes = [XMLAttribute("user", value: stamp.user)]
        if let role = stamp.role { attributes.append(XMLAttribute("role", value: role.rawValue)) }
        if let onBehalfOf = stamp.onBehalfOf { attributes.append(XMLAttribute("on-behalf-of", value: onBehalfOf)) }
        attributes.append(XMLAttribute("system-user", value: stamp.systemUser))
        return XMLElement(name, namespace: namespace, attributes: attributes)
    }

    static func pack(_ name: String, _ document: PackDocument) -> XMLElement {
        XMLElement(
            name, namespace: namespace,
            attributes: [
                XMLAttribute("kind", value: document.kind.rawValue), XMLAttribute("name", value: document.name),
                XMLAttribute("sha256", value: document.sha256),
            ])
    }

    static func party(_ name: String, _ party: Party) -> XMLElement {
        var children: [XMLElement] = []
        if let person = party.person { children.append(element("person", person)) }
        if let organisation = party.organisation { children.append(element("organisation", organisation)) }
        return XMLElement(name, namespace: namespace, elements: children)
    }

    static func workflowPin(_ name: String, digest: String) -> XMLElement {
        XMLElement(
            "workflow", namespace: namespace,
            attributes: [XMLAttribute("name", value: name), XMLAttribute("digest", value: digest)])
    }

    // MARK: - Instants

    private static let instantStyle = Date.ISO8601FormatStyle(includingFractionalSeconds: true)
    private static let wholeSecondStyle = Date.ISO8601FormatStyle()

    /// `2016-09-20T10:15:00.000Z`.
    static func instant(_ date: Date) -> String {
        instantStyle.format(date)
    }

    static func parseInstant(_ text: String) -> Date? {
        (try? instantStyle.parse(text)) ?? (try? wholeSecondStyle.parse(text))
    }
}

/// Reads the children of one archive element, turning absences into `ArchiveError.damaged`.
struct ElementReader {
    let node: XMLNode
    let path: String
    /// The namespace of the children read (board records live in their own).
    var namespace: String = ArchiveXML.namespace.uri

    func children(_ name: String) -> [XMLNode] {
        node.childElements.filter { $0.name == name && $0.namespaceURI == namespace }
    }

    func optional(_ name: String) -> String? {
        children(name).first?.text
    }

    func text(_ name: String) throws(ArchiveError) -> String {
        guard let value = optional(name) else { throw .damaged(path: path, reason: "missing <\(name)>") }
        return value
    }

    func child(_ name: String) throws(ArchiveError) -> ElementReader {
        guard let child = children(name).first else { throw .damaged(path: path, reason: "missing <\(name)>") }
        return ElementReader(node: child, path: path, namespace: namespace)
    }

    func attribute(_ name: String) throws(ArchiveError) -> String {
        guard let value = node.attribute(name) else {
            throw .damaged(path: path, reason: "<\(node.name)> lacks attribute \(name)")
        }
        return value
    }

    func instant(_ name: String) throws(ArchiveError) -> Date {
        let value = try text(name)
        guard let date = ArchiveXML.parseInstant(value) else {
            throw .damaged(path: path, reason: "<\(name)> is not a UTC instant: \(value)")
        }
        return date
    }

    func integer(_ name: String) throws(ArchiveError) -> Int {
        let value = try text(name)
        guard let number = Int(value) else { throw .damaged(path: path, reason: "<\(name)> is not a number") }
        return number
    }

    func enumeration<Value: RawRepresentable>(_ value: String, as type: Value.Type) throws(ArchiveError) -> Value
    where Value.RawValue == String {
        guard let parsed = Value(rawValue: value) else {
            throw .damaged(path: path, reason: "unknown \(Value.self) '\(value)'")
        }
        return parsed
    }

    func actor(_ name: String) throws(ArchiveError) -> ActorStamp {
        let element = try child(name)
        return ActorStamp(
            user: try element.attribute("user"),
            role: try element.node.attribute("role").map { (value: String) throws(ArchiveError) in
                try enumeration(value, as: Role.self)
            },
            onBehalfOf: element.node.attribute("on-behalf-of"),
            systemUser: try element.attribute("system-user"))
    }

    func pack(_ element: XMLNode) throws(ArchiveError) -> PackDocument {
        let reader = ElementReader(node: element, path: path, namespace: namespace)
        return PackDocument(
            kind: try enumeration(try reader.attribute("kind"), as: DocumentKind.self),
            name: try reader.attribute("name"), sha256: try reader.attribute("sha256"))
    }

    func party(_ element: XMLNode) -> Party {
        let reader = ElementReader(node: element, path: path, namespace: namespace)
        return Party(person: reader.optional("person"), organisation: reader.optional("organisation"))
    }
}
