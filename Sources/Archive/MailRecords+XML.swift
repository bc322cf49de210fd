import Foundation
import XML

/// The mail vocabulary (`urn:docket:mail:1`, `schema/docket-mail-1.xsd`).
enum MailXML {
    static let namespace = XMLNamespace(uri: "urn:docket:mail:1")

    static func element(_ name: String, _ text: String, attributes: [XMLAttribute] = []) -> XMLElement {
        XMLElement(name, namespace: namespace, attributes: attributes, text: text)
    }
}

extension MailEntry {
    var xml: XMLElement {
        let children = [
            MailXML.element("sequence", String(sequence)),
            MailXML.element("time", ArchiveXML.instant(time)),
            MailXML.element("by", by),
            MailXML.element("previous", previous),
            Self.body(record),
        ]
        return XMLElement(
            "entry", namespace: MailXML.namespace, attributes: [XMLAttribute("format", value: "1")],
            elements: children)
    }

    private static func body(_ record: MailRecord) -> XMLElement {
        let ns = MailXML.namespace
        switch record {
        case .escalationContact(let series, let user):
            var attributes: [XMLAttribute] = []
            if let series { attributes.append(XMLAttribute("series", value: series)) }
            if let user { attributes.append(XMLAttribute("user", value: user)) }
            return XMLElement("escalation-contact", namespace: ns, attributes: attributes)
        case .decided(let message):
            var attributes = [
                XMLAttribute("message-id", value: message.messageID),
                XMLAttribute("kind", value: message.kind.rawValue),
            ]
            if let about = message.about { attributes.append(XMLAttribute("about", value: about)) }
            attributes += [
                XMLAttribute("recipient", value: message.recipient), XMLAttribute("address", value: message.address),
                XMLAttribute("message-sha256", value: message.messageSHA256),
            ]
            return XMLElement(
                "decided", namespace: ns, attributes: attributes,
                elements: [MailXML.element("subject", message.subject)])
        case .handedOver(let messageID, let attempt):
            return XMLElement(
                "handed-over", namespace: ns,
                attributes: [
                    XMLAttribute("message-id", value: messageID), XMLAttribute("attempt", value: "\(attempt)"),
                ]
            )
        case .failed(let messageID, let attempt, let reason, let retryAfter):
            var attributes = [
                XMLAttribute("message-id", value: messageID), XMLAttribute("attempt", value: "\(attempt)"),
            ]
            if let retryAfter { attributes.append(XMLAttribute("retry-after", value: ArchiveXML.instant(retryAfter))) }
            return XMLElement(
                "failed", namespace: ns, attributes: attributes, elements: [MailXML.element("reason", reason)])
        }
    }

    init(reading reader: ElementReader) throws(ArchiveError) {
        self.init(
            sequence: try reader.integer("sequence"), time: try reader.instant("time"), by: try reader.text("by"),
            previous: try reader.text("previous"), record: try Self.record(reader))
    }

    private static func record(_ reader: ElementReader) throws(ArchiveError) -> MailRecord {
        func element(_ name: String) -> ElementReader? {
            reader.children(name).first.map { ElementReader(node: $0, path: reader.path, namespace: reader.namespace) }
        }
        func attempt(_ element: ElementReader) throws(ArchiveError) -> Int {
            guard let number = Int(try element.attribute("attempt")), number > 0 else {
                throw .damaged(path: reader.path, reason: "attempt is not a positive number")
            }
            return number
        }
        if let contact = element("escalation-contact") {
            return .escalationContact(series: contact.node.attribute("series"), user: contact.node.attribute("user"))
        }
        if let decided = element("decided") {
            return .decided(
                DecidedMessage(
                    messageID: try decided.attribute("message-id"),
                    kind: try reader.enumeration(try decided.attribute("kind"), as: MessageKind.self),
                    about: decided.node.attribute("about"), recipient: try decided.attribute("recipient"),
                    address: try decided.attribute("address"), subject: try decided.text("subject"),
                    messageSHA256: try decided.attribute("message-sha256")))
        }
        if let handed = element("handed-over") {
            return .handedOver(messageID: try handed.attribute("message-id"), attempt: try attempt(handed))
        }
        if let failed = element("failed") {
            let retryAfter = try failed.node.attribute("retry-after").map { (text: String) throws(ArchiveError) in
                guard let date = ArchiveXML.parseInstant(text) else {
                    throw .damaged(path: reader.path, reason: "retry-after is not an instant: \(text)")
                }
                return date
            }
            return .failed(
                messageID: try failed.attribute("message-id"), attempt: try attempt(failed),
                reason: try failed.text("reason"), retryAfter: retryAfter)
        }
        throw .damaged(path: reader.path, reason: "an entry of an unknown kind")
    }
}
