import Foundation
import Glibc
import Synchronization
import XML

/// This process's signing over one archive: where its private key is, the key list as last
/// read, and the signer made from the key file (see `ArchiveStore.currentSigner()`).
final class ArchiveSigning: Sendable {
    /// The private key's file (nil: none configured).
    let keyPath: String?

    struct State {
        /// The number of key list entries read (0: none yet, or the archive has no key).
        var keyLogLength = 0
        var keys: [ArchiveKeyPeriod] = []
        var signer: XMLSigner?
    }

    let state = Mutex(State())

    init(keyPath: String?) {
        self.keyPath = keyPath
    }
}

extension ArchiveStore {
    /// The key list: every key the archive has signed with, one entry each.
    public static let keyLogDirectory = "keys/log"
    /// The seals over history recorded before signing began.
    public static let sealLogDirectory = "keys/seals"
    /// The largest private key file read: a PEM RSA key of 8192 bits is under 7 KiB.
    static let privateKeyFileLimit = 64 * 1024

    /// Whether the archive signs the records it appends (it has a key).
    public var signsRecords: Bool {
        DurableFile.exists("\(root)/\(Self.keyLogDirectory)/\(Self.eventFileName(1))")
    }

    /// The private key file this store signs with, as configured (nil: none).
    public var signingKeyPath: String? { signing.keyPath }

    /// Every entry of the key list, validated and chained.
    public func keyLog() throws(ArchiveError) -> [(entry: KeyLogEntry, fileSHA256: String, path: String)] {
        try readKeysLog(Self.keyLogDirectory, sealed: false)
    }

    /// Every seal, validated and chained.
    public func sealLog() throws(ArchiveError) -> [(entry: KeyLogEntry, fileSHA256: String, path: String)] {
        try readKeysLog(Self.sealLogDirectory, sealed: true)
    }

    private func readKeysLog(_ relative: String, sealed: Bool) throws(ArchiveError) -> [(
        entry: KeyLogEntry, fileSHA256: String, path: String
    )] {
        let directory = "\(root)/\(relative)"
        guard DurableFile.exists(directory) else { return [] }
        return try readChainedLog(
            directory, schema: try familySchemas.require(.keys, root: root), namespace: KeysXML.namespace.uri,
            as: KeyLogEntry.self,
            belongs: { (entry, path) throws(ArchiveError) in
                let isSeal = if case .historySealed = entry.body { true } else { false }
                guard isSeal == sealed else {
                    throw .damaged(
                        path: path, reason: sealed ? "a key filed among the seals" : "a seal in the key list")
                }
            })
    }

    /// The keys with the period each was in use, oldest first.
    public func keyPeriods() throws(ArchiveError) -> [ArchiveKeyPeriod] {
        Self.periods(of: try keyLog().map(\.entry))
    }

    static func periods(of entries: [KeyLogEntry]) -> [ArchiveKeyPeriod] {
        var periods: [ArchiveKeyPeriod] = []
        for entry in entries {
            guard case .keyIntroduced(let key) = entry.body else { continue }
            if !periods.isEmpty { periods[periods.count - 1].until = entry.time }
            periods.append(ArchiveKeyPeriod(key: key, from: entry.time, until: nil))
        }
        return periods
    }

    // MARK: - Signing what is appended

    /// The signer for the next record appended; nil while the archive has no key.
    ///
    /// Costs one `stat` when nothing changed: the key list's next file is probed for, so that a
    /// rotation by another process (the command line, while the server runs) is seen at the
    /// next write, which then signs with the new key.
    ///
    /// - Throws: `.signingKeyUnavailable` when the archive has a key and this process cannot
    ///   sign with it: nothing must then be appended unsigned, which `verify` would name as
    ///   tampering.
    func currentSigner() throws(ArchiveError) -> XMLSigner? {
        let known = signing.state.withLock { $0 }
        let directory = "\(root)/\(Self.keyLogDirectory)"
        var keys = known.keys
        if DurableFile.exists("\(directory)/\(Self.eventFileName(known.keyLogLength + 1))") {
            keys = try keyPeriods()
        } else if known.keyLogLength == 0 {
            return nil
        }
        guard let current = keys.last?.key else { return nil }
        let signer: XMLSigner
        if let cached = known.signer, cached.key.name == current.name {
            signer = cached
        } else {
            signer = try loadSigner(for: current)
        }
        let state = ArchiveSigning.State(keyLogLength: keys.count, keys: keys, signer: signer)
        signing.state.withLock { $0 = state }
        return signer
    }

    /// Checks that this process can sign the next record (nothing to check without a key).
    public func checkSigningKey() throws(ArchiveError) {
        _ = try currentSigner()
    }

