import Archive
import Foundation
import XML

/// Reads a record's envelope, checks its signature against the archive's key list and says
/// what the record fixes, for `docket signature show`. Reads any record of any log the same
/// way: its common parts (sequence, time, actor, previous) and every SHA-256 it holds.
struct SignatureDescriber {
    let keys: [ArchiveKeyPeriod]

    func describe(_ bytes: [UInt8], path: String) throws -> SignatureDescription {
        let document = try XMLDocument(parsing: bytes, source: path)
        guard let root = document.root else { throw ArchiveError.damaged(path: path, reason: "no root element") }
        let isEnvelope = root.name == "signed" && root.namespaceURI == SignedRecordXML.namespace.uri
        let record = isEnvelope ? root.childElements.first ?? root : root
        var description = SignatureDescription(
            path: path, signed: isEnvelope, valid: false,
            record: "\(record.name) in \(record.namespaceURI ?? "no namespace")",
            bindings: [])
        read(record, into: &description)
        guard isEnvelope else {
            description.problem = "not signed"
            return description
        }
        description.signedAt = root.attribute("time").flatMap {
            try? Date.ISO8601FormatStyle(includingFractionalSeconds: true).parse($0)
        }
        do {
            let verifier = try XMLSignatureVerifier(
                trustedKeys: try keys.map { try XMLTrustedKey(name: $0.key.name, publicKeyPEM: $0.key.publicKeyPEM) })
            let name = try verifier.verify(bytes, source: path)
            let period = keys.first { $0.key.name == name }
            description.keyName = name
            description.keyAlgorithm = period?.key.algorithm.rawValue
            description.keyFingerprint = period?.key.spkiSHA256
            if let period, let signedAt = description.signedAt, period.covers(signedAt) {
                description.valid = true
            } else {
                description.problem = "signed outside the period of key \(name)"
            }
        } catch {
            description.problem = "\(error)"
            if case XMLSignatureError.untrustedKey(let name) = error { description.keyName = name }
        }
        return description
    }

    /// The record's common parts and every SHA-256 it fixes.
    private func read(_ record: XMLNode, into description: inout SignatureDescription) {
        let common: Set<String> = ["sequence", "submission", "time", "actor", "previous", "log", "kind", "id", "at"]
        for child in record.childElements {
            switch child.name {
            case "sequence": description.sequence = Int(child.text)
            case "time", "at":
                description.recordedAt = try? Date.ISO8601FormatStyle(includingFractionalSeconds: true).parse(
                    child.text)
            case "previous": description.previous = child.text
            case "actor":
                var parts = [child.attribute("user") ?? "?"]
                if let role = child.attribute("role") { parts.append("as \(role)") }
                if let behalf = child.attribute("on-behalf-of") { parts.append("on behalf of \(behalf)") }
                if let system = child.attribute("system-user") { parts.append("(account \(system))") }
                description.actor = parts.joined(separator: " ")
            default:
                guard !common.contains(child.name), description.action == nil else { break }
                let shown = child.attributes.filter { !$0.name.hasSuffix("sha256") }.map { "\($0.name)=\($0.value)" }
                description.action = ([child.name] + shown).joined(separator: " ")
            }
        }
        collectBindings(record, into: &description.bindings)
    }

    private func collectBindings(_ node: XMLNode, into bindings: inout [SignatureDescription.Binding]) {
        for attribute in node.attributes where attribute.name == "sha256" || attribute.name.hasSuffix("-sha256") {
            let label = [node.attribute("kind"), node.attribute("name")].compactMap { $0 }.joined(separator: " ")
            let what = label.isEmpty ? node.name : "\(node.name) \(label)"
            bindings.append(
                SignatureDescription.Binding(
                    what: attribute.name == "sha256" ? what : "\(what) \(attribute.name)", sha256: attribute.value))
        }
        for child in node.childElements {
            if child.name == "sha256" || child.name.hasSuffix("-sha256") {
                bindings.append(SignatureDescription.Binding(what: "\(node.name) \(child.name)", sha256: child.text))
            } else {
                collectBindings(child, into: &bindings)
            }
        }
    }
}
