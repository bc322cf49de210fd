import Glibc

/// What `stat` says of one file: enough to tell that it was replaced or renamed (device,
/// inode), or rewritten, truncated or touched (size, modification and change times).
struct FileStamp: Sendable, Hashable {
    var name: String
    var device: UInt64
    var inode: UInt64
    var size: Int64
    var modified: Int64
    /// The status-change time in nanoseconds: set by the kernel on every write, rename or
    /// `utime`, and not settable by any ordinary call.
    var changed: Int64

    init(name: String, _ info: stat) {
        self.name = name
        device = UInt64(info.st_dev)
        inode = UInt64(info.st_ino)
        size = Int64(info.st_size)
        modified = Int64(info.st_mtim.tv_sec) * 1_000_000_000 + Int64(info.st_mtim.tv_nsec)
        changed = Int64(info.st_ctim.tv_sec) * 1_000_000_000 + Int64(info.st_ctim.tv_nsec)
    }

    /// A file that could not be stat'ed: equal to no file's stamp.
    init(missing name: String) {
        self.name = name
        device = 0
        inode = 0
        size = -1
        modified = -1
        changed = -1
    }

    /// Whether an unchanged stamp proves an unchanged file for a stamp taken at `takenAt`
    /// (nanoseconds). File times tick coarsely (one kernel tick, a few milliseconds; a second on
    /// some file systems), so a file changed in the same tick as the stamp was taken could change
    /// again and keep all of it: git's "racily clean" files. Only a change older than that is proof.
    func isSettled(takenAt: Int64) -> Bool {
        // Whole seconds only: a file system with one-second times (or times set by a restore).
        let tick: Int64 = changed % 1_000_000_000 == 0 ? 2_000_000_000 : 20_000_000
        return changed >= 0 && changed < takenAt - tick
    }
}

/// A submission's chain files as one read saw them, so that a later read can tell with one
/// `stat` per file and no parsing whether the chain on disk still holds exactly what was read
/// then, and read only the events added since (see `eventsAdded(since:)`).
///
/// Every stamp is taken before its file is read, and `takenAt` before any stamp: a file changed
/// after it was read shows a different stamp later, or is recent enough to be compared by its
/// bytes instead.
public struct ChainSnapshot: Sendable {
    /// The submission the chain is of.
    public let reference: String
    /// The SHA-256 of `submission.xml`, the chain's anchor.
    public let anchorSHA256: String
    let anchor: FileStamp
    /// The event files' stamps and SHA-256s, in chain order.
    var stamps: [FileStamp]
    var fileSHA256s: [String]
    /// When the stamps were taken (CLOCK_REALTIME, nanoseconds).
    var takenAt: Int64

    /// The number of events the snapshot holds.
    public var count: Int { fileSHA256s.count }
    /// The SHA-256 of the last file of the chain (`submission.xml`'s before the first event).
    public var headSHA256: String { fileSHA256s.last ?? anchorSHA256 }
}

extension ArchiveStore {
    /// A submission's identity and every event, read and checked as `submission(_:)` and
    /// `events(_:anchor:)` read them, with a snapshot of the files for `eventsAdded(since:)`.
    public func chain(_ reference: String) throws(ArchiveError) -> (
        record: SubmissionRecord, events: [ReadEvent], snapshot: ChainSnapshot
    ) {
        let takenAt = Self.realTime()
        let anchor = Self.stamp(of: "\(submissionDirectory(reference))/submission.xml", name: "submission.xml")
        let identity = try submission(reference)
        let stamps = Self.stampedEntries(of: "\(submissionDirectory(reference))/events")
        var chain = HashChainWalker(anchor: identity.sha256, anchorName: "submission.xml")
        let events = try readLinks(of: reference, named: stamps.map(\.name), chain: &chain)
        let snapshot = ChainSnapshot(
            reference: reference, anchorSHA256: identity.sha256, anchor: anchor, stamps: stamps,
            fileSHA256s: events.map(\.fileSHA256), takenAt: takenAt)
        return (identity.record, events, snapshot)
    }

