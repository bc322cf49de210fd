import Foundation
import Synchronization
import XML

/// What the signature audit counted, besides its findings.
public struct SignatureSummary: Sendable, Hashable {
    /// Records whose signature verified with a key of the list, in its period.
    public var signed = 0
    /// Unsigned records in logs that have no signed record or seal: from before signing began.
    public var beforeSigning = 0
    /// Logs holding records from before signing.
    public var logsBeforeSigning = 0
    /// Logs sealed by `docket key seal-history`.
    public var sealedLogs = 0
    /// Every log walked.
    public var logs = 0
    /// The key list with each key's period.
    public var keys: [ArchiveKeyPeriod] = []

    public init() {}
}

extension ArchiveStore {
    /// Every hash-chained log of the archive, relative to it: each directory holding a record
    /// named `NNNNNN.xml` (a submission's `events`, board logs, mail, access, retention, keys…),
    /// sorted. Found by walking the archive rather than by a list of known logs, so that a log
    /// added in a later version is never left out.
    public func chainDirectories() -> [String] {
        var found: [String] = []
        // Never chains: the schemas, workflows and calendar; documents are content-addressed.
        let skipped: Set<String> = ["schema", "workflows", "calendar", "documents"]
        func walk(_ relative: String) {
            let names = DurableFile.list(relative.isEmpty ? root : "\(root)/\(relative)")
            var isChain = false
            for name in names where !name.hasPrefix(".") {
                if HashChainWalker.number(name) != nil {
                    isChain = true
                    continue
                }
                guard !skipped.contains(name), !name.contains(".") || ArchiveStore.isSafeName(name) else { continue }
                let child = relative.isEmpty ? name : "\(relative)/\(name)"
                var status = stat()
                guard lstat("\(root)/\(child)", &status) == 0, status.st_mode & S_IFMT == S_IFDIR else { continue }
                walk(child)
            }
            if isChain { found.append(relative) }
        }
        walk("")
        return found.sorted()
    }

    /// Checks every record of every hash-chained log for its signature: against the archive's
    /// key list only (never a key that arrives inside a signature), made by a key in its
    /// period; and names every record that should be signed and is not — any after a log's
    /// first signed record or its seal. Each key list entry must be signed by the key it
    /// introduces (the first) or the one it replaces (every later one).
    ///
    /// - Parameter progress: called after each log with (done, total).
    public func auditSignatures(progress: (Int, Int) -> Void = { _, _ in }) -> (
        findings: [VerificationFinding], summary: SignatureSummary
    ) {
        var findings: [VerificationFinding] = []
        var summary = SignatureSummary()
        func problem(_ path: String, _ message: String) {
            findings.append(VerificationFinding(severity: .problem, path: path, message: message))
        }
        var keyEntries: [KeyLogEntry] = []
        do {
            keyEntries = try keyLog().map(\.entry)
        } catch {
            problem(Self.keyLogDirectory, "the key list cannot be read, so no signature can be trusted: \(error)")
        }
        summary.keys = Self.periods(of: keyEntries)
        let periods = Dictionary(summary.keys.map { ($0.key.name, $0) }, uniquingKeysWith: { first, _ in first })
        let verifier: XMLSignatureVerifier
        do {
            verifier = try XMLSignatureVerifier(
                trustedKeys: try summary.keys.map {
                    try XMLTrustedKey(name: $0.key.name, publicKeyPEM: $0.key.publicKeyPEM)
                })
        } catch {
            problem(Self.keyLogDirectory, "the key list holds a key that cannot be read: \(error)")
            return (findings, summary)
        }
        var seals: [String: HistorySeal] = [:]
        do {
            for read in try sealLog() {
                guard case .historySealed(let seal) = read.entry.body else { continue }
                seals[seal.chain] = seal
            }
        } catch {
            problem(Self.sealLogDirectory, "the seals cannot be read: \(error)")
        }
        let chains = chainDirectories()
        summary.logs = chains.count
        // Logs are independent: checked on every core, a batch at a time so that progress is
        // reported from this thread, and findings kept in the logs' order.
        let keyOrder = summary.keys.map(\.key.name)
        let sealed = seals
        let since = SigningStart(time: summary.keys.first?.from, historySealed: !seals.isEmpty)
        let batchSize = 64
        var done = 0
        while done < chains.count {
            let batch = Array(chains[done..<min(done + batchSize, chains.count)])
            let results = Mutex([ChainAudit?](repeating: nil, count: batch.count))
            DispatchQueue.concurrentPerform(iterations: batch.count) { index in
                let audit = auditChain(
                    batch[index], seal: sealed[batch[index]], verifier: verifier, periods: periods, keyOrder: keyOrder,
                    since: since)
                results.withLock { $0[index] = audit }
            }
            for audit in results.withLock({ $0 }).compactMap({ $0 }) {
                findings += audit.findings
                summary.signed += audit.signed
                if audit.sealed { summary.sealedLogs += 1 }
                if audit.beforeSigning > 0 {
                    summary.beforeSigning += audit.beforeSigning
                    summary.logsBeforeSigning += 1
                }
            }
            done += batch.count
            progress(done, chains.count)
        }
        for (chain, seal) in seals where !chains.contains(chain) {
            problem(chain, "sealed at \(Self.eventFileName(seal.last)), but the log is gone")
        }
        return (findings, summary)
    }

    /// What the signature check found in one log.
    private struct ChainAudit: Sendable {
        var findings: [VerificationFinding] = []
        var signed = 0
        /// Unsigned records of a log with no signed record and no seal.
        var beforeSigning = 0
        var sealed = false
    }

