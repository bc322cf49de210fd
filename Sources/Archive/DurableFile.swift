import Glibc

/// Crash-safe file writes, following the archive's protocol: write a temporary file in the
/// same directory, fsync it, move it into place, fsync the directory.
///
/// A crash at any point leaves either no file or the whole file under its final name, and
/// at worst a stray `.tmp-*` file (harmless; `verify` reports it).
///
/// A failure leaves no temporary file and names the final file, never the temporary one. Only a
/// failed fsync of the directory comes after the file is in place: that error says it is
/// written. `faults` injects failures into each step, for tests.
public enum DurableFile {
    /// The prefix of temporary files; never a name the archive uses otherwise.
    public static let temporaryPrefix = ".tmp-"

    /// Creates `path` with `bytes`, refusing to replace an existing file.
    ///
    /// Uses `link(2)`, which fails when the name exists: if two writers race for the same
    /// name, exactly one wins and the other gets `ArchiveError.alreadyExists`.
    ///
    /// - Parameter mode: the file's permissions: read-only for all by default (nothing archived
    ///   is ever written again); 0o400 for a secret only its owner may read.
    public static func create(_ bytes: [UInt8], at path: String, mode: mode_t = 0o444) throws(ArchiveError) {
        let temporary = try writeTemporary(bytes, besides: path, mode: mode)
        defer { unlink(temporary) }
        if faulted(.rename, path) || link(temporary, path) != 0 {
            let code = errno
            if code == EEXIST { throw .alreadyExists(path: path) }
            throw .io(path: path, operation: "link", reason: String(cString: strerror(code)))
        }
        try syncDirectory(ofPlaced: path)
    }

    /// Writes `bytes` to `path`, atomically replacing any file there (for mutable records
    /// such as users; never for archived documents or events).
    ///
    /// - Parameter syncDirectory: fsync the directory so the new name survives a crash. Pass
    ///   false only for records whose loss to a crash is harmless and detected (the chain
    ///   head): the file is still fsynced, so it is either the old one or the whole new one.
    public static func replace(_ bytes: [UInt8], at path: String, syncDirectory: Bool = true) throws(ArchiveError) {
        let temporary = try writeTemporary(bytes, besides: path)
        if faulted(.rename, path) || rename(temporary, path) != 0 {
            let reason = String(cString: strerror(errno))
            unlink(temporary)
            throw .io(path: path, operation: "rename", reason: reason)
        }
        if syncDirectory { try Self.syncDirectory(ofPlaced: path) }
    }

    /// Moves `source` over `target` in one step (both in one directory), then fsyncs the directory.
    public static func move(_ source: String, over target: String) throws(ArchiveError) {
        if faulted(.rename, target) || rename(source, target) != 0 {
            throw .io(path: target, operation: "rename", reason: String(cString: strerror(errno)))
        }
        try syncDirectory(ofPlaced: target)
    }

    /// Creates a directory (and its parents); succeeds if it exists. Returns whether it was new.
    ///
    /// - Parameter syncParent: fsync the parent of each directory created, so that it survives a
    ///   crash. Pass false only when building a tree aside that the caller fsyncs once complete
    ///   (an export's bag).
    @discardableResult
    public static func makeDirectory(_ path: String, syncParent: Bool = true) throws(ArchiveError) -> Bool {
        if mkdir(path, 0o755) == 0 {
            if syncParent { try syncDirectory(of: path) }
            return true
        }
        let code = errno
        if code == EEXIST { return false }
        if code == ENOENT {
            let parent = directory(of: path)
            guard parent != path else { throw .io(path: path, operation: "mkdir", reason: "no parent") }
            try makeDirectory(parent, syncParent: syncParent)
            return try makeDirectory(path, syncParent: syncParent)
        }
        throw .io(path: path, operation: "mkdir", reason: String(cString: strerror(code)))
    }

    /// Creates a directory that must not exist yet (atomic allocation of a name).
    public static func makeNewDirectory(_ path: String) throws(ArchiveError) {
        if mkdir(path, 0o755) != 0 {
            let code = errno
            if code == EEXIST { throw .alreadyExists(path: path) }
            throw .io(path: path, operation: "mkdir", reason: String(cString: strerror(code)))
        }
        try syncDirectory(of: path)
    }

