import Foundation

extension ArchiveStore {
    /// The index file's place in the archive (a cache; `docket reindex` rebuilds it).
    public var indexPath: String { "\(root)/index.sqlite" }

    /// A submission's fingerprint: the identity (inode, size, modification time) of its
    /// `events/` directory. Every write Docket makes to a submission adds an event file there,
    /// which changes the directory's time; a restore from backup makes a new inode. So an
    /// unchanged fingerprint means the index's copy is current — at one `stat` per submission,
    /// which is what opening an archive of 100,000 submissions costs.
    ///
    /// (Files edited in place behind Docket's back are `verify`'s business, not the index's.)
    ///
    /// Directory times tick coarsely (a few milliseconds), so two writes inside one tick could
    /// leave the same fingerprint. As git does with "racily clean" files, a fingerprint whose
    /// time is within `settle` of `now` is marked unsettled and never matches a later one:
    /// that submission is simply read again next time.
    ///
    /// - Returns: nil when the directory has no `events/` (not a submission).
    public func fingerprint(_ reference: String, now: Date = Date(), settle: TimeInterval = 2) -> String? {
        var info = stat()
        guard stat("\(submissionDirectory(reference))/events", &info) == 0 else { return nil }
        return Self.fingerprint(info, now: now, settle: settle)
    }

    /// The fingerprints of many submissions, each what `fingerprint(_:now:settle:)` gives, looked
    /// up from one open `submissions/` directory: each `stat` then walks two path components
    /// instead of the whole path (opening an archive of 125,000 submissions is mostly these).
    public func fingerprints(
        of references: some Sequence<String>, now: Date = Date(), settle: TimeInterval = 2
    ) -> [String?] {
        let directory = open("\(root)/submissions", O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard directory >= 0 else { return references.map { fingerprint($0, now: now, settle: settle) } }
        defer { close(directory) }
        var info = stat()
        return references.map { reference in
            guard fstatat(directory, "\(reference)/events", &info, 0) == 0 else { return nil }
            return Self.fingerprint(info, now: now, settle: settle)
        }
    }

    private static func fingerprint(_ info: stat, now: Date, settle: TimeInterval) -> String {
        let seconds = Double(info.st_mtim.tv_sec) + Double(info.st_mtim.tv_nsec) / 1e9
        let fingerprint = "\(info.st_ino):\(info.st_size):\(info.st_mtim.tv_sec).\(info.st_mtim.tv_nsec)"
        return seconds >= now.timeIntervalSince1970 - settle ? "unsettled:" + fingerprint : fingerprint
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
