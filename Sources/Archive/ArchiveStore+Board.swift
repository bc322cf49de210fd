import Foundation
import XML

extension ArchiveStore {
    /// A board log entry as read: the entry, its file's SHA-256 and path.
    public struct ReadBoardEntry: Sendable {
        public var entry: BoardEntry
        public var fileSHA256: String
        public var path: String
    }

    /// `series/ID`, `meetings/ID` or `reports/REF`.
    public func boardLogDirectory(_ kind: BoardLogKind, _ id: String) -> String {
        "\(root)/\(kind.directory)/\(id)"
    }

    /// The ids of every log of `kind` that has at least its first entry, sorted.
    public func boardLogIDs(_ kind: BoardLogKind) -> [String] {
        DurableFile.list("\(root)/\(kind.directory)").filter { name in
            Self.isSafeName(name) && DurableFile.exists("\(root)/\(kind.directory)/\(name)/\(Self.eventFileName(1))")
        }
    }

    /// Whether the log exists (has its first entry).
    public func boardLogExists(_ kind: BoardLogKind, _ id: String) -> Bool {
        Self.isSafeName(id) && DurableFile.exists("\(boardLogDirectory(kind, id))/\(Self.eventFileName(1))")
    }

    func requireBoardSchema() throws(ArchiveError) -> XMLSchema {
        try familySchemas.require(.board, root: root)
    }

    /// Every entry of a log in order, each validated, with the hash chain checked.
    ///
    /// - Returns: an empty array when the log does not exist.
    /// - Throws: `.damaged` naming the first file that is invalid, out of sequence, filed under
    ///   another log, or whose `previous` does not match the file before it.
    public func boardEntries(_ kind: BoardLogKind, _ id: String) throws(ArchiveError) -> [ReadBoardEntry] {
        guard Self.isSafeName(id) else { throw .invalidInput("'\(id)' is not a valid \(kind.rawValue) id") }
        let directory = boardLogDirectory(kind, id)
        let names = DurableFile.list(directory).filter { !$0.hasPrefix(".") }
        guard !names.isEmpty else { return [] }
        let schema = try requireBoardSchema()
        var result: [ReadBoardEntry] = []
        var chain = HashChainWalker(anchor: BoardEntry.genesis, anchorName: "the genesis")
        for name in names {
            let path = "\(directory)/\(name)"
            let expectedName = chain.expectedName
            let bytes = try DurableFile.read(path, limit: XMLParseOptions.defaultMaximumInputSize)
            let document: XMLDocument
            do {
                document = try XMLDocument(parsing: bytes, source: path)
                try schema.validate(document)
            } catch {
                throw .damaged(path: path, reason: "\(error)")
            }
            guard let root = document.root, root.name == "entry" else {
                throw .damaged(path: path, reason: "expected an <entry> document")
            }
            let entry = try BoardEntry(
                reading: ElementReader(node: root, path: path, namespace: BoardXML.namespace.uri))
            guard chain.enter(name) == nil, chain.isNumbered(recorded: entry.sequence) else {
                throw .damaged(path: path, reason: "out of sequence: expected \(expectedName)")
            }
            guard entry.kind == kind, entry.logID == id else {
                throw .damaged(path: path, reason: "belongs to \(entry.kind.rawValue) \(entry.logID)")
            }
            let sha = Self.sha256(bytes)
            guard chain.link(previous: entry.previous, sha256: sha) else {
                throw .damaged(path: path, reason: "hash chain broken: previous is not the SHA-256 of the file before")
            }
            result.append(ReadBoardEntry(entry: entry, fileSHA256: sha, path: path))
        }
        return result
    }

    /// Appends an entry as the next file of its log, never replacing one (the first entry
    /// creates the log).
    ///
    /// - Throws: `.conflict` if another writer created that entry first.
    /// - Returns: the SHA-256 of the written file.
    @discardableResult
    public func appendBoardEntry(_ entry: BoardEntry) throws(ArchiveError) -> String {
        guard Self.isSafeName(entry.logID) else {
            throw .invalidInput("'\(entry.logID)' is not a valid \(entry.kind.rawValue) id")
        }
        let schema = try requireBoardSchema()
        let bytes = try Self.encode(entry.xml, schema: schema, source: Self.eventFileName(entry.sequence))
        let directory = boardLogDirectory(entry.kind, entry.logID)
        try DurableFile.makeDirectory(directory)
        do {
            try DurableFile.create(bytes, at: "\(directory)/\(Self.eventFileName(entry.sequence))")
        } catch .alreadyExists {
            throw .conflict(reference: entry.logID, sequence: entry.sequence)
        }
        return Self.sha256(bytes)
    }
}
