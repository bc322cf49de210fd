#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// An open regular file, read by offset; closed when the last copy is released.
///
/// Opened without blocking, so a path that names a FIFO or a device is refused instead of
/// waiting forever for a writer.
final class FileInput {
    let path: String
    let size: Int
    private let descriptor: Int32

    /// Opens `path` for reading.
    ///
    /// - Throws: `NotExtracted` naming the path and the system's reason ("No such file or
    ///   directory"), or saying it is not a regular file.
    init(path: String) throws(NotExtracted) {
        let descriptor = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK)
        guard descriptor >= 0 else { throw NotExtracted("cannot read \(path): \(Self.systemError())") }
        var status = stat()
        guard fstat(descriptor, &status) == 0 else {
            let reason = Self.systemError()
            close(descriptor)
            throw NotExtracted("cannot read \(path): \(reason)")
        }
        guard (status.st_mode & S_IFMT) == S_IFREG else {
            close(descriptor)
            throw NotExtracted("cannot read \(path): not a regular file")
        }
        self.path = path
        self.size = Int(status.st_size)
        self.descriptor = descriptor
    }

    deinit {
        close(descriptor)
    }

    /// Up to `count` bytes from `offset`; fewer only at the end of the file.
    func read(at offset: Int, count: Int) throws(NotExtracted) -> [UInt8] {
        var bytes = [UInt8](repeating: 0, count: max(count, 0))
        var filled = 0
        while filled < bytes.count {
            let result = bytes.withUnsafeMutableBytes { buffer in
                pread(descriptor, buffer.baseAddress! + filled, buffer.count - filled, off_t(offset + filled))
            }
            if result < 0 {
                if errno == EINTR { continue }
                throw NotExtracted("cannot read \(path): \(Self.systemError())")
            }
            if result == 0 { break }
            filled += result
        }
        bytes.removeLast(bytes.count - filled)
        return bytes
    }

    /// The first `limit` bytes of the file, and whether that was all of it.
    func prefix(_ limit: Int) throws(NotExtracted) -> (bytes: [UInt8], complete: Bool) {
        // Asking for one byte more than the limit shows whether there is more.
        var bytes = try read(at: 0, count: min(size, limit) + 1)
        if bytes.count > limit {
            bytes.removeLast(bytes.count - limit)
            return (bytes, false)
        }
        return (bytes, true)
    }

    static func systemError() -> String {
        String(cString: strerror(errno))
    }
}
