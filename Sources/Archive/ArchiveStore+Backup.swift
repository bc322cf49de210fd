import Foundation
import Glibc

/// What a backup did.
public struct BackupReport: Sendable, Hashable {
    /// The backup's name (its manifest), e.g. `20261202T101500Z`.
    public var name: String
    /// Files in the backup.
    public var files = 0
    /// Files whose content was stored now (new or changed since the last backup).
    public var copied = 0
    public var bytesCopied = 0
    /// Passes over the archive: another is made while files kept changing (at most three).
    public var passes = 0
    /// Objects of destroyed documents deleted from the repository.
    public var purged = 0
}

/// What a restore did.
public struct RestoreReport: Sendable, Hashable {
    public var backup: String
    public var files = 0
    /// Files left out because a disposal destroyed their content (never brought back).
    public var leftOut: [String] = []
}

extension ArchiveStore {
    /// The order a backup copies the archive's parts in, while writers may be working: a file
    /// that cites another is listed and copied before the file it cites, so that whatever it
    /// cites, written before it, is there when the cited part is listed later. Seals cite logs'
    /// records; meeting and report logs cite events; the retention log cites certificates,
    /// which cite events; the arrival log cites messages, which events cite too. Submissions
    /// are copied record by record with their documents after their events (`backupSubmission`).
    /// Everything else follows; the pinned workflows (cited by submissions) and the key list
    /// (cited by every signature) come last.
    static let backupOrder = [
        "keys/seals", "series", "meetings", "reports", "retention/log", "retention/certificates", "correspondence/log",
        "submissions", "correspondence",
    ]
    static let backupLast = ["workflows", "keys/log"]

    /// Copies the archive into a backup repository, incrementally: a file whose size and
    /// modification time match the last backup's is not read again, and content already stored
    /// is not stored twice. The search index and lock, temporary and rebuild files are left out
    /// (`docket restore` rebuilds the index).
    ///
    /// Safe while the server runs: every archive file is either written once or replaced whole
    /// by a rename, so each is copied as it was before or after a change, never half. Passes
    /// are repeated (at most three) until one finds nothing changed, and the manifest lists the
    /// files of the last pass only, so a file removed meanwhile (a destroyed document) is not in it.
    ///
    /// - Parameters:
    ///   - name: the backup's name (see `BackupRepository`).
    ///   - progress: called with each part of the archive as it is copied.
    /// - Returns: the report and the manifest written.
    public func backup(into repository: BackupRepository, name: String, progress: (String) -> Void = { _ in })
        throws(ArchiveError) -> (report: BackupReport, manifest: BackupManifest)
    {
        let lock = try repository.lock()
        defer { lock.release() }
        guard let identifier = Self.identifier(ofArchiveAt: root) else {
            throw .notAnArchive(path: root)
        }
        var known: [String: BackupEntry] = [:]
        if let last = repository.manifestNames().last {
            let previous = try repository.manifest(last)
            guard previous.archive == identifier else {
                throw .invalidInput(
                    "\(repository.root) holds backups of another archive (\(previous.archive)); use a directory of its own"
                )
            }
            known = previous.entries
        }
        var report = BackupReport(name: name)
        var entries: [String: BackupEntry] = [:]
        for pass in 1...3 {
            report.passes = pass
            entries = [:]
            let copiedBefore = report.copied
            var copier = BackupCopier(store: self, repository: repository, known: known)
            for part in Self.backupOrder {
                progress(part)
                if part == "submissions" {
                    for reference in DurableFile.list("\(root)/submissions") where !reference.hasPrefix(".") {
                        try backupSubmission("submissions/\(reference)", with: &copier)
                    }
                } else {
                    for file in files(under: part) { try copier.copy(file) }
                }
            }
            progress("the rest")
            let listed = Self.backupOrder + Self.backupLast
            for file in files(under: "") where !listed.contains(where: { file.hasPrefix($0 + "/") }) {
                try copier.copy(file)
            }
            for part in Self.backupLast {
                progress(part)
                for file in files(under: part) { try copier.copy(file) }
            }
            entries = copier.entries
            known.merge(copier.entries) { _, new in new }
            report.copied += copier.copied
            report.bytesCopied += copier.bytesCopied
            // Nothing was new in this pass: the archive stood still while it was copied.
            if pass > 1, report.copied == copiedBefore { break }
        }
        report.files = entries.count
        let manifest = BackupManifest(name: name, archive: identifier, entries: entries)
        try repository.writeManifest(manifest)
        return (report, manifest)
    }

    /// A submission: its head and identity, then its events, then its documents — and its events
    /// again while new ones appear (at most five rounds), so that every document an event copied
    /// cites is copied too, and a document destroyed meanwhile is absent only where the
    /// disposal event that explains it was copied (it is written before the content goes).
    private func backupSubmission(_ base: String, with copier: inout BackupCopier) throws(ArchiveError) {
        for name in ["head.xml", "submission.xml"] where DurableFile.exists("\(root)/\(base)/\(name)") {
            try copier.copy("\(base)/\(name)")
        }
        var copiedEvents = Set<String>()
        for _ in 0..<5 {
            let events = DurableFile.list("\(root)/\(base)/events").filter { HashChainWalker.number($0) != nil }
            let new = events.filter { !copiedEvents.contains($0) }
            for name in new { try copier.copy("\(base)/events/\(name)") }
            copiedEvents.formUnion(new)
            for name in DurableFile.list("\(root)/\(base)/documents") where !name.hasPrefix(".") {
                try copier.copy("\(base)/documents/\(name)")
            }
            if new.isEmpty { break }
        }
    }

