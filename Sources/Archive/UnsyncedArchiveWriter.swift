import Foundation
import Glibc
import XML

/// Writes archive files in bulk *without* the durable write path: no fsync, no no-replace
/// links, no locks. For building synthetic archives (benchmarks, large tests) quickly — never
/// for real records, which go through `ArchiveStore` and `DocketKit`.
///
/// The files are byte-for-byte what the real path writes (same XML, same hash chain), so
/// everything that reads an archive — `verify`, the index, `xmllint` — sees a normal archive.
public struct UnsyncedArchiveWriter: Sendable {
    public let store: ArchiveStore
    /// Validate every file against the schema as it is written (slower; catches generator bugs).
    public var validates: Bool

    public init(store: ArchiveStore, validates: Bool = false) {
        self.store = store
        self.validates = validates
    }

    /// Writes `submission.xml` (and the folders); returns its SHA-256, the chain's anchor.
    public func writeSubmission(_ record: SubmissionRecord) throws(ArchiveError) -> String {
        let directory = store.submissionDirectory(record.reference)
        for folder in [directory, "\(directory)/events", "\(directory)/documents"] {
            _ = mkdir(folder, 0o755)
        }
        return try write(record.xml, to: "\(directory)/submission.xml")
    }

    /// Writes an event file; returns its SHA-256 (the next event's `previous`).
    public func writeEvent(_ event: StoredEvent) throws(ArchiveError) -> String {
        try write(event.xml, to: store.eventPath(event.submission, event.sequence))
    }

    /// Writes a document's content and metadata; returns the metadata file's SHA-256.
    public func writeDocument(_ content: [UInt8], metadata: DocumentMetadata) throws(ArchiveError) -> String {
        try put(content, at: store.documentPath(metadata.submission, storedAs: metadata.storedAs))
        return try write(metadata.xml, to: store.metadataPath(metadata.submission, metadata.sha256))
    }

    /// Writes `head.xml`.
    public func writeHead(_ reference: String, sequence: Int, sha256: String) throws(ArchiveError) {
        let element = ArchiveXML.root(
            "head", [ArchiveXML.element("sequence", String(sequence)), ArchiveXML.element("sha256", sha256)])
        _ = try write(element, to: "\(store.submissionDirectory(reference))/head.xml")
    }

    private func write(_ element: XMLElement, to path: String) throws(ArchiveError) -> String {
        let bytes = try validates ? store.encode(element, source: path) : Self.serialize(element, source: path)
        try put(bytes, at: path)
        return ArchiveStore.sha256(bytes)
    }

    private static func serialize(_ element: XMLElement, source: String) throws(ArchiveError) -> [UInt8] {
        do {
            return try XMLDocument(root: element, source: source).serialized()
        } catch {
            throw .invalidInput("\(source) would not be valid XML: \(error)")
        }
    }

    /// open/write/close and nothing more (FileManager's writes may sync or rename).
    private func put(_ bytes: [UInt8], at path: String) throws(ArchiveError) {
        let descriptor = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o444)
        guard descriptor >= 0 else { throw .damaged(path: path, reason: String(cString: strerror(errno))) }
        defer { close(descriptor) }
        var written = 0
        while written < bytes.count {
            let result = bytes.withUnsafeBytes {
                Glibc.write(descriptor, $0.baseAddress! + written, bytes.count - written)
            }
            guard result > 0 else { throw .damaged(path: path, reason: String(cString: strerror(errno))) }
            written += result
        }
    }
}
