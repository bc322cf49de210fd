import Foundation
import XML

/// The correspondence vocabulary (`urn:docket:correspondence:1`,
/// `schema/docket-correspondence-1.xsd`).
enum CorrespondenceXML {
    static let namespace = XMLNamespace(uri: "urn:docket:correspondence:1")

    /// The longest header text the catalogue card keeps (the `.eml` keeps it all).
    static let maximumTextLength = 4000

    static func element(_ name: String, _ text: String, attributes: [XMLAttribute] = []) -> XMLElement {
        XMLElement(name, namespace: namespace, attributes: attributes, text: headerText(text))
    }

    /// Text from a message's headers as XML can hold it: characters XML 1.0 forbids (NUL, most
    /// C0 controls, lone surrogates cannot occur in a Swift string) become U+FFFD, and the
    /// text is cut at `maximumTextLength` characters. A hostile header must not make the
    /// catalogue card unwritable: the message itself is already archived byte for byte.
    static func headerText(_ text: String) -> String {
        var scalars = String.UnicodeScalarView()
        var count = 0
        for scalar in text.unicodeScalars {
            guard count < maximumTextLength else { break }
            let value = scalar.value
            let allowed =
                value == 0x9 || value == 0xA || value == 0xD || (0x20...0xD7FF).contains(value)
                || (0xE000...0xFFFD).contains(value) || (0x10000...0x10FFFF).contains(value)
            scalars.append(allowed ? scalar : "\u{FFFD}")
            count += 1
        }
        return String(scalars)
    }

    static func actor(_ name: String, _ stamp: ActorStamp) -> XMLElement {
        var element = ArchiveXML.actor(name, stamp)
        element.namespace = namespace
        return element
    }
}

extension IncomingMessageRecord {
    var xml: XMLElement {
        let ns = CorrespondenceXML.namespace
        var children = [
            CorrespondenceXML.element("identifier", sha256),
            CorrespondenceXML.element("size", String(size)),
            CorrespondenceXML.element("received", ArchiveXML.instant(received)),
            CorrespondenceXML.actor("received-by", receivedBy),
            CorrespondenceXML.element("route", route.rawValue),
        ]
        if let source { children.append(CorrespondenceXML.element("source", source)) }
        children += from.map { CorrespondenceXML.element("from", $0) }
        children += to.map { CorrespondenceXML.element("to", $0) }
        children += cc.map { CorrespondenceXML.element("cc", $0) }
        if let date { children.append(CorrespondenceXML.element("date", date)) }
        if let sent { children.append(CorrespondenceXML.element("sent", ArchiveXML.instant(sent))) }
        if let subject { children.append(CorrespondenceXML.element("subject", subject)) }
        if let messageID { children.append(CorrespondenceXML.element("message-id", messageID)) }
        children += inReplyTo.map { CorrespondenceXML.element("in-reply-to", $0) }
        children += references.map { CorrespondenceXML.element("reference", $0) }
        children += flags.map {
            CorrespondenceXML.element("flag", $0.detail, attributes: [XMLAttribute("kind", value: $0.kind.rawValue)])
        }
        for attachment in attachments {
            children.append(
                XMLElement(
                    "attachment", namespace: ns,
                    attributes: [
                        XMLAttribute("sha256", value: attachment.sha256),
                        XMLAttribute("stored-as", value: attachment.storedAs),
                        XMLAttribute("file-name", value: CorrespondenceXML.headerText(attachment.fileName)),
                        XMLAttribute("media-type", value: CorrespondenceXML.headerText(attachment.mediaType)),
                        XMLAttribute("size", value: String(attachment.size)),
                        XMLAttribute("part", value: attachment.part),
                    ]))
        }
        return XMLElement(
            "message", namespace: ns, attributes: [XMLAttribute("format", value: "1")], elements: children)
    }

    init(reading reader: ElementReader) throws(ArchiveError) {
        func texts(_ name: String) -> [String] { reader.children(name).map(\.text) }
        var flags: [MessageFlag] = []
        for node in reader.children("flag") {
            let element = ElementReader(node: node, path: reader.path, namespace: reader.namespace)
            flags.append(
                MessageFlag(
                    kind: try reader.enumeration(try element.attribute("kind"), as: MessageFlag.Kind.self),
                    detail: node.text))
        }
        var attachments: [MessageAttachment] = []
        for node in reader.children("attachment") {
            let element = ElementReader(node: node, path: reader.path, namespace: reader.namespace)
            let sha = try element.attribute("sha256")
            let storedAs = try element.attribute("stored-as")
            // Never follow a stored name out of the message's directory, whatever the file says.
            guard ArchiveStore.isStoredName(storedAs, of: sha) else {
                throw .damaged(path: reader.path, reason: "an attachment names another file (\(storedAs))")
            }
            guard let size = Int(try element.attribute("size")) else {
                throw .damaged(path: reader.path, reason: "an attachment's size is not a number")
            }
            attachments.append(
                MessageAttachment(
                    sha256: sha, storedAs: storedAs, fileName: try element.attribute("file-name"),
                    mediaType: try element.attribute("media-type"), size: size, part: try element.attribute("part")))
        }
        let sent = try reader.optional("sent").map { (text: String) throws(ArchiveError) in
            guard let date = ArchiveXML.parseInstant(text) else {
                throw .damaged(path: reader.path, reason: "<sent> is not a UTC instant: \(text)")
            }
            return date
        }
        self.init(
            sha256: try reader.text("identifier"), size: try reader.integer("size"),
            received: try reader.instant("received"), receivedBy: try reader.actor("received-by"),
            route: try reader.enumeration(try reader.text("route"), as: MessageRoute.self),
            source: reader.optional("source"), from: texts("from"), to: texts("to"), cc: texts("cc"),
            date: reader.optional("date"), sent: sent, subject: reader.optional("subject"),
            messageID: reader.optional("message-id"), inReplyTo: texts("in-reply-to"),
            references: texts("reference"), flags: flags, attachments: attachments)
    }
}

extension ArrivalEntry {
    var xml: XMLElement {
        let ns = CorrespondenceXML.namespace
        return XMLElement(
            "entry", namespace: ns, attributes: [XMLAttribute("format", value: "1")],
            elements: [
                CorrespondenceXML.element("sequence", String(sequence)),
                CorrespondenceXML.element("previous", previous),
                CorrespondenceXML.element("time", ArchiveXML.instant(time)),
                CorrespondenceXML.actor("actor", actor),
                XMLElement(
                    "arrived", namespace: ns,
                    attributes: [
                        XMLAttribute("message", value: message),
                        XMLAttribute("metadata-sha256", value: metadataSHA256),
                    ]),
            ])
    }

    init(reading reader: ElementReader) throws(ArchiveError) {
        let arrived = try reader.child("arrived")
        self.init(
            sequence: try reader.integer("sequence"), previous: try reader.text("previous"),
            time: try reader.instant("time"), actor: try reader.actor("actor"),
            message: try arrived.attribute("message"), metadataSHA256: try arrived.attribute("metadata-sha256"))
    }
}
