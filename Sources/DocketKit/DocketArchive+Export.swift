import Archive
import Foundation
import Glibc
import Workflow
import XML

/// What `exportBag` wrote.
public struct BagSummary: Sendable, Hashable {
    /// The bag's directory.
    public var directory: String
    /// Payload files (under `data/`).
    public var files: Int
    /// Payload bytes (the octet count of `Payload-Oxum`).
    public var bytes: Int
    /// SHA-256 of the last event file (of `submission.xml` when there is no event).
    public var chainHead: String
    /// Number of events in the chain.
    public var chainLength: Int

    /// `Payload-Oxum`: `BYTES.FILES`.
    public var payloadOxum: String { "\(bytes).\(files)" }
}

/// The text rules of BagIt (RFC 8493) that tag files must follow.
public enum BagIt {
    /// A path as a manifest line must carry it (RFC 8493 §2.1.3): `%`, CR and LF
    /// percent-encoded, so that a line break in a name can never start a forged line.
    public static func manifestPath(_ path: String) -> String {
        var result = ""
        for character in path.unicodeScalars {
            switch character {
            case "%": result += "%25"
            case "\r": result += "%0D"
            case "\n": result += "%0A"
            default: result.unicodeScalars.append(character)
            }
        }
        return result
    }

    /// A tag value on one line: `bag-info.txt` allows folded lines, but many BagIt readers
    /// do not, so line breaks and other control characters become single spaces.
    public static func tagValue(_ text: String) -> String {
        var result = ""
        var pendingSpace = false
        for scalar in text.unicodeScalars {
            if scalar.properties.generalCategory == .control || scalar.properties.isWhitespace {
                pendingSpace = !result.isEmpty
                continue
            }
            if pendingSpace { result += " " }
            pendingSpace = false
            result.unicodeScalars.append(scalar)
        }
        return result
    }
}

extension DocketArchive {
    /// Writes a submission's record as a BagIt bag (RFC 8493) for a records office.
    ///
    /// Under `data/`, in the archive's own layout so that `xmllint --noout --schema
    /// data/schema/docket-archive-2.xsd data/submissions/REF/events/000001.xml` checks it
    /// without Docket: the archive's `schema/` directory, the pinned workflow definition,
    /// `submission.xml`, `head.xml`, every event file and every document with its metadata.
    ///
    /// So that a record office's preservation system shows what each document is without
    /// knowing Docket, `data/metadata/` describes the documents in DCMI Metadata Terms
    /// (`http://purl.org/dc/terms/`), made from their metadata:
    /// - `dublin-core.xml`: `<records xmlns="urn:docket:dublin-core:1">` holding a `<record>` for
    ///   the submission (a DCMI `Collection`), then one per document content file in the bag.
    ///   Each record is a `dcterms:elementOrRefinementContainer` (`dcterms.xsd` of 2008-02-11):
    ///   `identifier` (the SHA-256, then the path from the bag's root, `data/…`), `title`,
    ///   `alternative` (an annex's letter), `creator`, `created` (the document's date),
    ///   `dateSubmitted` (when it was filed), `type` (a `DCMIType` and Docket's kind), `format`
    ///   (an `IMT`), `extent`, `description`, `isPartOf` (the submission's reference),
    ///   `accessRights` (the protective marking), and its relations to other documents by
    ///   SHA-256, both ways (`isPartOf`/`hasPart`, `references`/`isReferencedBy`,
    ///   `isVersionOf`/`hasVersion`, `replaces`/`isReplacedBy`).
    /// - `metadata.csv`: the same for Archivematica, one row per document content file, named
    ///   in the `filename` column by its path from the bag's root (`data/submissions/…`), as
    ///   Archivematica reads a bag transfer's metadata.
    ///
    /// Beside the payload `manifest-sha256.txt`, `tagmanifest-sha256.txt`, `bagit.txt` and a
    /// `bag-info.txt` naming the submission, its state, dates and chain head.
    ///
    /// Nothing damaged is packaged: the hash chain is checked first, and every file is hashed
    /// while it is copied and compared with what the record says it holds (the events'
    /// SHA-256s, a document's name, the metadata SHA-256 its event fixed, the chain head in
    /// `head.xml`). The bag is built in `.NAME.partial-RANDOM` beside `directory`, fsynced, and
    /// renamed into place only when complete, so `directory` never holds a partial bag.
    ///
    /// - Parameters:
    ///   - directory: where the bag goes; it must not exist, or be an empty directory. Missing
    ///     parent directories are created.
    ///   - progress: (payload files copied, payload files to copy), called once per file.
    /// - Throws: `.bagDirectoryNotEmpty`; `.archive(.noSuchSubmission)`; `.archive(.damaged)`
    ///   naming the damaged file; `.changedDuringExport` if an event was recorded meanwhile;
    ///   `.bagNotWritten` if the bag could not be written.
    @discardableResult
    public func exportBag(
        _ reference: String, to directory: String, progress: (Int, Int) -> Void = { _, _ in }
    ) throws(DocketError) -> BagSummary {
        let target = try Self.bagTarget(directory, archiveRoot: store.root)
        let current = try readSubmission(reference)  // store.submission + store.events: the chain is checked
        let view = try makeView(current, for: nil)
        let plan = try bagPlan(current, view: view)
        let payload = plan + (try descriptiveMetadata(plan: plan, view: view))

        let (parent, name) = Self.split(target)
        do {
            try DurableFile.makeDirectory(parent)
        } catch {
            throw .bagNotWritten(path: target, reason: "\(error)")
        }
        let building = "\(parent)/.\(name).partial-\(UInt64.random(in: 0...UInt64.max) % 1_000_000_000_000)"
        do {
            try DurableFile.makeNewDirectory(building)
        } catch {
            throw .bagNotWritten(path: target, reason: "\(error)")
        }
        do throws(DocketError) {
            let (files, bytes) = try writeBag(
                at: building, plan: payload, view: view, current: current, progress: progress)
            try Self.moveIntoPlace(building, to: target)
            return BagSummary(
                directory: target, files: files, bytes: bytes, chainHead: current.headSHA256,
                chainLength: current.events.count)
        } catch {
            try? FileManager.default.removeItem(atPath: building)
            throw error
        }
    }

