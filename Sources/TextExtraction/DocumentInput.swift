import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// A document to extract from: a file, or bytes already in memory.
enum DocumentInput {
    case file(String)
    case bytes([UInt8])

    /// The first `limit` bytes, and whether that was all of them.
    func prefix(_ limit: Int) throws(NotExtracted) -> (bytes: [UInt8], complete: Bool) {
        switch self {
        case .file(let path):
            return try FileInput(path: path).prefix(limit)
        case .bytes(let bytes):
            return bytes.count <= limit ? (bytes, true) : (Array(bytes[..<limit]), false)
        }
    }

    /// The input as a ZIP archive's bytes (a file stays on disk and is read by offset).
    func zipBytes() throws(NotExtracted) -> ZIPPackage.Bytes {
        switch self {
        case .file(let path): .file(try FileInput(path: path))
        case .bytes(let bytes): .memory(bytes)
        }
    }

    /// Runs `body` with a path to the input: the file itself, or a private temporary copy of
    /// the bytes that is removed afterwards (for tools that read files, like pdftotext).
    func withFilePath<Result>(_ body: (String) throws(NotExtracted) -> Result) throws(NotExtracted) -> Result {
        switch self {
        case .file(let path):
            _ = try FileInput(path: path)  // the same "cannot read" reasons as the other formats
            return try body(path)
        case .bytes(let bytes):
            let path = try Self.temporaryFile(holding: bytes)
            defer { unlink(path) }
            return try body(path)
        }
    }

    /// A new file, readable only by this user, in the temporary directory.
    private static func temporaryFile(holding bytes: [UInt8]) throws(NotExtracted) -> String {
        var template = Array((NSTemporaryDirectory() + "/docket-extract-XXXXXX").utf8CString)
        let descriptor = template.withUnsafeMutableBufferPointer { mkstemp($0.baseAddress!) }
        guard descriptor >= 0 else {
            throw NotExtracted("cannot create a temporary file: \(FileInput.systemError())")
        }
        defer { close(descriptor) }
        let path = template.withUnsafeBufferPointer { String(cString: $0.baseAddress!) }
        var written = 0
        while written < bytes.count {
            let count = bytes.withUnsafeBytes { write(descriptor, $0.baseAddress! + written, $0.count - written) }
            if count < 0 && errno == EINTR { continue }
            guard count > 0 else {
                let reason = FileInput.systemError()
                unlink(path)
                throw NotExtracted("cannot write a temporary file: \(reason)")
            }
            written += count
        }
        return path
    }
}
