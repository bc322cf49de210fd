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

    /// The schema board logs are read with: the newest format the archive has (each imports
    /// the formats before it, so it also checks their entries).
    func requireBoardSchema() throws(ArchiveError) -> XMLSchema {
        let newest: SchemaFamily =
            familySchemas.has(.board3) ? .board3 : familySchemas.has(.board2) ? .board2 : .board
        return try familySchemas.require(newest, root: root)
    }

    /// Every entry of a log in order, each validated, with the hash chain checked.
    ///
    /// - Returns: an empty array when the log does not exist.
    /// - Throws: `.damaged` naming the first file that is invalid, out of sequence, filed under
    ///   another log, or whose `previous` does not match the file before it.
    public func boardEntries(_ kind: BoardLogKind, _ id: String) throws(ArchiveError) -> [ReadBoardEntry] {
        guard Self.isSafeName(id) else { throw .invalidInput("'\(id)' is not a valid \(kind.rawValue) id") }
        let directory = boardLogDirectory(kind, id)
        guard DurableFile.exists(directory) else { return [] }
        let read = try readChainedLog(
            directory, schema: try requireBoardSchema(), namespace: BoardXML.namespace.uri, as: BoardEntry.self,
            belongs: { (entry, path) throws(ArchiveError) in
                guard entry.kind == kind, entry.logID == id else {
                    throw .damaged(path: path, reason: "belongs to \(entry.kind.rawValue) \(entry.logID)")
                }
            })
        return read.map { ReadBoardEntry(entry: $0.entry, fileSHA256: $0.fileSHA256, path: $0.path) }
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
        return try appendChainedLogEntry(
            entry.xml, sequence: entry.sequence, in: boardLogDirectory(entry.kind, entry.logID),
            schema: try familySchemas.require(entry.record.schemaFamily, root: root),
            logName: entry.logID, time: entry.time)
    }

    /// The SHA-256 of a submission's event file as it is on disk (what a Board decision cites).
    ///
    /// - Throws: `.damaged` when the file cannot be read.
    public func eventFileSHA256(_ reference: String, _ sequence: Int) throws(ArchiveError) -> String {
        Self.sha256(
            try DurableFile.read(eventPath(reference, sequence), limit: XMLParseOptions.defaultMaximumInputSize))
    }
}