    // MARK: - What goes in

    /// One payload file: where it is in the archive, its path under `data/`, and the SHA-256
    /// the record says it has (nil for files the record does not fix: schemas, `head.xml`,
    /// the pinned definition, whose digest is of its canonical form).
    struct BagItem {
        var source: String
        var name: String
        var expectedSHA256: String?
        /// The bytes already read and checked (`head.xml`), written as they are rather than
        /// read again, so that what was checked is what is packaged.
        var inMemory: [UInt8]?
    }

    /// The payload, in the order it is copied, checked against the chain as read.
    func bagPlan(_ current: CurrentSubmission, view: SubmissionView) throws(DocketError) -> [BagItem] {
        let record = current.record
        let reference = record.reference
        let base = "submissions/\(reference)"
        let submissionDirectory = store.submissionDirectory(reference)
        var plan: [BagItem] = []

        let schemaRoot = "\(store.root)/schema"
        for relative in Self.regularFiles(under: schemaRoot) {
            plan.append(BagItem(source: "\(schemaRoot)/\(relative)", name: "schema/\(relative)"))
        }
        plan.append(
            BagItem(
                source: store.pinnedWorkflowPath(digest: record.workflowDigest),
                name: "workflows/pinned/\(record.workflowDigest).scxml"))
        // The chain's anchor: what the first event names as previous, or the head itself.
        let anchor = current.events.first?.event.previous ?? current.headSHA256
        plan.append(
            BagItem(
                source: "\(submissionDirectory)/submission.xml", name: "\(base)/submission.xml",
                expectedSHA256: anchor))
        if let head = try headItem(current, base: base) { plan.append(head) }
        var metadataSHA256: [String: String] = [:]
        for read in current.events {
            plan.append(
                BagItem(
                    source: read.path, name: "\(base)/events/\(Self.split(read.path).name)",
                    expectedSHA256: read.fileSHA256))
            if case .documentAdded(let document, let metadata?, _) = read.event.body {
                metadataSHA256[document.sha256] = metadata
            }
        }
        var seen: Set<String> = []
        // Documents that left the pack are still cited by the events that added them.
        let cited = view.documents + view.departedDocuments.map(\.metadata)
        let disposals = view.disposals
        for metadata in cited where seen.insert(metadata.sha256).inserted {
            // A destroyed document travels as its metadata alone; its disposal event says why.
            if disposals[metadata.sha256]?.action != .destroy {
                plan.append(
                    BagItem(
                        source: store.documentPath(reference, storedAs: metadata.storedAs),
                        name: "\(base)/documents/\(metadata.storedAs)", expectedSHA256: metadata.sha256))
            }
            plan.append(
                BagItem(
                    source: "\(submissionDirectory)/documents/\(metadata.sha256).xml",
                    name: "\(base)/documents/\(metadata.sha256).xml", expectedSHA256: metadataSHA256[metadata.sha256]))
        }
        return plan
    }

