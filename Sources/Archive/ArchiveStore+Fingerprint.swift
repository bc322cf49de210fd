import Foundation

extension ArchiveStore {
    /// The index file's place in the archive (a cache; `docket reindex` rebuilds it).
    public var indexPath: String { "\(root)/index.sqlite" }

    /// A submission's fingerprint: the identity (inode, size, modification time) of
    /// `submission.xml` and of its `events/` and `documents/` directories. Every write Docket
    /// makes adds an event file, which changes `events/`; a restore from backup makes new
    /// inodes. So an unchanged fingerprint means the index's copy is current.
    ///
    /// Directory times tick coarsely (a few milliseconds), so two writes inside one tick could
    /// leave the same fingerprint. As git does with "racily clean" files, a fingerprint whose
    /// newest time is within `settle` of `now` is marked unsettled and never matches a later
    /// one: that submission is simply read again next time.
    ///
    /// - Returns: nil when the directory is not a complete submission (no `submission.xml`).
    public func fingerprint(_ reference: String, now: Date = Date(), settle: TimeInterval = 2) -> String? {
        let directory = submissionDirectory(reference)
        var parts: [String] = []
        var newest: Double = 0
        for (name, required) in [("submission.xml", true), ("events", false), ("documents", false)] {
            var info = stat()
            guard stat("\(directory)/\(name)", &info) == 0 else {
                if required { return nil }
                parts.append("-")
                continue
            }
            let seconds = Double(info.st_mtim.tv_sec) + Double(info.st_mtim.tv_nsec) / 1e9
            newest = max(newest, seconds)
            parts.append("\(info.st_ino):\(info.st_size):\(info.st_mtim.tv_sec).\(info.st_mtim.tv_nsec)")
        }
        let fingerprint = parts.joined(separator: "/")
        return newest >= now.timeIntervalSince1970 - settle ? "unsettled:" + fingerprint : fingerprint
    }

    /// When `submission.xml` was written (seconds since 1970; 0 if unknown): when the
    /// submission was created, for archives written by Docket or restored with their times.
    public func submissionWrittenTime(_ reference: String) -> Double {
        var info = stat()
        guard stat("\(submissionDirectory(reference))/submission.xml", &info) == 0 else { return 0 }
        return Double(info.st_mtim.tv_sec) + Double(info.st_mtim.tv_nsec) / 1e9
    }

    /// Names in `submissions/` that could be submissions (not dot files), unsorted and unchecked:
    /// the cheap listing an index sync starts from.
    public func submissionDirectoryNames() -> [String] {
        DurableFile.list("\(root)/submissions").filter { !$0.hasPrefix(".") }
    }
}
