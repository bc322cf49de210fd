#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Reads whole files with a size limit checked before reading, without Foundation.
enum FileBytes {
    /// The bytes of the file at `path`.
    ///
    /// - Throws: `XMLError.unreadable` if it cannot be opened or read, `XMLError.inputTooLarge`
    ///   if its size is over `limit` (the file is then not read at all).
    static func read(_ path: String, limit: Int) throws -> [UInt8] {
        let descriptor = open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else { throw XMLError.unreadable(path: path, reason: errnoDescription()) }
        defer { close(descriptor) }
        var status = stat()
        guard fstat(descriptor, &status) == 0 else {
            throw XMLError.unreadable(path: path, reason: errnoDescription())
        }
        guard (status.st_mode & S_IFMT) == S_IFREG else {
            throw XMLError.unreadable(path: path, reason: "not a regular file")
        }
        let size = Int(status.st_size)
        guard size <= limit else { throw XMLError.inputTooLarge(source: path, size: size, limit: limit) }
        // Read up to one byte past the stated size, so a file that grew is still caught by the cap.
        var bytes = [UInt8](repeating: 0, count: size + 1)
        var filled = 0
        while filled < bytes.count {
            let count = bytes.withUnsafeMutableBytes { buffer in
                Glibc.read(descriptor, buffer.baseAddress! + filled, buffer.count - filled)
            }
            if count < 0 {
                if errno == EINTR { continue }
                throw XMLError.unreadable(path: path, reason: errnoDescription())
            }
            if count == 0 { break }
            filled += count
        }
        guard filled <= limit else { throw XMLError.inputTooLarge(source: path, size: filled, limit: limit) }
        bytes.removeLast(bytes.count - filled)
        return bytes
    }

    static func errnoDescription() -> String {
        String(cString: strerror(errno))
    }
}