    /// `head.xml`, read once and checked against the chain: at the same length, the last event
    /// file (or `submission.xml`, before any event) must be the one `head.xml` was written for; a head behind the chain is what a killed
    /// write leaves (a note for `verify`) and is kept as it is; a head ahead of the chain means
    /// an event was recorded since the chain was read.
    func headItem(_ current: CurrentSubmission, base: String) throws(DocketError) -> BagItem? {
        let path = "\(store.submissionDirectory(current.record.reference))/head.xml"
        guard DurableFile.exists(path) else { return nil }
        let bytes = try archive { () throws(ArchiveError) in try DurableFile.read(path, limit: 1 << 20) }
        let sequence: Int
        let sha256: String
        do {
            let document = try XMLDocument(parsing: bytes, source: path)
            let namespaces = ["d": "urn:docket:archive:1"]
            sequence = Int(try document.string("string(/d:head/d:sequence)", namespaces: namespaces)) ?? -1
            sha256 = try document.string("string(/d:head/d:sha256)", namespaces: namespaces)
        } catch {
            throw .archive(.damaged(path: path, reason: "\(error)"))
        }
        guard sequence >= 0 else { throw .archive(.damaged(path: path, reason: "no <sequence> in the head")) }
        let length = current.events.count
        if sequence > length { throw .changedDuringExport(reference: current.record.reference) }
        if sequence == length, sha256 != current.headSHA256 {
            // The file head.xml vouches for: the last event, or submission.xml before any.
            let vouched =
                current.events.last?.path ?? "\(store.submissionDirectory(current.record.reference))/submission.xml"
            throw .archive(
                .damaged(
                    path: vouched,
                    reason: "its SHA-256 is \(current.headSHA256) but head.xml records \(sha256): changed after it "
                        + "was written"))
        }
        return BagItem(source: path, name: "\(base)/head.xml", inMemory: bytes)
    }

    // MARK: - Writing

    /// Copies the payload and writes the tag files into `root`, fsyncing every file and
    /// directory. Returns the payload's file count and bytes.
    func writeBag(
        at root: String, plan: [BagItem], view: SubmissionView, current: CurrentSubmission,
        progress: (Int, Int) -> Void
    ) throws(DocketError) -> (files: Int, bytes: Int) {
        var manifest: [(name: String, sha256: String)] = []
        var bytes = 0
        var directories: Set<String> = [root, "\(root)/data"]
        try Self.makeBagDirectory("\(root)/data")
        progress(0, plan.count)
        for (number, item) in plan.enumerated() {
            let destination = "\(root)/data/\(item.name)"
            var directory = Self.split(destination).parent
            while directories.insert(directory).inserted {
                directory = Self.split(directory).parent
            }
            try Self.makeBagDirectory(Self.split(destination).parent)
            let copied: (sha256: String, bytes: Int)
            if let content = item.inMemory {
                copied = (ArchiveStore.sha256(content), content.count)
                try Self.writeBagFile(content, to: destination)
            } else {
                copied = try Self.copyHashing(item.source, to: destination)
            }
            if let expected = item.expectedSHA256, expected != copied.sha256 {
                throw .archive(
                    .damaged(
                        path: item.source,
                        reason: "its SHA-256 is \(copied.sha256) but the record says \(expected): changed after "
                            + "it was archived"))
            }
            manifest.append(("data/\(item.name)", copied.sha256))
            bytes += copied.bytes
            progress(number + 1, plan.count)
        }
        // An event recorded while copying would make the bag an old snapshot beside a newer
        // head.xml: refuse, so that the bag is always one state of the submission.
        let eventFiles = DurableFile.list("\(store.submissionDirectory(current.record.reference))/events")
        if eventFiles.count(where: { !$0.hasPrefix(".") }) != current.events.count {
            throw .changedDuringExport(reference: current.record.reference)
        }

        let manifestText = manifest.sorted { $0.name < $1.name }
            .map { "\($0.sha256)  \(BagIt.manifestPath($0.name))\n" }.joined()
        let tags = [
            ("bagit.txt", "BagIt-Version: 1.0\nTag-File-Character-Encoding: UTF-8\n"),
            ("bag-info.txt", bagInfo(view: view, current: current, bytes: bytes, files: manifest.count)),
            ("manifest-sha256.txt", manifestText),
        ]
        var tagManifest = ""
        for (name, text) in tags {
            let content = Array(text.utf8)
            try Self.writeBagFile(content, to: "\(root)/\(name)")
            tagManifest += "\(ArchiveStore.sha256(content))  \(name)\n"
        }
        try Self.writeBagFile(Array(tagManifest.utf8), to: "\(root)/tagmanifest-sha256.txt")
        // Deepest first, so each directory's entries are durable before its parent's.
        for directory in directories.sorted(by: { $0.count > $1.count }) { try Self.syncBagDirectory(directory) }
        return (manifest.count, bytes)
    }