    /// Every regular file under `relative` ("" for the whole archive), relative to the archive,
    /// leaving out what a backup never holds: the search index (a cache), and names starting
    /// with a dot (locks, temporary files of writes in progress).
    func files(under relative: String) -> [String] {
        var found: [String] = []
        func walk(_ relative: String) {
            let directory = relative.isEmpty ? root : "\(root)/\(relative)"
            for name in DurableFile.list(directory) where !name.hasPrefix(".") {
                if relative.isEmpty, name.hasPrefix("index.sqlite") { continue }
                let child = relative.isEmpty ? name : "\(relative)/\(name)"
                var status = stat()
                guard lstat("\(root)/\(child)", &status) == 0 else { continue }
                switch status.st_mode & S_IFMT {
                case S_IFDIR: walk(child)
                case S_IFREG: found.append(child)
                default: continue  // no links, devices or sockets in an archive
                }
            }
        }
        walk(relative)
        return found.sorted()
    }

    /// Restores a backup into a new archive directory: every file of the manifest, each
    /// checked against its SHA-256, `archive.xml` last (until it is written the directory is
    /// not an archive), never a destroyed document's content.
    ///
    /// - Parameter name: the backup to restore (nil: the newest).
    /// - Throws: `.invalidInput` when `target` exists and is not empty; `.damaged` naming an
    ///   object that is missing or whose bytes changed.
    public static func restore(
        from repository: BackupRepository, backup name: String?, to target: String,
        progress: (Int, Int) -> Void = { _, _ in }
    ) throws(ArchiveError) -> RestoreReport {
        let lock = try repository.lock()
        defer { lock.release() }
        if DurableFile.exists(target), !DurableFile.list(target).isEmpty {
            throw .invalidInput("\(target) is not empty: restore into a new directory")
        }
        guard let newestName = repository.manifestNames().last else {
            throw .invalidInput("\(repository.root) holds no backup yet")
        }
        let newest = try repository.manifest(newestName)
        let manifest = name == nil || name == newestName ? newest : try repository.manifest(name!)
        let destroyed = repository.destroyed()
        var report = RestoreReport(backup: manifest.name)
        let entries = manifest.entries.values.sorted {
            ($0.path == "archive.xml" ? 1 : 0, $0.path) < ($1.path == "archive.xml" ? 1 : 0, $1.path)
        }
        try DurableFile.makeDirectory(target)
        for (index, entry) in entries.enumerated() {
            defer { progress(index + 1, entries.count) }
            if repository.isDestroyed(entry, destroyed: destroyed, newest: newest) {
                report.leftOut.append(entry.path)
                continue
            }
            let bytes = try repository.object(entry.sha256)
            var directory = target
            for part in entry.path.split(separator: "/").dropLast() {
                directory += "/\(part)"
                try DurableFile.makeDirectory(directory)
            }
            // Sign-in secrets stay readable by the service account only, as `auth/` is kept.
            let secret = entry.path.hasPrefix("auth/")
            if secret { chmod("\(target)/auth", 0o700) }
            try DurableFile.create(bytes, at: "\(target)/\(entry.path)", mode: secret ? 0o600 : 0o444)
            report.files += 1
        }
        return report
    }
}

/// Copies files into a repository during one backup pass, reusing what the last backup or an
/// earlier pass stored when a file's size and modification time are unchanged.
struct BackupCopier {
    let store: ArchiveStore
    let repository: BackupRepository
    /// What earlier backups and passes stored, by path.
    let known: [String: BackupEntry]
    /// This pass's files.
    var entries: [String: BackupEntry] = [:]
    var copied = 0
    var bytesCopied = 0

    init(store: ArchiveStore, repository: BackupRepository, known: [String: BackupEntry]) {
        self.store = store
        self.repository = repository
        self.known = known
    }

    /// Copies one file (relative to the archive); a file gone since it was listed (a destroyed
    /// document's content, a replaced temporary) is left out.
    mutating func copy(_ relative: String) throws(ArchiveError) {
        let path = "\(store.root)/\(relative)"
        var status = stat()
        guard stat(path, &status) == 0 else { return }
        let modified = Int64(status.st_mtim.tv_sec) * 1_000_000_000 + Int64(status.st_mtim.tv_nsec)
        if let old = known[relative], old.size == Int(status.st_size), old.modified == modified,
            DurableFile.exists(repository.objectPath(old.sha256))
        {
            entries[relative] = old
            return
        }
        let bytes: [UInt8]
        do {
            bytes = try DurableFile.read(path)
        } catch {
            if !DurableFile.exists(path) { return }
            throw error
        }
        let sha256 = ArchiveStore.sha256(bytes)
        let isNew = !DurableFile.exists(repository.objectPath(sha256))
        try repository.storeObject(bytes, sha256: sha256)
        if isNew {
            copied += 1
            bytesCopied += bytes.count
        }
        entries[relative] = BackupEntry(sha256: sha256, size: bytes.count, modified: modified, path: relative)
    }
}