    /// A signer from the configured key file, which must hold `current`; after a rotation
    /// interrupted between the key list's entry and the key file's move, the new key is still
    /// beside it (`PATH.next`), and is moved into place here.
    private func loadSigner(for current: ArchiveKey) throws(ArchiveError) -> XMLSigner {
        guard let path = signing.keyPath else {
            throw .signingKeyUnavailable(path: "(no key file)", reason: "no private key is configured")
        }
        var found: [String] = []
        for candidate in [path, path + ".next"] where DurableFile.exists(candidate) {
            let pem = try Self.readPrivateKey(at: candidate)
            let key: ArchiveKey
            do {
                key = try ArchiveKeyMaterial.publicKey(ofPrivateKeyPEM: pem)
            } catch {
                throw .signingKeyUnavailable(path: candidate, reason: "\(error)")
            }
            found.append(key.name)
            guard key.name == current.name else { continue }
            if candidate != path { try? DurableFile.move(candidate, over: path) }
            do {
                return XMLSigner(key: try XMLSigningKey(name: key.name, privateKeyPEM: pem))
            } catch {
                throw .signingKeyUnavailable(path: candidate, reason: "\(error)")
            }
        }
        throw .signingKeyUnavailable(
            path: path,
            reason: found.isEmpty
                ? "no such file"
                : "holds key \(found.joined(separator: ", ")), not the archive's current key \(current.name)")
    }