    /// `bag-info.txt`: the standard labels, then Docket's own, one line each.
    func bagInfo(view: SubmissionView, current: CurrentSubmission, bytes: Int, files: Int) -> String {
        let record = view.record
        let instant = Date.ISO8601FormatStyle(includingFractionalSeconds: true)
        var lines: [(String, String)] = [
            ("Bagging-Date", String(Date.ISO8601FormatStyle().format(now()).prefix(10))),
            ("Bag-Software-Agent", "Docket (archive format 1)"),
            ("External-Identifier", record.reference),
            ("External-Description", record.title),
            ("Payload-Oxum", "\(bytes).\(files)"),
            ("Bag-Size", Self.bagSize(bytes)),
            ("Docket-Reference", record.reference),
            ("Docket-Title", record.title),
        ]
        if let series = record.series { lines.append(("Docket-Series", series)) }
        if let service = record.service { lines.append(("Docket-Service", service)) }
        lines += [
            ("Docket-Workflow", "\(record.workflowName) \(record.workflowDigest)"),
            ("Docket-State", view.state),
            ("Docket-Created", instant.format(record.created)),
        ]
        if let last = view.events.last { lines.append(("Docket-Last-Event", instant.format(last.time))) }
        // The dates the workflow recorded (dispatched-on, received-on …), in event order.
        for event in view.events {
            guard case .transition(let transition) = event.body else { continue }
            for (field, value) in transition.fields.sorted(by: { $0.key < $1.key }) where field.hasSuffix("-on") {
                let label = String(
                    field.split(separator: "-").map { $0.prefix(1).uppercased() + $0.dropFirst() }
                        .joined(separator: "-").filter { $0.isLetter || $0.isNumber || $0 == "-" })
                lines.append(("Docket-\(label)", value))
            }
        }
        lines += [
            ("Docket-Chain-Length", String(current.events.count)),
            ("Docket-Chain-Head", current.headSHA256),
        ]
        return lines.map { "\($0.0): \(BagIt.tagValue($0.1))\n" }.joined()
    }

    // MARK: - Files

    /// The bag's directory as given, without trailing slashes, checked to be usable: absent,
    /// or an empty directory, and not inside the archive (a bag there would look like part
    /// of the record).
    static func bagTarget(_ directory: String, archiveRoot: String) throws(DocketError) -> String {
        var target = directory
        while target.count > 1, target.hasSuffix("/") { target.removeLast() }
        guard !target.isEmpty, target != "/", target != ".", target != ".." else {
            throw .invalidInput("'\(directory)' cannot hold a bag; name a new directory")
        }
        var status = stat()
        if lstat(target, &status) == 0 {
            guard status.st_mode & S_IFMT == S_IFDIR else {
                throw .bagDirectoryNotEmpty(path: target)
            }
            guard DurableFile.list(target).isEmpty else { throw .bagDirectoryNotEmpty(path: target) }
        }
        if let archive = realpath(archiveRoot, nil) {
            defer { free(archive) }
            var parent = Self.split(target).parent
            // The nearest existing ancestor decides where the bag would really be.
            while !DurableFile.exists(parent), parent != Self.split(parent).parent {
                parent = Self.split(parent).parent
            }
            if let resolved = realpath(parent, nil) {
                defer { free(resolved) }
                let archivePath = String(cString: archive)
                let parentPath = String(cString: resolved)
                if parentPath == archivePath || parentPath.hasPrefix(archivePath + "/") {
                    throw .invalidInput("\(target) is inside the archive; write the bag somewhere else")
                }
            }
        }
        return target
    }

