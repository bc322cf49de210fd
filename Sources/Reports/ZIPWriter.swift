import Foundation
import ZIPFoundation

/// Writes a ZIP file in memory, entries in the order given, each deflated, every entry dated
/// `modified`: the same entries always give the same bytes.
public enum ZIPWriter {
    /// One file of the ZIP.
    public struct Entry: Sendable {
        /// A relative path with `/` separators; never absolute, never `..`.
        public var path: String
        public var bytes: [UInt8]

        public init(path: String, bytes: [UInt8]) {
            self.path = path
            self.bytes = bytes
        }
    }

    /// - Throws: `ReportError.invalidInput`-style errors for an unsafe or repeated path, or
    ///   ZIPFoundation's error if the archive cannot be built.
    public static func write(_ entries: [Entry], modified: Date) throws -> [UInt8] {
        var seen: Set<String> = []
        for entry in entries {
            let parts = entry.path.split(separator: "/", omittingEmptySubsequences: false)
            guard !entry.path.isEmpty, !entry.path.hasPrefix("/"), !parts.contains(where: { $0 == ".." || $0.isEmpty }),
                !entry.path.contains("\\"), seen.insert(entry.path).inserted
            else {
                throw ZIPWriterError.unsafePath(entry.path)
            }
        }
        let archive = try Archive(data: Data(), accessMode: .create)
        for entry in entries {
            let data = Data(entry.bytes)
            try archive.addEntry(
                with: entry.path, type: .file, uncompressedSize: Int64(data.count), modificationDate: modified,
                permissions: 0o644,
                compressionMethod: .deflate,
                provider: { position, size in
                    data.subdata(in: Int(position)..<Int(position) + size)
                })
        }
        guard let data = archive.data else { throw ZIPWriterError.notWritten }
        return [UInt8](data)
    }
}

/// Why a ZIP could not be written.
public enum ZIPWriterError: Error, CustomStringConvertible {
    case unsafePath(String)
    case notWritten

    public var description: String {
        switch self {
        case .unsafePath(let path): return "'\(path)' is not a safe, unique relative path inside a ZIP"
        case .notWritten: return "the ZIP could not be written"
        }
    }
}