    /// The events added to a submission's chain since `snapshot` was taken, each read,
    /// validated and chain-checked exactly as `events(_:anchor:)` reads it, the first linked to
    /// the head the snapshot ends at — whose file is read and hashed again here, whatever its stamp.
    ///
    /// - Returns: nil when the chain on disk may not extend the snapshot: `submission.xml` or an
    ///   event file of it was replaced, rewritten, touched, removed or renamed, or one is missing
    ///   or added among them, or a newer file does not read or link. The caller then reads the
    ///   whole chain again, which reports any damage exactly as it always has.
    public func eventsAdded(since snapshot: ChainSnapshot) -> (events: [ReadEvent], snapshot: ChainSnapshot)? {
        let takenAt = Self.realTime()
        let directory = submissionDirectory(snapshot.reference)
        let anchor = Self.stamp(of: "\(directory)/submission.xml", name: "submission.xml")
        let stamps = Self.stampedEntries(of: "\(directory)/events")
        let known = snapshot.count
        guard stamps.count >= known else { return nil }
        // The anchor (unless it is the head) and every event file but the head: unchanged by
        // their stamps, or by their bytes when too recent for a stamp to prove it.
        if known > 0 {
            guard
                unchanged(
                    anchor, then: snapshot.anchor, takenAt: snapshot.takenAt, sha256: snapshot.anchorSHA256,
                    directory: directory)
            else { return nil }
        }
        for index in 0..<max(0, known - 1) {
            guard
                unchanged(
                    stamps[index], then: snapshot.stamps[index], takenAt: snapshot.takenAt,
                    sha256: snapshot.fileSHA256s[index],
                    directory: "\(directory)/events")
            else { return nil }
        }
        // The head the next event builds on, read from disk: it must be the one the snapshot ends at.
        let headName = known == 0 ? "submission.xml" : stamps[known - 1].name
        let headPath = known == 0 ? "\(directory)/submission.xml" : "\(directory)/events/\(headName)"
        guard known == 0 || headName == snapshot.stamps[known - 1].name,
            let bytes = try? DurableFile.read(headPath), Self.sha256(bytes) == snapshot.headSHA256
        else { return nil }
        var chain =
            known == 0
            ? HashChainWalker(anchor: snapshot.anchorSHA256, anchorName: "submission.xml")
            : HashChainWalker(after: known, name: headName, sha256: snapshot.headSHA256)
        guard let added = try? readLinks(of: snapshot.reference, named: stamps[known...].map(\.name), chain: &chain)
        else { return nil }
        let extended = ChainSnapshot(
            reference: snapshot.reference, anchorSHA256: snapshot.anchorSHA256, anchor: anchor, stamps: stamps,
            fileSHA256s: snapshot.fileSHA256s + added.map(\.fileSHA256), takenAt: takenAt)
        return (added, extended)
    }

    /// Whether a file read into a snapshot is unchanged: by its stamp, and by its bytes too
    /// while the stamp is too recent to prove it (see `FileStamp.isSettled`).
    private func unchanged(
        _ now: FileStamp, then: FileStamp, takenAt: Int64, sha256: String, directory: String
    ) -> Bool {
        guard now == then else { return false }
        if then.isSettled(takenAt: takenAt) { return true }
        guard let bytes = try? DurableFile.read("\(directory)/\(now.name)") else { return false }
        return Self.sha256(bytes) == sha256
    }

    /// The stamp of one file (a missing file's if it cannot be stat'ed).
    static func stamp(of path: String, name: String) -> FileStamp {
        var info = stat()
        return stat(path, &info) == 0 ? FileStamp(name: name, info) : FileStamp(missing: name)
    }

    /// The directory's entries but dot files, sorted by name as `DurableFile.list` sorts them,
    /// each stamped through the open directory (no path to build per file).
    static func stampedEntries(of directory: String) -> [FileStamp] {
        guard let handle = opendir(directory) else { return [] }
        defer { closedir(handle) }
        let descriptor = dirfd(handle)
        var stamps: [FileStamp] = []
        while let entry = readdir(handle) {
            let stamp = withUnsafeBytes(of: entry.pointee.d_name) { raw -> FileStamp? in
                let name = raw.bindMemory(to: CChar.self).baseAddress!
                guard UInt8(bitPattern: name.pointee) != UInt8(ascii: ".") else { return nil }
                var info = stat()
                let text = String(cString: name)
                return fstatat(descriptor, name, &info, 0) == 0 ? FileStamp(name: text, info) : FileStamp(missing: text)
            }
            if let stamp { stamps.append(stamp) }
        }
        return stamps.sorted { $0.name < $1.name }
    }

    /// The time now, in nanoseconds since 1970.
    static func realTime() -> Int64 {
        var now = timespec()
        clock_gettime(CLOCK_REALTIME, &now)
        return Int64(now.tv_sec) * 1_000_000_000 + Int64(now.tv_nsec)
    }
}