    /// The parent directory of a path and its last component ("." for a bare name).
    static func split(_ path: String) -> (parent: String, name: String) {
        guard let slash = path.lastIndex(of: "/") else { return (".", path) }
        let parent = slash == path.startIndex ? "/" : String(path[..<slash])
        return (parent, String(path[path.index(after: slash)...]))
    }

    /// Renames the finished bag to `target`; an empty directory there is replaced atomically.
    static func moveIntoPlace(_ building: String, to target: String) throws(DocketError) {
        if rename(building, target) != 0 {
            let code = errno
            if code == ENOTEMPTY || code == EEXIST || code == ENOTDIR || code == EISDIR {
                throw .bagDirectoryNotEmpty(path: target)  // filled by someone else meanwhile
            }
            throw .bagNotWritten(path: target, reason: "rename: \(String(cString: strerror(code)))")
        }
        try syncBagDirectory(split(target).parent)
    }

    /// Regular files under `directory` (relative paths, sorted), without anything whose name
    /// starts with "." (locks, temporaries) and without following directory symlinks.
    static func regularFiles(under directory: String) -> [String] {
        var result: [String] = []
        for name in DurableFile.list(directory) where !name.hasPrefix(".") {
            let path = "\(directory)/\(name)"
            var status = stat()
            guard lstat(path, &status) == 0 else { continue }
            switch status.st_mode & S_IFMT {
            case S_IFDIR:
                result += regularFiles(under: path).map { "\(name)/\($0)" }
            case S_IFREG:
                result.append(name)
            case S_IFLNK:
                if stat(path, &status) == 0, status.st_mode & S_IFMT == S_IFREG { result.append(name) }
            default:
                continue
            }
        }
        return result
    }

    /// Copies `source` to the new file `destination` of the bag, hashing as it goes (see
    /// `DurableFile.copyHashing`): a document of any size is read once and never held whole in memory.
    static func copyHashing(_ source: String, to destination: String) throws(DocketError) -> (
        sha256: String, bytes: Int
    ) {
        do {
            return try DurableFile.copyHashing(source, to: destination)
        } catch {
            throw bagError(error, reading: source)
        }
    }

    /// The SHA-256 of a file, read in 1 MiB chunks.
    static func fileSHA256(_ path: String) throws(DocketError) -> String {
        do {
            return try DurableFile.sha256(ofFile: path)
        } catch {
            throw .archive(error)
        }
    }

    /// Writes a new file of the bag and fsyncs it.
    static func writeBagFile(_ content: [UInt8], to path: String) throws(DocketError) {
        do {
            try DurableFile.writeInPlace(content, at: path)
        } catch {
            throw bagError(error)
        }
    }

    /// Creates a directory of the bag (and its parents); the bag's directories are fsynced
    /// once, when it is complete.
    private static func makeBagDirectory(_ path: String) throws(DocketError) {
        do {
            try DurableFile.makeDirectory(path, syncParent: false)
        } catch {
            throw bagError(error)
        }
    }

    private static func syncBagDirectory(_ path: String) throws(DocketError) {
        do {
            try DurableFile.sync(directory: path)
        } catch {
            throw bagError(error)
        }
    }

    /// A failure to write the bag as `bagNotWritten` ("fsync: …"); a failure to read what goes
    /// into it (`source`) as the archive's.
    private static func bagError(_ error: ArchiveError, reading source: String? = nil) -> DocketError {
        if case .io(let path, let operation, let reason) = error, path != source {
            return .bagNotWritten(path: path, reason: "\(operation): \(reason)")
        }
        return .archive(error)
    }

    /// `Bag-Size`: approximate and for people (`Payload-Oxum` is the exact count), in SI units.
    static func bagSize(_ bytes: Int) -> String {
        if bytes < 1000 { return "\(bytes) bytes" }
        var value = Double(bytes) / 1000
        for unit in ["KB", "MB", "GB", "TB"] {
            if value < 1000 || unit == "TB" {
                let tenths = Int((value * 10).rounded())
                return "\(tenths / 10).\(tenths % 10) \(unit)"
            }
            value /= 1000
        }
        return "\(bytes) bytes"
    }
}
