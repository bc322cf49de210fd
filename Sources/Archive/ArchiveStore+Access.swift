import Foundation
import XML

/// The access log and the clearance file (`docket-access-1.xsd`):
///
/// ```
/// ARCHIVE/access/log/YYYY-MM-DD/000001.xml …   one directory per UTC day, one file per entry
/// ARCHIVE/access/head.xml                      the last entry's day, number and SHA-256 (replaced)
/// ARCHIVE/access/clearance.xml                 who may read restricted material (replaced)
/// ARCHIVE/access/.lock                         serialises appends between processes
/// ```
///
/// The log is one hash chain across its days: a day's first entry holds the SHA-256 of the last
/// file of the most recent earlier day that has entries (64 zeros for the very first entry), so
/// deleting a day's last entry, or a whole day, breaks the next day's first link; `head.xml` covers
/// the very last entry, which no later link does. Appending reads only the newest day's listing
/// and one file, never the whole log.
extension ArchiveStore {
    /// An access log entry as read: the entry, its day, its file's SHA-256 and path.
    public struct ReadAccessEntry: Sendable, Hashable {
        public var entry: AccessLogEntry
        /// The day directory it is filed under (`YYYY-MM-DD`).
        public var day: String
        public var fileSHA256: String
        public var path: String
    }

    static let accessDirectory = "access"
    static let accessLogDirectory = "access/log"
    public static let clearanceFile = "access/clearance.xml"
    static let accessHeadFile = "access/head.xml"
    private static let genesis = String(repeating: "0", count: 64)

    /// The days (`YYYY-MM-DD`) that have an access log directory, in order.
    public func accessLogDays() -> [String] {
        DurableFile.list("\(root)/\(Self.accessLogDirectory)").filter { CalendarDayName.isValid($0) }
    }

    /// The UTC day of an instant, `YYYY-MM-DD`: the directory its access entry goes in.
    public static func utcDay(_ date: Date) -> String {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        let parts = calendar.dateComponents([.year, .month, .day], from: date)
        return String(format: "%04d-%02d-%02d", parts.year ?? 0, parts.month ?? 0, parts.day ?? 0)
    }

    /// Appends an event to the access log at `time`, as the next link of its chain.
    ///
    /// The entry goes under the UTC day of `time` — or under the latest day already in the
    /// log, should the clock have gone back, so that the chain's order stays the directories'
    /// order. Appends are serialised by `access/.lock` between processes; a file created behind
    /// the lock's back (a conflict) is followed by another try.
    ///
    /// - Returns: the entry as written, with its sequence number and `previous`.
    /// - Throws: `.damaged` if the archive predates the access schema (`docket init --upgrade`
    ///   adds it) or the newest entry cannot be read; `.invalidInput` for a record the schema
    ///   refuses; `.io` if the disk refuses.
    @discardableResult
    public func appendAccess(_ event: AccessEvent, at time: Date) throws(ArchiveError) -> ReadAccessEntry {
        let schema = try familySchemas.require(.access, root: root)
        try DurableFile.makeDirectory("\(root)/\(Self.accessLogDirectory)")
        let lock = try Self.exclusiveLock(at: "\(root)/\(Self.accessDirectory)/.lock")
        defer { lock.release() }
        var attempt = 0
        while true {
            attempt += 1
            let days = accessLogDays()
            let day = max(Self.utcDay(time), days.last ?? "")
            let directory = "\(root)/\(Self.accessLogDirectory)/\(day)"
            let link: (sequence: Int, previous: String)
            if let last = accessEntryNames(day).last, let number = HashChainWalker.number(last) {
                link = (number + 1, Self.sha256(try DurableFile.read("\(directory)/\(last)")))
            } else {
                link = (1, try lastEntrySHA256(before: day, days: days) ?? Self.genesis)
            }
            let entry = AccessLogEntry(sequence: link.sequence, previous: link.previous, at: time, event: event)
            do {
                let sha = try appendChainedLogEntry(
                    entry.xml, sequence: entry.sequence, in: directory, schema: schema,
                    logName: "\(Self.accessLogDirectory)/\(day)", time: entry.at)
                // The directory is not fsynced for the head: one lost to a crash is one entry
                // behind, which `verifyAccess` tells apart from damage (as a submission's head).
                try DurableFile.replace(
                    try Self.encode(
                        AccessHead(day: day, sequence: entry.sequence, sha256: sha).xml, schema: schema,
                        source: "head.xml"), at: "\(root)/\(Self.accessHeadFile)", syncDirectory: false)
                return ReadAccessEntry(
                    entry: entry, day: day, fileSHA256: sha, path: "\(directory)/\(Self.eventFileName(entry.sequence))")
            } catch .conflict(let log, let sequence) {
                // Only a writer ignoring the lock gets here; a few tries, then say so.
                if attempt >= 5 { throw .conflict(reference: log, sequence: sequence) }
            }
        }
    }

