import Foundation
import XML

/// The envelope a record of a hash-chained log is written in once the archive signs
/// (`schema/docket-signed-1.xsd`): `<signed format="1" time="…">`, the record exactly as an
/// unsigned archive holds it, then the enveloped `ds:Signature` over both.
///
/// Wrapping, rather than adding the signature inside the record, leaves every record format and
/// its frozen schema as they were: the record inside validates against its own schema, and a
/// reader that has unwrapped it reads it as before.
public enum SignedRecordXML {
    public static let namespace = XMLNamespace(uri: "urn:docket:signed:1")
    static let signatureNamespace = "http://www.w3.org/2000/09/xmldsig#"

    /// The envelope around `record`, signed at `time` (the signature itself is added by the signer).
    static func wrap(_ record: XMLElement, time: Date) -> XMLElement {
        XMLElement(
            "signed", namespace: namespace,
            attributes: [XMLAttribute("format", value: "1"), XMLAttribute("time", value: ArchiveXML.instant(time))],
            elements: [record])
    }

    /// What a parsed file's root holds: the record, and when it was signed if it is an envelope.
    ///
    /// - Returns: the root itself and nil for an unsigned record; for an envelope, the record
    ///   inside and the signing time.
    /// - Throws: `.damaged` for an envelope that does not hold exactly one record then one
    ///   `ds:Signature`, or whose time is not a UTC instant.
    static func open(_ root: XMLNode, path: String) throws(ArchiveError) -> (record: XMLNode, signedAt: Date?) {
        guard isEnvelope(root) else { return (root, nil) }
        let children = root.childElements
        guard children.count == 2, children[0].namespaceURI != namespace.uri,
            children[1].name == "Signature", children[1].namespaceURI == signatureNamespace
        else {
            throw .damaged(path: path, reason: "a signed record must hold one record and then its ds:Signature")
        }
        guard let text = root.attribute("time"), let time = ArchiveXML.parseInstant(text) else {
            throw .damaged(path: path, reason: "a signed record's time is not a UTC instant")
        }
        return (children[0], time)
    }

    /// The record a parsed file holds: inside its envelope if it is signed (`open` has checked
    /// the envelope's shape when the file was read).
    static func record(in root: XMLNode) -> XMLNode {
        isEnvelope(root) ? root.childElements.first ?? root : root
    }

    /// Whether `root` is a signed record's envelope.
    static func isEnvelope(_ root: XMLNode) -> Bool {
        root.name == "signed" && root.namespaceURI == namespace.uri
    }
}
