import Foundation
import XML

/// An entry of a hash-chained log kept one file per entry (`000001.xml` …): board logs,
/// mail settings and outbox logs.
protocol ChainedLogEntry: Sendable {
    /// The entry's number in its log, from 1.
    var sequence: Int { get }
    /// The SHA-256 of the file before (64 zeros for the first).
    var previous: String { get }
    init(reading reader: ElementReader) throws(ArchiveError)
}

extension ArchiveStore {
    /// Every entry of the log in `directory`, in order, each validated against `schema` and
    /// read in `namespace`, with the numbering and the hash chain checked.
    ///
    /// - Parameters:
    ///   - isEntry: which file names are entries (any other file is not read here); by default
    ///     every name not starting with a dot, so that a stray file is reported as damage.
    ///   - belongs: throws for an entry filed under the wrong log.
    ///   - anchor: what the first entry's `previous` must be (64 zeros: the log's genesis; the
    ///     access log's days chain on from the day before).
    /// - Returns: the entries with their files' SHA-256 and paths; none when there is no log.
    /// - Throws: `.damaged` naming the first file that is invalid, out of sequence, filed
    ///   elsewhere, or whose `previous` does not match the file before it.
    func readChainedLog<Entry: ChainedLogEntry>(
        _ directory: String, schema: XMLSchema, namespace: String, as type: Entry.Type,
        isEntry: (String) -> Bool = { !$0.hasPrefix(".") },
        belongs: (Entry, String) throws(ArchiveError) -> Void = { _, _ in },
        anchor: (sha256: String, name: String) = (String(repeating: "0", count: 64), "the genesis")
    ) throws(ArchiveError) -> [(entry: Entry, fileSHA256: String, path: String)] {
        let names = DurableFile.list(directory).filter(isEntry)
        var result: [(entry: Entry, fileSHA256: String, path: String)] = []
        var chain = HashChainWalker(anchor: anchor.sha256, anchorName: anchor.name)
        for name in names {
            let path = "\(directory)/\(name)"
            let expectedName = chain.expectedName
            let bytes = try DurableFile.read(path, limit: XMLParseOptions.defaultMaximumInputSize)
            let root = try Self.validatedRoot(bytes, path: path, schema: schema, name: "entry")
            // A log may mix versions of its vocabulary (board formats 1 and 2): the schema has
            // accepted the root, so its own namespace is the one to read its children in.
            let entry = try Entry(
                reading: ElementReader(node: root, path: path, namespace: root.namespaceURI ?? namespace))
            guard chain.enter(name) == nil, chain.isNumbered(recorded: entry.sequence) else {
                throw .damaged(path: path, reason: "out of sequence: expected \(expectedName)")
            }
            try belongs(entry, path)
            let sha = Self.sha256(bytes)
            guard chain.link(previous: entry.previous, sha256: sha) else {
                throw .damaged(path: path, reason: "hash chain broken: previous is not the SHA-256 of the file before")
            }
            result.append((entry, sha, path))
        }
        return result
    }

    /// Parses (hardened) and validates a file of a record family, and checks its root's name.
    ///
    /// - Throws: `.damaged` naming the file if it is not well-formed, not valid, or another record.
    static func validatedRoot(_ bytes: [UInt8], path: String, schema: XMLSchema, name: String)
        throws(ArchiveError) -> XMLNode
    {
        let root: XMLNode
        do {
            let document = try XMLDocument(parsing: bytes, source: path)
            guard let top = document.root else { throw ArchiveError.damaged(path: path, reason: "no root element") }
            // A signed record is checked against its own schema inside its envelope.
            root = try SignedRecordXML.open(top, path: path).record
            if SignedRecordXML.isEnvelope(top) {
                try schema.validate(element: root)
            } else {
                try schema.validate(document)
            }
        } catch let error as ArchiveError {
            throw error
        } catch {
            throw .damaged(path: path, reason: "\(error)")
        }
        guard root.name == name else {
            let article = name.first.map { "aeiou".contains($0) } == true ? "an" : "a"
            throw .damaged(path: path, reason: "expected \(article) <\(name)> document")
        }
        return root
    }

    /// Writes an entry as file number `sequence` of the log in `directory` (creating the log
    /// with its first entry), never replacing a file.
    ///
    /// - Throws: `.conflict` if another writer created that entry first.
    /// - Returns: the SHA-256 of the written file.
    /// - Parameters:
    ///   - time: the entry's time, which its signature records (when the archive signs).
    ///   - signer: the key to sign with instead of the current one (a key list entry).
    func appendChainedLogEntry(
        _ element: XMLElement, sequence: Int, in directory: String, schema: XMLSchema, logName: String, time: Date,
        signer: XMLSigner? = nil
    ) throws(ArchiveError) -> String {
        let bytes = try recordBytes(
            element, schema: schema, source: Self.eventFileName(sequence), time: time, signer: signer)
        try DurableFile.makeDirectory(directory)
        do {
            try DurableFile.create(bytes, at: "\(directory)/\(Self.eventFileName(sequence))")
        } catch .alreadyExists {
            throw .conflict(reference: logName, sequence: sequence)
        }
        return Self.sha256(bytes)
    }
}