    /// When the archive began signing, and whether its history was sealed: what tells an
    /// unsigned record written before signing from one written by hand after it.
    private struct SigningStart: Sendable {
        /// The first key's introduction; nil while the archive has no key.
        var time: Date?
        /// Whether `docket key seal-history` has run: every log then existing was sealed.
        var historySealed: Bool
    }

    private func auditChain(
        _ chain: String, seal: HistorySeal?, verifier: XMLSignatureVerifier, periods: [String: ArchiveKeyPeriod],
        keyOrder: [String], since: SigningStart
    ) -> ChainAudit {
        var audit = ChainAudit(sealed: seal != nil)
        func problem(_ path: String, _ message: String) {
            audit.findings.append(VerificationFinding(severity: .problem, path: path, message: message))
        }
        let isKeyList = chain == Self.keyLogDirectory
        var firstSigned: Int?
        var unsignedBefore = 0
        let sealedUpTo = seal?.last ?? 0
        for name in DurableFile.list("\(root)/\(chain)") {
            guard let number = HashChainWalker.number(name) else { continue }
            let relative = "\(chain)/\(name)"
            guard
                let bytes = try? DurableFile.read("\(root)/\(relative)", limit: XMLParseOptions.defaultMaximumInputSize)
            else {
                problem(relative, "cannot be read")
                continue
            }
            if let seal, number == seal.last, Self.sha256(bytes) != seal.sha256 {
                problem(
                    relative,
                    "sealed with SHA-256 \(seal.sha256) by `docket key seal-history`, now \(Self.sha256(bytes)): "
                        + "changed since it was sealed")
            }
            guard Self.mentionsSignedNamespace(bytes) else {
                if let firstSigned {
                    problem(
                        relative,
                        "not signed, but record \(Self.eventFileName(firstSigned)) of this log is: every record after a "
                            + "log's first signed record is signed (written or replaced by hand?)")
                } else if number > sealedUpTo, sealedUpTo > 0 {
                    problem(
                        relative,
                        "not signed, but the log was sealed at \(Self.eventFileName(sealedUpTo)): every record after "
                            + "a seal is signed (written or replaced by hand?)")
                } else if seal == nil, since.historySealed {
                    problem(
                        relative,
                        "not signed, and its log is not among those sealed by `docket key seal-history`: a log begun "
                            + "after the archive began signing is signed from its first record (written by hand?)")
                } else if seal == nil, let began = since.time, let recorded = Self.recordedTime(bytes),
                    recorded >= began
                {
                    problem(
                        relative,
                        "not signed, but recorded at \(ArchiveXML.instant(recorded)), after the archive began signing "
                            + "at \(ArchiveXML.instant(began)) (written by hand?)")
                } else {
                    unsignedBefore += 1
                }
                continue
            }
            if firstSigned == nil { firstSigned = number }
            let keyName: String
            let signedAt: Date
            do {
                let document = try XMLDocument(parsing: bytes, source: relative)
                keyName = try verifier.verify(document)
                guard let root = document.root, SignedRecordXML.isEnvelope(root) else {
                    throw ArchiveError.damaged(path: relative, reason: "the signature does not envelop a signed record")
                }
                signedAt = try SignedRecordXML.open(root, path: relative).signedAt ?? .distantPast
            } catch {
                problem(relative, "signature refused: \(error)")
                continue
            }
            if let period = periods[keyName], !period.covers(signedAt) {
                let until = period.until.map { " until \(ArchiveXML.instant($0))" } ?? ""
                problem(
                    relative,
                    "signed at \(ArchiveXML.instant(signedAt)) by key \(keyName), outside its period (from "
                        + "\(ArchiveXML.instant(period.from))\(until))")
                continue
            }
            if isKeyList, number <= keyOrder.count {
                // The first key signs its own entry; every later entry is signed by the key it replaces.
                let expected = keyOrder[max(0, number - 2)]
                guard keyName == expected else {
                    problem(relative, "signed by key \(keyName), but this entry must be signed by \(expected)")
                    continue
                }
            }
            audit.signed += 1
        }
        if firstSigned == nil, sealedUpTo == 0 { audit.beforeSigning = unsignedBefore }
        return audit
    }

    /// The time an unsigned record says it was recorded (its `<time>`, or an access entry's
    /// `<at>`), read from its bytes without parsing: `verify` has validated it already.
    static func recordedTime(_ bytes: [UInt8]) -> Date? {
        let text = String(decoding: bytes.prefix(4096), as: UTF8.self)
        for (open, close) in [("<time>", "</time>"), ("<at>", "</at>")] {
            if let start = text.range(of: open),
                let end = text.range(of: close, range: start.upperBound..<text.endIndex)
            {
                return ArchiveXML.parseInstant(String(text[start.upperBound..<end.lowerBound]))
            }
        }
        return nil
    }

    /// Whether the bytes name the signed records' namespace: a record that does not cannot be
    /// signed, and is not parsed twice (`verify` reads every record already).
    public static func mentionsSignedNamespace(_ bytes: [UInt8]) -> Bool {
        contains(bytes, Array(SignedRecordXML.namespace.uri.utf8))
    }

    /// Whether `needle` occurs in `bytes`: a cheap test of a record's kind before parsing it.
    public static func contains(_ bytes: [UInt8], _ needle: [UInt8]) -> Bool {
        guard let first = needle.first, bytes.count >= needle.count else { return needle.isEmpty }
        var index = 0
        let end = bytes.count - needle.count
        while index <= end {
            if bytes[index] == first, bytes[index..<(index + needle.count)].elementsEqual(needle) { return true }
            index += 1
        }
        return false
    }
}
