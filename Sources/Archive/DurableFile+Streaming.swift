import Crypto
import Glibc
import Workflow

// MARK: - Streams and files written in place

extension DurableFile {
    /// Calls `operation` again for as long as it fails with `EINTR`: a signal arrived before
    /// the call did anything, so it is simply retried.
    ///
    /// - Returns: what the last call returned (negative on failure, with `errno` set).
    static func retryingInterrupted(_ operation: () -> Int) -> Int {
        while true {
            let result = operation()
            if result < 0 && errno == EINTR { continue }
            return result
        }
    }

    /// Writes all of `bytes` to `descriptor`.
    ///
    /// - Returns: the `errno` of the write that failed; nil when everything was written.
    static func writeAll(_ bytes: UnsafeRawBufferPointer, to descriptor: Int32) -> Int32? {
        var written = 0
        while written < bytes.count {
            let count = retryingInterrupted {
                Glibc.write(descriptor, bytes.baseAddress! + written, bytes.count - written)
            }
            if count < 0 { return errno }
            written += count
        }
        return nil
    }

    /// Reads `path` in 1 MiB chunks, handing each to `body`: a file of any size is read once and
    /// never held whole in memory.
    ///
    /// - Throws: `.io` if the file cannot be opened or read; what `body` throws.
    static func forEachChunk(
        of path: String, _ body: (UnsafeRawBufferPointer) throws(ArchiveError) -> Void
    ) throws(ArchiveError) {
        let input = open(path, O_RDONLY | O_CLOEXEC)
        guard input >= 0 else {
            throw .io(path: path, operation: "open", reason: String(cString: strerror(errno)))
        }
        defer { close(input) }
        var buffer = [UInt8](repeating: 0, count: 1 << 20)
        while true {
            let count = buffer.withUnsafeMutableBytes { raw in
                retryingInterrupted { Glibc.read(input, raw.baseAddress, raw.count) }
            }
            if count < 0 {
                throw .io(path: path, operation: "read", reason: String(cString: strerror(errno)))
            }
            if count == 0 { return }
            var failure: ArchiveError?
            buffer.withUnsafeBytes { raw in
                do throws(ArchiveError) {
                    try body(UnsafeRawBufferPointer(rebasing: raw[0..<count]))
                } catch {
                    failure = error
                }
            }
            if let failure { throw failure }
        }
    }

    /// The lower-case hex SHA-256 of a file, read in 1 MiB chunks.
    ///
    /// - Throws: `.io` if it cannot be opened or read.
    public static func sha256(ofFile path: String) throws(ArchiveError) -> String {
        var hasher = SHA256()
        try forEachChunk(of: path) { chunk throws(ArchiveError) in hasher.update(bufferPointer: chunk) }
        return hasher.finalize().hexadecimal
    }

    /// Creates the new file `destination` (never replacing one) with the content of `source`,
    /// copied in 1 MiB chunks and hashed on the way, and fsyncs it. Written in place, with no
    /// temporary: for a directory built aside and renamed in whole (an export's bag), whose
    /// directories the caller fsyncs once it is complete.
    ///
    /// - Returns: the SHA-256 of what was copied and its size.
    /// - Throws: `.io` naming `destination` if it cannot be created, written or synced; `.io`
    ///   naming `source` if that cannot be read.
    public static func copyHashing(_ source: String, to destination: String) throws(ArchiveError) -> (
        sha256: String, bytes: Int
    ) {
        let output = try createInPlace(destination)
        var closed = false
        defer { if !closed { close(output) } }
        var hasher = SHA256()
        var total = 0
        try forEachChunk(of: source) { chunk throws(ArchiveError) in
            hasher.update(bufferPointer: chunk)
            if let code = writeAll(chunk, to: output) ?? (faulted(.write, destination) ? errno : nil) {
                throw .io(path: destination, operation: "write", reason: String(cString: strerror(code)))
            }
            total += chunk.count
        }
        guard !faulted(.fsync, destination), fsync(output) == 0 else {
            throw .io(path: destination, operation: "fsync", reason: String(cString: strerror(errno)))
        }
        closed = true
        guard close(output) == 0 else {
            throw .io(path: destination, operation: "close", reason: String(cString: strerror(errno)))
        }
        return (hasher.finalize().hexadecimal, total)
    }

    /// Creates the new file `path` (never replacing one) with `bytes` and fsyncs it, written in
    /// place as `copyHashing(_:to:)` is.
    ///
    /// - Throws: `.io` if it cannot be created, written or synced.
    public static func writeInPlace(_ bytes: [UInt8], at path: String) throws(ArchiveError) {
        let output = try createInPlace(path)
        defer { close(output) }
        if let code = bytes.withUnsafeBytes({ writeAll($0, to: output) }) ?? (faulted(.write, path) ? errno : nil) {
            throw .io(path: path, operation: "write", reason: String(cString: strerror(code)))
        }
        guard !faulted(.fsync, path), fsync(output) == 0 else {
            throw .io(path: path, operation: "fsync", reason: String(cString: strerror(errno)))
        }
    }

    private static func createInPlace(_ path: String) throws(ArchiveError) -> Int32 {
        let descriptor = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o644)
        guard descriptor >= 0 else {
            throw .io(path: path, operation: "create", reason: String(cString: strerror(errno)))
        }
        return descriptor
    }
}
