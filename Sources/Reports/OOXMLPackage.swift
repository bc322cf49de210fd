import Foundation
import XML

/// One part of an Open Packaging Conventions package: its name in the ZIP and its content type.
struct OOXMLPart {
    var name: String
    /// nil for parts covered by a `Default` extension rule (the relationship parts).
    var contentType: String?
    var root: XMLElement
}

/// The package-level parts of a DOCX (ECMA-376 Part 2) and the ZIP that holds them.
enum OOXMLPackage {
    /// `[Content_Types].xml`: a default for `.rels` and `.xml`, and an override for every part
    /// with a content type of its own.
    static func contentTypes(for parts: [OOXMLPart]) -> XMLElement {
        let namespace = OOXMLNamespace.contentTypes
        let defaults = [
            ("rels", "application/vnd.openxmlformats-package.relationships+xml"),
            ("xml", "application/xml"),
        ]
        .map {
            XMLElement(
                "Default", namespace: namespace,
                attributes: [.init("Extension", value: $0), .init("ContentType", value: $1)])
        }
        let overrides = parts.compactMap { part in
            part.contentType.map { type in
                XMLElement(
                    "Override", namespace: namespace,
                    attributes: [.init("PartName", value: "/" + part.name), .init("ContentType", value: type)])
            }
        }
        return XMLElement("Types", namespace: namespace, elements: defaults + overrides)
    }

    /// A relationships part; each target is given as (type URI, target relative to the source).
    static func relationships(_ targets: [(type: String, target: String)]) -> XMLElement {
        let namespace = OOXMLNamespace.relationships
        return XMLElement(
            "Relationships", namespace: namespace,
            elements: targets.enumerated().map { index, relationship in
                XMLElement(
                    "Relationship", namespace: namespace,
                    attributes: [
                        .init("Id", value: "rId\(index + 1)"), .init("Type", value: relationship.type),
                        .init("Target", value: relationship.target),
                    ])
            })
    }

    /// `docProps/core.xml`. The dates are UTC in the W3CDTF profile that OPC requires, to the
    /// second; `modified` equals `created` because the writer makes a new document.
    static func coreProperties(title: String, creator: String, language: String, created: Date) -> XMLElement {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime]
        formatter.timeZone = TimeZone(identifier: "UTC")
        let timestamp = formatter.string(from: created)
        let w3cdtf = XMLAttribute("type", namespace: OOXMLNamespace.schemaInstance, value: "dcterms:W3CDTF")
        return XMLElement(
            "coreProperties", namespace: OOXMLNamespace.coreProperties,
            elements: [
                XMLElement("title", namespace: OOXMLNamespace.dublinCore, text: title),
                XMLElement("creator", namespace: OOXMLNamespace.dublinCore, text: creator),
                XMLElement("lastModifiedBy", namespace: OOXMLNamespace.coreProperties, text: creator),
                XMLElement("language", namespace: OOXMLNamespace.dublinCore, text: language),
                XMLElement("created", namespace: OOXMLNamespace.dublinCoreTerms, attributes: [w3cdtf], text: timestamp),
                XMLElement(
                    "modified", namespace: OOXMLNamespace.dublinCoreTerms, attributes: [w3cdtf], text: timestamp),
            ])
    }

    /// `docProps/app.xml`, the extended properties Word expects to find.
    static func applicationProperties() -> XMLElement {
        let namespace = OOXMLNamespace.extendedProperties
        return XMLElement(
            "Properties", namespace: namespace,
            elements: [
                ("Application", "Docket"), ("DocSecurity", "0"), ("ScaleCrop", "false"), ("LinksUpToDate", "false"),
                ("SharedDoc", "false"), ("HyperlinksChanged", "false"),
            ].map { XMLElement($0, namespace: namespace, text: $1) })
    }

    /// The parts, serialised by libxml2, deflated into a ZIP in the order given.
    ///
    /// Every entry carries `modified` as its date and fixed permissions, so the same parts
    /// and date always give the same bytes.
    static func zip(_ parts: [OOXMLPart], modified: Date) throws -> [UInt8] {
        let entries = try parts.map { part in
            ZIPWriter.Entry(
                path: part.name,
                bytes: try XMLDocument(root: part.root, source: part.name).serialized(indented: false))
        }
        return try ZIPWriter.write(entries, modified: modified)
    }
}