    /// The access log's entries in order, from the UTC day `since` (every day when nil), each
    /// validated, in sequence, and chained to the file before — across days, the first day read
    /// included (its anchor is the last file of the day before it).
    ///
    /// - Throws: `.damaged` naming the first file that is invalid, out of sequence or unlinked.
    public func readAccessLog(since: String? = nil) throws(ArchiveError) -> [ReadAccessEntry] {
        let days = accessLogDays()
        guard !days.isEmpty else { return [] }
        let schema = try familySchemas.require(.access, root: root)
        let wanted = days.filter { day in since.map { day >= $0 } ?? true }
        guard let first = wanted.first else { return [] }
        var anchor = (sha256: try lastEntrySHA256(before: first, days: days) ?? Self.genesis, name: "the day before")
        var result: [ReadAccessEntry] = []
        for day in wanted {
            let read = try readChainedLog(
                "\(root)/\(Self.accessLogDirectory)/\(day)", schema: schema, namespace: AccessXML.namespace.uri,
                as: AccessLogEntry.self, isEntry: { !$0.hasPrefix(".") }, anchor: anchor)
            result += read.map { ReadAccessEntry(entry: $0.entry, day: day, fileSHA256: $0.fileSHA256, path: $0.path) }
            if let last = read.last { anchor = (last.fileSHA256, "\(day)/\(Self.eventFileName(last.entry.sequence))") }
        }
        return result
    }

    /// Checks the whole access log and the clearance file, reporting every damaged day rather
    /// than stopping at the first: each day's files valid, in sequence, and chained to the file
    /// before (the first to the last file of the day before); nothing but days under `access/log`.
    ///
    /// - Returns: the findings, paths relative to the archive; none for an archive without an access log.
    public func verifyAccess() -> [VerificationFinding] {
        var findings: [VerificationFinding] = []
        let log = "\(root)/\(Self.accessLogDirectory)"
        for name in DurableFile.list(log) where !CalendarDayName.isValid(name) {
            findings.append(problem("\(log)/\(name)", "not an access log day (YYYY-MM-DD)"))
        }
        let days = accessLogDays()
        if !days.isEmpty || DurableFile.exists("\(root)/\(Self.clearanceFile)") {
            do {
                try requireSchema(.access)
            } catch {
                return findings + [problem("\(root)/\(SchemaFamily.access.file)", "\(error)")]
            }
        }
        var anchor = (sha256: Self.genesis, name: "the genesis")
        // The last two entry files of the log as walked (day, name), for the head.
        var tail: [(day: String, name: String)] = []
        for day in days {
            tail = Array((tail + accessEntryNames(day).suffix(2).map { (day: day, name: $0) }).suffix(2))
            let directory = "\(log)/\(day)"
            do {
                let read = try readChainedLog(
                    directory, schema: try familySchemas.require(.access, root: root),
                    namespace: AccessXML.namespace.uri, as: AccessLogEntry.self, isEntry: { !$0.hasPrefix(".") },
                    anchor: anchor)
                if read.isEmpty {
                    findings.append(
                        VerificationFinding(
                            severity: .note, path: relative(directory),
                            message: "an empty access log day (an interrupted append?)"))
                }
            } catch .damaged(let path, let reason) {
                findings.append(problem(path, reason))
            } catch {
                findings.append(problem(directory, "\(error)"))
            }
            // The next day is checked against this day's last file as it is, so that one break
            // is reported once and the days after it are still checked.
            if let last = accessEntryNames(day).last,
                let bytes = try? DurableFile.read("\(directory)/\(last)")
            {
                anchor = (Self.sha256(bytes), "\(day)/\(last)")
            }
        }
        findings += verifyAccessHead(tail: tail)
        do {
            _ = try clearance()
        } catch .damaged(let path, let reason) {
            findings.append(problem(path, reason))
        } catch {
            findings.append(problem("\(root)/\(Self.clearanceFile)", "\(error)"))
        }
        return findings
    }

    func relative(_ path: String) -> String {
        path.hasPrefix(root + "/") ? String(path.dropFirst(root.count + 1)) : path
    }

    func problem(_ path: String, _ message: String) -> VerificationFinding {
        VerificationFinding(severity: .problem, path: relative(path), message: message)
    }

