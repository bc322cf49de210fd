import Foundation
import Workflow
import XML

/// The kinds of key an archive signs with.
public enum ArchiveKeyAlgorithm: String, Sendable, Hashable, Codable, CaseIterable {
    case ecdsaP256 = "ecdsa-p256"
    case rsa3072 = "rsa-3072"

    /// The XML Signature method a key of this kind signs with.
    public var signatureAlgorithm: XMLSignatureAlgorithm {
        switch self {
        case .ecdsaP256: .ecdsaP256SHA256
        case .rsa3072: .rsaSHA256
        }
    }
}

/// The public half of an archive signing key, as the key list records it.
public struct ArchiveKey: Sendable, Hashable {
    /// What signatures name in `ds:KeyName`: `docket-` and the first 16 hex digits of `spkiSHA256`.
    public var name: String
    public var algorithm: ArchiveKeyAlgorithm
    /// PEM `PUBLIC KEY` (DER SubjectPublicKeyInfo), what `xmlsec1 --pubkey-pem` reads.
    public var publicKeyPEM: String
    /// SHA-256 of the DER SubjectPublicKeyInfo: the fingerprint to publish outside the archive.
    public var spkiSHA256: String

    public init(name: String, algorithm: ArchiveKeyAlgorithm, publicKeyPEM: String, spkiSHA256: String) {
        self.name = name
        self.algorithm = algorithm
        self.publicKeyPEM = publicKeyPEM
        self.spkiSHA256 = spkiSHA256
    }
}

/// A key of the list with the period it was (or is) in use.
public struct ArchiveKeyPeriod: Sendable, Hashable {
    public var key: ArchiveKey
    /// When its entry was recorded.
    public var from: Date
    /// When the next key's entry was recorded; nil for the key in use now.
    public var until: Date?

    /// Whether a signature made at `time` falls in the period (both ends included: the entry
    /// that introduces the next key is signed by this one, at the moment its period ends).
    public func covers(_ time: Date) -> Bool {
        time >= from && until.map { time <= $0 } ?? true
    }
}

/// What a sealed log held when `docket key seal-history` sealed it.
public struct HistorySeal: Sendable, Hashable {
    /// The log's directory, relative to the archive (`submissions/REF/events`).
    public var chain: String
    /// The number of its last file then.
    public var last: Int
    /// That file's SHA-256 then.
    public var sha256: String

    public init(chain: String, last: Int, sha256: String) {
        self.chain = chain
        self.last = last
        self.sha256 = sha256
    }
}

/// An entry of the key list (`keys/log/`) or of the seals (`keys/seals/`).
public struct KeyLogEntry: Sendable, Hashable, ChainedLogEntry {
    public enum Body: Sendable, Hashable {
        case keyIntroduced(ArchiveKey)
        case historySealed(HistorySeal)
    }

    public var sequence: Int
    public var previous: String
    public var time: Date
    public var actor: ActorStamp
    public var body: Body

    public init(sequence: Int, previous: String, time: Date, actor: ActorStamp, body: Body) {
        self.sequence = sequence
        self.previous = previous
        self.time = time
        self.actor = actor
        self.body = body
    }
}

/// The key and seal logs' vocabulary (`schema/docket-keys-1.xsd`).
enum KeysXML {
    static let namespace = XMLNamespace(uri: "urn:docket:keys:1")

    static func element(_ name: String, _ text: String) -> XMLElement {
        XMLElement(name, namespace: namespace, text: text)
    }
}

extension KeyLogEntry {
    var xml: XMLElement {
        var actor = ArchiveXML.actor("actor", self.actor)
        actor.namespace = KeysXML.namespace
        let body: XMLElement
        switch self.body {
        case .keyIntroduced(let key):
            body = XMLElement(
                "key-introduced", namespace: KeysXML.namespace,
                attributes: [
                    XMLAttribute("name", value: key.name), XMLAttribute("algorithm", value: key.algorithm.rawValue),
                    XMLAttribute("spki-sha256", value: key.spkiSHA256),
                ],
                elements: [KeysXML.element("public-key", key.publicKeyPEM)])
        case .historySealed(let seal):
            body = XMLElement(
                "history-sealed", namespace: KeysXML.namespace,
                attributes: [
                    XMLAttribute("chain", value: seal.chain), XMLAttribute("last", value: String(seal.last)),
                    XMLAttribute("sha256", value: seal.sha256),
                ])
        }
        return XMLElement(
            "entry", namespace: KeysXML.namespace, attributes: [XMLAttribute("format", value: "1")],
            elements: [
                KeysXML.element("sequence", String(sequence)), KeysXML.element("time", ArchiveXML.instant(time)),
                actor, KeysXML.element("previous", previous), body,
            ])
    }

    init(reading reader: ElementReader) throws(ArchiveError) {
        sequence = try reader.integer("sequence")
        previous = try reader.text("previous")
        time = try reader.instant("time")
        actor = try reader.actor("actor")
        if let introduced = reader.children("key-introduced").first {
            let key = ElementReader(node: introduced, path: reader.path, namespace: reader.namespace)
            body = .keyIntroduced(
                ArchiveKey(
                    name: try key.attribute("name"),
                    algorithm: try key.enumeration(try key.attribute("algorithm"), as: ArchiveKeyAlgorithm.self),
                    publicKeyPEM: try key.text("public-key"), spkiSHA256: try key.attribute("spki-sha256")))
        } else {
            let seal = try reader.child("history-sealed")
            guard let last = Int(try seal.attribute("last")) else {
                throw .damaged(path: reader.path, reason: "a seal's last file is not a number")
            }
            body = .historySealed(
                HistorySeal(chain: try seal.attribute("chain"), last: last, sha256: try seal.attribute("sha256")))
        }
    }
}
