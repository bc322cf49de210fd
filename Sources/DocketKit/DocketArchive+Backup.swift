import Archive
import Foundation

extension DocketArchive {
    /// Backs the archive up into `directory` (made on first use; see `BackupRepository`):
    /// incremental, safe while the server runs, the search index left out. Then records every
    /// document a disposal has destroyed, so that the repository deletes its copies (unless the
    /// archive still holds the same bytes elsewhere) and no restore brings them back.
    ///
    /// An operating-system task (like a file copy, it reads everything, restricted papers
    /// included): the directory's permissions, 0700 from its creation, guard it, not Docket's roles.
    ///
    /// - Parameter progress: called with each part of the archive as it is copied.
    public func backup(to directory: String, progress: (String) -> Void = { _ in }) throws(DocketError)
        -> BackupReport
    {
        try archive { () throws(ArchiveError) in
            let repository = try BackupRepository(at: directory, creating: true)
            let name = Self.backupName(now(), taken: Set(repository.manifestNames()))
            var (report, manifest) = try store.backup(into: repository, name: name, progress: progress)
            progress("destroyed documents")
            report.purged = try repository.recordDestroyed(try destroyedDocuments(), newest: manifest)
            return report
        }
    }

    /// Restores a backup into a new directory, checking every file against its SHA-256 and
    /// leaving out any document a disposal destroyed; then rebuilds the search index.
    ///
    /// - Parameter backup: the backup's name (nil: the newest).
    public static func restore(
        from directory: String, backup: String? = nil, to target: String, progress: (Int, Int) -> Void = { _, _ in }
    ) throws(DocketError) -> RestoreReport {
        let report: RestoreReport
        do {
            let repository = try BackupRepository(at: directory, creating: false)
            report = try ArchiveStore.restore(from: repository, backup: backup, to: target, progress: progress)
        } catch {
            throw .archive(error)
        }
        _ = try DocketArchive(opening: target).reindex()
        return report
    }

    /// Every document content the archive's chains record as destroyed. Only chains with a
    /// destruction event are read whole: a byte search finds them.
    func destroyedDocuments() throws(ArchiveError) -> Set<String> {
        var destroyed = Set<String>()
        let marker = Array("records-destroyed".utf8)
        for reference in store.submissionReferences() {
            let directory = "\(store.submissionDirectory(reference))/events"
            let hasDestruction = DurableFile.list(directory).contains { name in
                guard let bytes = try? DurableFile.read("\(directory)/\(name)", limit: 1 << 24) else { return false }
                return ArchiveStore.contains(bytes, marker)
            }
            guard hasDestruction else { continue }
            let anchor = try store.submission(reference).sha256
            let events = try store.events(reference, anchor: anchor).map(\.event)
            for (sha256, disposal) in DocumentDisposal.all(in: events) where disposal.action == .destroy {
                destroyed.insert(sha256)
            }
        }
        return destroyed
    }

    /// `20261202T101500Z`, or with `-2`, `-3` … when a backup of that second exists.
    static func backupName(_ time: Date, taken: Set<String>) -> String {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        let parts = calendar.dateComponents([.year, .month, .day, .hour, .minute, .second], from: time)
        let base = String(
            format: "%04d%02d%02dT%02d%02d%02dZ", parts.year!, parts.month!, parts.day!, parts.hour!, parts.minute!,
            parts.second!)
        var name = base
        var number = 1
        while taken.contains(name) {
            number += 1
            name = base + String(format: "-%02d", number)
        }
        return name
    }
}