    /// The whole content of a file.
    public static func read(_ path: String, limit: Int = 1 << 34) throws(ArchiveError) -> [UInt8] {
        let descriptor = open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else {
            throw .io(path: path, operation: "open", reason: String(cString: strerror(errno)))
        }
        defer { close(descriptor) }
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 1 << 16)
        while true {
            let count = chunk.withUnsafeMutableBytes { raw in
                retryingInterrupted { Glibc.read(descriptor, raw.baseAddress, raw.count) }
            }
            if count < 0 {
                throw .io(path: path, operation: "read", reason: String(cString: strerror(errno)))
            }
            if count == 0 { return bytes }
            bytes.append(contentsOf: chunk[0..<count])
            if bytes.count > limit {
                throw .invalidInput("\(path) is larger than the \(limit)-byte limit")
            }
        }
    }

    /// Whether something exists at `path`.
    public static func exists(_ path: String) -> Bool {
        access(path, F_OK) == 0
    }

    /// Names in a directory (no `.`/`..`), sorted; empty if it does not exist.
    public static func list(_ path: String) -> [String] {
        guard let handle = opendir(path) else { return [] }
        defer { closedir(handle) }
        var names: [String] = []
        while let entry = readdir(handle) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
                String(cString: raw.bindMemory(to: CChar.self).baseAddress!)
            }
            if name != "." && name != ".." { names.append(name) }
        }
        return names.sorted()
    }

    static func directory(of path: String) -> String {
        guard let slash = path.lastIndex(of: "/") else { return "." }
        return slash == path.startIndex ? "/" : String(path[..<slash])
    }

    private static func writeTemporary(_ bytes: [UInt8], besides path: String, mode: mode_t = 0o444)
        throws(ArchiveError) -> String
    {
        let directory = directory(of: path)
        let temporary = "\(directory)/\(temporaryPrefix)\(getpid())-\(UInt64.random(in: 0...UInt64.max))"
        let descriptor = open(temporary, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode)
        guard descriptor >= 0 else {
            throw .io(path: path, operation: "create", reason: String(cString: strerror(errno)))
        }
        // An injected write fault comes after the bytes went in: a temporary file as full as it gets.
        if let code = bytes.withUnsafeBytes({ writeAll($0, to: descriptor) })
            ?? (faulted(.write, path) ? errno : nil)
        {
            close(descriptor)
            unlink(temporary)
            throw .io(path: path, operation: "write", reason: String(cString: strerror(code)))
        }
        if faulted(.fsync, path) || fsync(descriptor) != 0 {
            let reason = String(cString: strerror(errno))
            close(descriptor)
            unlink(temporary)
            throw .io(path: path, operation: "fsync", reason: reason)
        }
        close(descriptor)
        return temporary
    }

    private static func syncDirectory(of path: String) throws(ArchiveError) {
        try sync(directory: directory(of: path))
    }

    /// Fsyncs the directory of `path` once the file is in place under its name.
    ///
    /// A failure names the file and says it is written: the change is made (every reader sees
    /// it, and undoing it could pull a record from under a writer that already built on it);
    /// only whether it survives a crash is in doubt.
    private static func syncDirectory(ofPlaced path: String) throws(ArchiveError) {
        do {
            try syncDirectory(of: path)
        } catch {
            guard case .io(_, let operation, let reason) = error else { throw error }
            throw .io(path: path, operation: "written, but the \(operation) of its directory", reason: reason)
        }
    }

    /// Fsyncs a directory, so that the names created in it survive a crash.
    public static func sync(directory: String) throws(ArchiveError) {
        let descriptor = open(directory, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard descriptor >= 0 else {
            throw .io(path: directory, operation: "open", reason: String(cString: strerror(errno)))
        }
        defer { close(descriptor) }
        if faulted(.syncDirectory, directory) || fsync(descriptor) != 0 {
            throw .io(path: directory, operation: "fsync", reason: String(cString: strerror(errno)))
        }
    }
}
