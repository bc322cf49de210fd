import Foundation
import Glibc

/// One file of a backup: its content's SHA-256 (the object holding it), its size, when the
/// archive's copy was last changed (to skip re-reading it next time) and its archive path.
public struct BackupEntry: Sendable, Hashable {
    public var sha256: String
    public var size: Int
    /// The file's modification time in nanoseconds, as `stat` gave it when it was copied.
    public var modified: Int64
    public var path: String
}

/// A backup: every file of the archive as it was copied, by path.
public struct BackupManifest: Sendable {
    /// `20261202T101500Z`: when the backup started, which orders backups.
    public var name: String
    /// The archive's identifier (`archive.xml`).
    public var archive: String
    public var entries: [String: BackupEntry]
}

/// A backup repository: content-addressed copies of an archive's files and one manifest per
/// backup, so that each file's content is stored once however many backups hold it, and any
/// backup can be restored as it was.
///
/// ```
/// DIR/objects/ab/ab12…   a file's content, named by its SHA-256 (read-only)
/// DIR/manifests/NAME.tsv one line per file: SHA-256, size, modified (ns), path; written last
/// DIR/destroyed.txt      SHA-256 of every document a disposal destroyed: never kept, never restored
/// DIR/.lock              one backup or restore at a time
/// ```
///
/// Checkable without Docket: each object's name is the SHA-256 of its bytes
/// (`sha256sum objects/*/*`), and a manifest is plain tab-separated text.
public final class BackupRepository {
    public let root: String

    /// Opens (creating when asked) a repository.
    ///
    /// - Throws: `.invalidInput` when `root` exists but is not a backup repository (an archive
    ///   directory, say), or does not exist and `creating` is false.
    public init(at root: String, creating: Bool) throws(ArchiveError) {
        self.root = root
        let marker = "\(root)/manifests"
        if !DurableFile.exists(marker) {
            guard creating else {
                throw .invalidInput(
                    "\(root) is not a Docket backup (no manifests/); 'docket backup --to DIR' makes one")
            }
            if DurableFile.exists(root), !DurableFile.list(root).isEmpty {
                throw .invalidInput("\(root) holds other files; back up into an empty or new directory")
            }
            try DurableFile.makeDirectory(root)
            chmod(root, 0o700)  // it holds password hashes and restricted papers
            try DurableFile.makeDirectory("\(root)/objects")
            try DurableFile.makeDirectory(marker)
        }
    }

    /// Takes the repository's lock (one backup or restore at a time).
    func lock() throws(ArchiveError) -> SubmissionLock {
        try ArchiveStore.exclusiveLock(at: "\(root)/.lock", mode: 0o600)
    }

    /// The backups, oldest first.
    public func manifestNames() -> [String] {
        DurableFile.list("\(root)/manifests").filter { $0.hasSuffix(".tsv") && !$0.hasPrefix(".") }
            .map { String($0.dropLast(4)) }.sorted()
    }

    /// A backup's manifest.
    public func manifest(_ name: String) throws(ArchiveError) -> BackupManifest {
        guard ArchiveStore.isSafeName(name), DurableFile.exists("\(root)/manifests/\(name).tsv") else {
            throw .invalidInput("no backup \(name) in \(root); there are: \(manifestNames().joined(separator: ", "))")
        }
        let path = "\(root)/manifests/\(name).tsv"
        let text = String(decoding: try DurableFile.read(path), as: UTF8.self)
        var archive = ""
        var entries: [String: BackupEntry] = [:]
        for line in text.split(separator: "\n") {
            if line.hasPrefix("# archive ") {
                archive = String(line.dropFirst("# archive ".count))
                continue
            }
            guard !line.hasPrefix("#") else { continue }
            let fields = line.split(separator: "\t", maxSplits: 3).map(String.init)
            guard fields.count == 4, ArchiveStore.isSHA256(fields[0]), let size = Int(fields[1]),
                let modified = Int64(fields[2]), Self.isArchivePath(fields[3])
            else { throw .damaged(path: path, reason: "not a manifest line: \(line.prefix(120))") }
            entries[fields[3]] = BackupEntry(sha256: fields[0], size: size, modified: modified, path: fields[3])
        }
        return BackupManifest(name: name, archive: archive, entries: entries)
    }

