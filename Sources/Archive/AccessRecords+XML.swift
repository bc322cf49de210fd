import Foundation
import XML

/// The access vocabulary (`urn:docket:access:1`, `schema/docket-access-1.xsd`).
enum AccessXML {
    static let namespace = XMLNamespace(uri: "urn:docket:access:1")

    static func element(_ name: String, _ text: String) -> XMLElement {
        XMLElement(name, namespace: namespace, text: text)
    }

    static func root(_ name: String, _ children: [XMLElement]) -> XMLElement {
        XMLElement(name, namespace: namespace, attributes: [XMLAttribute("format", value: "1")], elements: children)
    }
}

extension AccessLogEntry {
    var xml: XMLElement {
        let record = event
        // The schema's order; optional elements left out when absent.
        let children: [XMLElement?] = [
            AccessXML.element("sequence", String(sequence)),
            AccessXML.element("previous", previous),
            AccessXML.element("at", ArchiveXML.instant(at)),
            record.user.map { AccessXML.element("user", $0) },
            record.attemptedName.map { AccessXML.element("attempted-name", $0) },
            AccessXML.element("action", record.action.rawValue),
            record.method.map { AccessXML.element("method", $0.rawValue) },
            record.item.map { AccessXML.element("item", $0) },
            record.document.map { AccessXML.element("document", $0) },
            record.what.map { AccessXML.element("what", $0) },
            AccessXML.element("outcome", record.outcome.rawValue),
            record.reason.map { AccessXML.element("reason", $0) },
            record.address.map { AccessXML.element("address", $0) },
        ]
        return AccessXML.root("entry", children.compactMap { $0 })
    }

    init(reading reader: ElementReader) throws(ArchiveError) {
        let method = try reader.optional("method").map { (text: String) throws(ArchiveError) in
            try reader.enumeration(text, as: AccessMethod.self)
        }
        self.init(
            sequence: try reader.integer("sequence"), previous: try reader.text("previous"),
            at: try reader.instant("at"),
            event: AccessEvent(
                action: try reader.enumeration(try reader.text("action"), as: AccessAction.self),
                user: reader.optional("user"),
                attemptedName: reader.optional("attempted-name"), method: method,
                item: reader.optional("item"), document: reader.optional("document"), what: reader.optional("what"),
                outcome: try reader.enumeration(try reader.text("outcome"), as: AccessOutcome.self),
                reason: reader.optional("reason"), address: reader.optional("address")))
    }
}

extension ClearanceRecord {
    var xml: XMLElement {
        AccessXML.root(
            "clearance",
            clearedRoles.map { AccessXML.element("cleared-role", $0) }
                + openMarkings.map { AccessXML.element("open-marking", $0) }
                + [
                    changed.map { AccessXML.element("changed", ArchiveXML.instant($0)) },
                    changedBy.map { AccessXML.element("changed-by", $0) },
                ].compactMap { $0 })
    }

    init(reading reader: ElementReader) throws(ArchiveError) {
        var changed: Date?
        if !reader.children("changed").isEmpty { changed = try reader.instant("changed") }
        self.init(
            clearedRoles: reader.children("cleared-role").map(\.text),
            openMarkings: reader.children("open-marking").map(\.text), changed: changed,
            changedBy: reader.optional("changed-by"))
    }
}

/// `access/head.xml`: the access log's last entry, which no later link covers.
struct AccessHead: Sendable, Hashable {
    var day: String
    var sequence: Int
    var sha256: String

    var xml: XMLElement {
        AccessXML.root(
            "head",
            [
                AccessXML.element("day", day), AccessXML.element("sequence", String(sequence)),
                AccessXML.element("sha256", sha256),
            ])
    }

    init(day: String, sequence: Int, sha256: String) {
        self.day = day
        self.sequence = sequence
        self.sha256 = sha256
    }

    init(reading reader: ElementReader) throws(ArchiveError) {
        self.init(
            day: try reader.text("day"), sequence: try reader.integer("sequence"), sha256: try reader.text("sha256"))
    }
}