    /// Checks `head.xml` against the log's last entry: the same day, number and SHA-256; one
    /// entry behind (a crash between the entry and its head) is a note, anything else damage.
    private func verifyAccessHead(tail: [(day: String, name: String)]) -> [VerificationFinding] {
        let path = "\(root)/\(Self.accessHeadFile)"
        let head: AccessHead?
        do {
            head = try accessHead()
        } catch .damaged(let path, let reason) {
            return [problem(path, reason)]
        } catch {
            return [problem(path, "\(error)")]
        }
        func sha(_ file: (day: String, name: String)) -> String? {
            (try? DurableFile.read("\(root)/\(Self.accessLogDirectory)/\(file.day)/\(file.name)")).map(Self.sha256)
        }
        func names(_ file: (day: String, name: String)?, _ head: AccessHead?) -> Bool {
            guard let file, let head else { return file == nil && head == nil }
            return file.day == head.day && HashChainWalker.number(file.name) == head.sequence
        }
        guard let last = tail.last else {
            return head == nil ? [] : [problem(path, "names an entry, but the access log has none (deleted?)")]
        }
        let lastPath = "\(root)/\(Self.accessLogDirectory)/\(last.day)/\(last.name)"
        if names(last, head) {
            return sha(last) == head?.sha256
                ? [] : [problem(lastPath, "changed since it was written (its SHA-256 is not the head's)")]
        }
        let before = tail.count > 1 ? tail[0] : nil
        if names(before, head), before.flatMap(sha) == head?.sha256 {
            return [
                VerificationFinding(
                    severity: .note, path: relative(path),
                    message: "one entry behind the log (a write interrupted before the head): harmless")
            ]
        }
        guard head != nil else {
            return [problem(path, "missing, yet the log has entries (\(last.day)/\(last.name) is the last): deleted?")]
        }
        return [
            problem(path, "does not name the log's last entry (\(last.day)/\(last.name)): entries deleted or added?")
        ]
    }

    /// The access log's head (nil before the first entry).
    func accessHead() throws(ArchiveError) -> AccessHead? {
        let path = "\(root)/\(Self.accessHeadFile)"
        guard DurableFile.exists(path) else { return nil }
        let element = try readAccessFile(path, root: "head")
        return try AccessHead(reading: ElementReader(node: element, path: path, namespace: AccessXML.namespace.uri))
    }

    /// Reads, parses (hardened) and validates one file of the access family, checking its root.
    private func readAccessFile(_ path: String, root name: String) throws(ArchiveError) -> XMLNode {
        let schema = try familySchemas.require(.access, root: root)
        let bytes = try DurableFile.read(path, limit: XMLParseOptions.defaultMaximumInputSize)
        return try Self.validatedRoot(bytes, path: path, schema: schema, name: name)
    }

    /// The entry files of one day, in order (names `NNNNNN.xml`).
    private func accessEntryNames(_ day: String) -> [String] {
        DurableFile.list("\(root)/\(Self.accessLogDirectory)/\(day)").filter { HashChainWalker.number($0) != nil }
    }

    /// The SHA-256 of the last entry file of the latest day before `day` that has one; nil when
    /// no earlier day has entries (the chain starts at 64 zeros).
    private func lastEntrySHA256(before day: String, days: [String]) throws(ArchiveError) -> String? {
        for earlier in days.reversed() where earlier < day {
            if let last = accessEntryNames(earlier).last {
                return Self.sha256(try DurableFile.read("\(root)/\(Self.accessLogDirectory)/\(earlier)/\(last)"))
            }
        }
        return nil
    }

    // MARK: - Clearance

    /// Who may read restricted material, as `access/clearance.xml` records it; nil when the
    /// archive has no clearance file.
    ///
    /// - Throws: `.damaged` if the file is not valid against `docket-access-1.xsd`, or the
    ///   archive lacks that schema.
    public func clearance() throws(ArchiveError) -> ClearanceRecord? {
        let path = "\(root)/\(Self.clearanceFile)"
        guard DurableFile.exists(path) else { return nil }
        let element = try readAccessFile(path, root: "clearance")
        return try ClearanceRecord(
            reading: ElementReader(node: element, path: path, namespace: AccessXML.namespace.uri))
    }

    /// Replaces `access/clearance.xml` durably (a temporary file, fsynced, renamed over the old
    /// one, the directory fsynced): a reader sees the old file or the whole new one.
    ///
    /// - Throws: `.invalidInput` for a record the schema refuses (e.g. no open marking, a role
    ///   name that is not lower-case letters and hyphens); `.damaged` if the archive lacks the schema.
    public func writeClearance(_ record: ClearanceRecord) throws(ArchiveError) {
        let bytes = try Self.encode(
            record.xml, schema: try familySchemas.require(.access, root: root), source: "clearance.xml")
        try DurableFile.makeDirectory("\(root)/\(Self.accessDirectory)")
        try DurableFile.replace(bytes, at: "\(root)/\(Self.clearanceFile)")
    }
}
