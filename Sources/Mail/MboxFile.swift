#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// An mbox file open for reading at any offset (`pread`), so that readers sharing it keep
/// their own positions; closed when the last reader lets go of it.
final class MboxFile: Sendable {
    let path: String
    /// The size when opened: what progress is measured against.
    let size: UInt64
    private let descriptor: Int32

    /// - Throws: `MboxError.unreadable` if the file cannot be opened or is not a regular file.
    init(path: String) throws {
        let descriptor = open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else { throw MboxError.unreadable(path: path, reason: Self.lastError()) }
        var status = stat()
        guard fstat(descriptor, &status) == 0 else {
            let reason = Self.lastError()
            close(descriptor)
            throw MboxError.unreadable(path: path, reason: reason)
        }
        guard (status.st_mode & S_IFMT) == S_IFREG else {
            close(descriptor)
            throw MboxError.unreadable(path: path, reason: "not a regular file")
        }
        self.path = path
        self.descriptor = descriptor
        size = UInt64(status.st_size)
    }

    deinit { close(descriptor) }

    /// Up to `count` bytes from `offset`; fewer only at the end of the file.
    ///
    /// - Throws: `MboxError.unreadable` if reading fails (an I/O error, a file on a lost mount).
    func read(at offset: UInt64, count: Int) throws -> [UInt8] {
        var bytes = [UInt8](repeating: 0, count: count)
        var filled = 0
        while filled < count {
            let result = bytes.withUnsafeMutableBytes { buffer in
                pread(descriptor, buffer.baseAddress! + filled, count - filled, off_t(offset) + off_t(filled))
            }
            if result < 0 {
                if errno == EINTR { continue }
                throw MboxError.unreadable(path: path, reason: Self.lastError())
            }
            if result == 0 { break }
            filled += result
        }
        bytes.removeLast(count - filled)
        return bytes
    }

    private static func lastError() -> String { String(cString: strerror(errno)) }
}