    /// Writes a backup's manifest: the backup exists from this moment on.
    func writeManifest(_ manifest: BackupManifest) throws(ArchiveError) {
        var text = "# docket backup \(manifest.name)\n# archive \(manifest.archive)\n"
        for entry in manifest.entries.values.sorted(by: { $0.path < $1.path }) {
            text += "\(entry.sha256)\t\(entry.size)\t\(entry.modified)\t\(entry.path)\n"
        }
        try DurableFile.create(Array(text.utf8), at: "\(root)/manifests/\(manifest.name).tsv", mode: 0o400)
    }

    func objectPath(_ sha256: String) -> String {
        "\(root)/objects/\(sha256.prefix(2))/\(sha256)"
    }

    /// Stores bytes as an object (once: an object already there holds exactly them).
    func storeObject(_ bytes: [UInt8], sha256: String) throws(ArchiveError) {
        let path = objectPath(sha256)
        guard !DurableFile.exists(path) else { return }
        try DurableFile.makeDirectory("\(root)/objects/\(sha256.prefix(2))")
        do {
            try DurableFile.create(bytes, at: path, mode: 0o400)
        } catch .alreadyExists {
            return
        }
    }

    /// The bytes of an object, checked against its name.
    ///
    /// - Throws: `.damaged` when the object is missing or its bytes do not match its name.
    func object(_ sha256: String) throws(ArchiveError) -> [UInt8] {
        let path = objectPath(sha256)
        guard DurableFile.exists(path) else { throw .damaged(path: path, reason: "missing from the backup") }
        let bytes = try DurableFile.read(path)
        guard ArchiveStore.sha256(bytes) == sha256 else {
            throw .damaged(path: path, reason: "its bytes no longer have the SHA-256 it is named by")
        }
        return bytes
    }

    // MARK: - Destroyed documents

    /// Every document content a disposal destroyed, as recorded by the backups so far.
    public func destroyed() -> Set<String> {
        guard let bytes = try? DurableFile.read("\(root)/destroyed.txt") else { return [] }
        return Set(
            String(decoding: bytes, as: UTF8.self).split(separator: "\n").map(String.init).filter(ArchiveStore.isSHA256)
        )
    }

    /// Adds documents to the destroyed list (kept for good: a later restore of an older backup
    /// must not bring them back either) and deletes their objects — unless the newest backup
    /// still holds the same bytes under a path the archive keeps (a copy another submission
    /// still holds, say).
    ///
    /// - Returns: the objects deleted.
    @discardableResult
    public func recordDestroyed(_ documents: Set<String>, newest: BackupManifest) throws(ArchiveError) -> Int {
        let known = destroyed()
        let all = known.union(documents)
        if all.count > known.count {
            try DurableFile.replace(
                Array((all.sorted().joined(separator: "\n") + "\n").utf8), at: "\(root)/destroyed.txt")
        }
        let kept = Set(newest.entries.values.map(\.sha256))
        var deleted = 0
        for sha256 in all.subtracting(kept) where DurableFile.exists(objectPath(sha256)) {
            guard unlink(objectPath(sha256)) == 0 else {
                throw .io(path: objectPath(sha256), operation: "unlink", reason: String(cString: strerror(errno)))
            }
            deleted += 1
        }
        return deleted
    }

    /// Whether restoring `entry` would bring back a destroyed document: its bytes are a
    /// destroyed document's and the newest backup does not hold them at that path.
    func isDestroyed(_ entry: BackupEntry, destroyed: Set<String>, newest: BackupManifest?) -> Bool {
        guard destroyed.contains(entry.sha256) else { return false }
        return newest?.entries[entry.path]?.sha256 != entry.sha256
    }

    /// A path a manifest may name: relative, no component empty or starting with a dot (so no
    /// `..`), as every archive file's path is.
    static func isArchivePath(_ path: String) -> Bool {
        !path.isEmpty && path.count <= 1024
            && path.split(separator: "/", omittingEmptySubsequences: false).allSatisfy {
                !$0.isEmpty && !$0.hasPrefix(".")
            }
    }
}