    /// Reads a private key file, refusing one that other accounts could read.
    static func readPrivateKey(at path: String) throws(ArchiveError) -> String {
        var status = stat()
        guard stat(path, &status) == 0 else {
            throw .signingKeyUnavailable(path: path, reason: String(cString: strerror(errno)))
        }
        guard status.st_mode & 0o077 == 0 else {
            throw .signingKeyUnavailable(
                path: path,
                reason: "other accounts may read it (mode \(String(status.st_mode & 0o777, radix: 8))); only the "
                    + "service account may (chmod 400)")
        }
        let bytes: [UInt8]
        do {
            bytes = try DurableFile.read(path, limit: privateKeyFileLimit)
        } catch {
            throw .signingKeyUnavailable(path: path, reason: "\(error)")
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    /// A record's bytes as appended: validated against its schema, and when the archive signs,
    /// wrapped and signed at `time` (by `signer`, else by the current key).
    func recordBytes(
        _ element: XMLElement, schema: XMLSchema, source: String, time: Date, signer explicit: XMLSigner? = nil
    ) throws(ArchiveError) -> [UInt8] {
        let chosen: XMLSigner?
        if let explicit { chosen = explicit } else { chosen = try currentSigner() }
        guard let signer = chosen else { return try Self.encode(element, schema: schema, source: source) }
        let document: XMLDocument
        do {
            document = try XMLDocument(root: SignedRecordXML.wrap(element, time: time), source: source)
            try schema.validate(element: document.root!.childElements[0])
        } catch {
            throw .invalidInput("\(source) would not be valid archive XML: \(error)")
        }
        do {
            return try signer.sign(document)
        } catch {
            throw .io(path: source, operation: "sign", reason: "\(error)")
        }
    }

    // MARK: - Keys and seals

    /// Records a new signing key: the archive's first, or the successor of the key in use.
    ///
    /// The private key is written beside the configured key file (`PATH.next`, readable by its
    /// owner only), the key list's entry is appended — signed by the new key if it is the first,
    /// else by the key it replaces — and only then is the key file moved into place. A crash
    /// before the entry leaves a stray `.next` that the next attempt replaces; a crash after it
    /// leaves the new key beside the old, which the next write moves into place.
    ///
    /// - Throws: `.signingKeyUnavailable` when no key file is configured, it lies inside the
    ///   archive, or (for a successor) the current key cannot be used; `.alreadyExists` when
    ///   a first key's file exists (a private key is never overwritten).
    public func introduceKey(privateKeyPEM: String, key: ArchiveKey, actor: ActorStamp, time: Date)
        throws(ArchiveError) -> KeyLogEntry
    {
        guard let path = signing.keyPath else {
            throw .signingKeyUnavailable(path: "(no key file)", reason: "no private key file is configured")
        }
        guard !Self.isInside(path, directory: root) else {
            throw .signingKeyUnavailable(
                path: path,
                reason: "is inside the archive; keep the private key outside it, where only the service reads it")
        }
        try DurableFile.makeDirectory("\(root)/keys")
        let lock = try Self.exclusiveLock(at: "\(root)/keys/.lock")
        defer { lock.release() }
        let existing = try keyLog()
        let outgoing: XMLSigner?
        if existing.isEmpty {
            if DurableFile.exists(path) { throw .alreadyExists(path: path) }
            outgoing = nil
        } else {
            outgoing = try currentSigner()
        }
        let next = path + ".next"
        unlink(next)  // left by a rotation that never reached the key list
        try DurableFile.makeDirectory(DurableFile.directory(of: path))
        try DurableFile.create(Array(privateKeyPEM.utf8), at: next, mode: 0o400)
        let newSigner: XMLSigner
        do {
            newSigner = XMLSigner(key: try XMLSigningKey(name: key.name, privateKeyPEM: privateKeyPEM))
        } catch {
            unlink(next)
            throw .invalidInput("the new key cannot sign: \(error)")
        }
        let entry = try appendKeysEntry(
            .keyIntroduced(key), after: existing.last.map { ($0.entry.sequence, $0.fileSHA256) },
            in: Self.keyLogDirectory, actor: actor, time: time, signer: outgoing ?? newSigner
        ).entry
        if DurableFile.exists(next) { try DurableFile.move(next, over: path) }
        signing.state.withLock { $0 = ArchiveSigning.State() }
        return entry
    }

    /// Appends seals over logs' histories as they stand, in one run under the key logs' lock
    /// (signed by the current key).
    ///
    /// - Parameter progress: called after each seal with (done, total).
    /// - Throws: `.signingKeyUnavailable` while the archive has no key (a seal must be signed).
    public func appendSeals(
        _ seals: [HistorySeal], actor: ActorStamp, time: Date, progress: (Int, Int) -> Void = { _, _ in }
    ) throws(ArchiveError) {
        guard let signer = try currentSigner() else {
            throw .signingKeyUnavailable(
                path: "(no key)", reason: "this archive has no signing key yet (docket key new)")
        }
        try DurableFile.makeDirectory("\(root)/keys")
        let lock = try Self.exclusiveLock(at: "\(root)/keys/.lock")
        defer { lock.release() }
        var last = try sealLog().last.map { ($0.entry.sequence, $0.fileSHA256) }
        for (index, seal) in seals.enumerated() {
            let written = try appendKeysEntry(
                .historySealed(seal), after: last, in: Self.sealLogDirectory, actor: actor, time: time, signer: signer)
            last = (written.entry.sequence, written.sha256)
            progress(index + 1, seals.count)
        }
    }

    /// Appends one entry to the key list or the seals, after the entry `after` (number, file
    /// SHA-256; nil for the first). Call with the key logs' lock held.
    private func appendKeysEntry(
        _ body: KeyLogEntry.Body, after last: (sequence: Int, sha256: String)?, in directory: String,
        actor: ActorStamp, time: Date, signer: XMLSigner
    ) throws(ArchiveError) -> (entry: KeyLogEntry, sha256: String) {
        let entry = KeyLogEntry(
            sequence: (last?.sequence ?? 0) + 1, previous: last?.sha256 ?? String(repeating: "0", count: 64),
            time: time, actor: actor, body: body)
        let sha256 = try appendChainedLogEntry(
            entry.xml, sequence: entry.sequence, in: "\(root)/\(directory)",
            schema: try familySchemas.require(.keys, root: root), logName: directory, time: time, signer: signer)
        return (entry, sha256)
    }

    /// Whether `path` names a file inside `directory` (symbolic links resolved where they exist).
    static func isInside(_ path: String, directory: String) -> Bool {
        func resolved(_ path: String) -> String {
            let absolute = URL(fileURLWithPath: path).standardizedFileURL.path
            var parts = absolute.split(separator: "/", omittingEmptySubsequences: true).map(String.init)
            var tail: [String] = []
            // Resolve the longest prefix that exists (the file itself may not yet).
            while !parts.isEmpty {
                if let real = realpath("/" + parts.joined(separator: "/"), nil) {
                    defer { free(real) }
                    return ([String(cString: real)] + tail.reversed()).joined(separator: "/")
                }
                tail.append(parts.removeLast())
            }
            return absolute
        }
        let base = resolved(directory)
        let candidate = resolved(path)
        return candidate == base || candidate.hasPrefix(base.hasSuffix("/") ? base : base + "/")
    }
}

extension ArchiveStore {
    /// The number a log record's file name gives (`000042.xml` → 42); nil for any other name.
    public static func recordNumber(_ name: String) -> Int? {
        HashChainWalker.number(name)
    }

    /// A log record's file name (42 → `000042.xml`).
    public static func recordFileName(_ number: Int) -> String {
        eventFileName(number)
    }

    /// The identifier `archive.xml` gives the archive at `root`; nil if it cannot be read.
    public static func identifier(ofArchiveAt root: String) -> String? {
        guard let bytes = try? DurableFile.read("\(root)/archive.xml", limit: 1 << 20),
            let document = try? XMLDocument(parsing: bytes, source: "\(root)/archive.xml"),
            let identifier = document.root?.childElements.first(where: { $0.name == "identifier" })?.text,
            isSafeName(identifier)
        else { return nil }
        return identifier
    }
}
