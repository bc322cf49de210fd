import Foundation
import ZIPFoundation

/// Writes ZIP files, entries in the order given, each deflated, every entry dated `modified`:
/// the same entries always give the same bytes.
public enum ZIPWriter {
    /// One file of the ZIP.
    public struct Entry: Sendable {
        /// Where the entry's bytes come from.
        public enum Source: Sendable {
            case bytes([UInt8])
            /// A file read in chunks while the ZIP is written (never whole into memory).
            case file(String)
        }

        /// A relative path with `/` separators; never absolute, never `..`.
        public var path: String
        public var source: Source

        public init(path: String, bytes: [UInt8]) {
            self.path = path
            self.source = .bytes(bytes)
        }

        public init(path: String, file: String) {
            self.path = path
            self.source = .file(file)
        }

        public init(path: String, source: Source) {
            self.path = path
            self.source = source
        }
    }

    /// The ZIP in memory (for small packages such as a DOCX).
    ///
    /// - Throws: `ZIPWriterError.unsafePath` for an absolute, climbing or repeated path, or
    ///   ZIPFoundation's error if the archive cannot be built.
    public static func write(_ entries: [Entry], modified: Date) throws -> [UInt8] {
        try check(entries)
        let archive = try Archive(data: Data(), accessMode: .create)
        try add(entries, to: archive, modified: modified)
        guard let data = archive.data else { throw ZIPWriterError.notWritten }
        return [UInt8](data)
    }

    /// Writes the ZIP to `path`: built under a temporary name beside it and renamed into place
    /// when complete, so a reader never sees half a ZIP and a failure leaves nothing behind.
    public static func write(_ entries: [Entry], modified: Date, to path: String) throws {
        try check(entries)
        let target = URL(fileURLWithPath: path)
        let temporary = target.deletingLastPathComponent()
            .appendingPathComponent(".\(target.lastPathComponent).partial-\(getpid())")
        try? FileManager.default.removeItem(at: temporary)
        do {
            let archive = try Archive(url: temporary, accessMode: .create)
            try add(entries, to: archive, modified: modified)
            guard rename(temporary.path, target.path) == 0 else {
                throw ZIPWriterError.io(path, String(cString: strerror(errno)))
            }
        } catch {
            try? FileManager.default.removeItem(at: temporary)
            throw error
        }
    }

    private static func check(_ entries: [Entry]) throws {
        var seen: Set<String> = []
        for entry in entries {
            let parts = entry.path.split(separator: "/", omittingEmptySubsequences: false)
            guard !entry.path.isEmpty, !entry.path.hasPrefix("/"),
                !parts.contains(where: { $0 == ".." || $0 == "." || $0.isEmpty }), !entry.path.contains("\\"),
                seen.insert(entry.path).inserted
            else {
                throw ZIPWriterError.unsafePath(entry.path)
            }
        }
    }

    private static func add(_ entries: [Entry], to archive: Archive, modified: Date) throws {
        for entry in entries {
            switch entry.source {
            case .bytes(let bytes):
                try archive.addEntry(
                    with: entry.path, type: .file, uncompressedSize: Int64(bytes.count), modificationDate: modified,
                    permissions: 0o644, compressionMethod: .deflate,
                    provider: { position, size in
                        Data(bytes[Int(position)..<Int(position) + size])
                    })
            case .file(let file):
                let handle = try FileHandle(forReadingFrom: URL(fileURLWithPath: file))
                defer { try? handle.close() }
                let size = try handle.seekToEnd()
                try archive.addEntry(
                    with: entry.path, type: .file, uncompressedSize: Int64(size), modificationDate: modified,
                    permissions: 0o644, compressionMethod: .deflate,
                    provider: { position, chunk in
                        try handle.seek(toOffset: UInt64(position))
                        return try handle.read(upToCount: chunk) ?? Data()
                    })
            }
        }
    }
}

/// Why a ZIP could not be written.
public enum ZIPWriterError: Error, CustomStringConvertible {
    case unsafePath(String)
    case notWritten
    case io(String, String)

    public var description: String {
        switch self {
        case .unsafePath(let path): return "'\(path)' is not a safe, unique relative path inside a ZIP"
        case .notWritten: return "the ZIP could not be written"
        case .io(let path, let reason): return "could not write \(path): \(reason)"
        }
    }
}
