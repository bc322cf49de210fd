import Crypto
import Foundation
import Glibc
import Synchronization
import Workflow
import XML

/// The archive on disk: the system of record. Knows the layout, writes every file durably
/// and validated, and reads every file back validated. Holds no business rules.
///
/// ```
/// ARCHIVE/archive.xml                                  marks the archive, format 1
/// ARCHIVE/schema/docket-archive-1.xsd, -2.xsd (+ …)    the schemas it was written against
/// ARCHIVE/workflows/NAME.scxml                         current workflow definitions
/// ARCHIVE/workflows/pinned/DIGEST.scxml                every definition a submission used
/// ARCHIVE/users/NAME.xml                               users, roles, delegations
/// ARCHIVE/submissions/REF/submission.xml               identity, written once
/// ARCHIVE/submissions/REF/events/000001.xml …          append-only, hash-chained
/// ARCHIVE/submissions/REF/head.xml                     last event's number and SHA-256
/// ARCHIVE/submissions/REF/documents/SHA256.EXT (+ .xml) content-addressed documents
/// ```
public final class ArchiveStore: Sendable {
    /// The archive's directory, as given.
    public let root: String
    /// The archive's own schema, loaded from `schema/` inside it.
    let schema: XMLSchema
    /// The schemas of record families added after format 1's first version (the board's),
    /// each absent from an archive that predates it until `addMissingDistributionFiles`.
    let familySchemas: ArchiveSchemas
    /// The number of the arrival log's last entry as this process last saw it (0: not looked
    /// yet), and the last entry whose marker it knows is written: the next look probes on from
    /// it instead of listing a directory that grows by one file per email (see `arrivalLogTail`).
    let arrivalTailHint = Mutex<(tail: Int, marked: Int, message: String)>((0, 0, ""))
    /// The private key this process signs with and the key list as last read.
    let signing: ArchiveSigning

    public static let schemaFile = "schema/docket-archive-1.xsd"
    public static let scxmlSchemaFile = "schema/scxml/scxml.xsd"
    public static let boardSchemaFile = SchemaFamily.board.file
    /// England and Wales bank holidays, one `date,title,notes` line each.
    public static let bankHolidaysFile = "calendar/bank-holidays-england-and-wales.csv"
    /// The retention schedule (the distribution's default, until the council edits or imports its own).
    public static let retentionScheduleFile = "retention/schedule.xml"
    /// Files every archive carries from the distribution, copied in when missing (never replaced).
    static let distributedFiles =
        [schemaFile] + SchemaFamily.allCases.map(\.file) + [
            "schema/scxml/scxml.xsd", "schema/scxml/xml.xsd", "schema/scxml/NOTICE.md", bankHolidaysFile,
            retentionScheduleFile,
        ]

    /// Opens an existing archive.
    ///
    /// - Parameter signingKeyPath: the private key file records are signed with once the
    ///   archive has a key (`keys/log/`); it is read at the first write, so a process that only
    ///   reads needs none.
    /// - Throws: `ArchiveError.notAnArchive` without `archive.xml`; `.damaged` if its schema
    ///   cannot be loaded or `archive.xml` is not valid.
    public init(opening root: String, signingKeyPath: String? = nil) throws(ArchiveError) {
        self.root = root
        signing = ArchiveSigning(keyPath: signingKeyPath)
        guard DurableFile.exists("\(root)/archive.xml") else { throw .notAnArchive(path: root) }
        do {
            schema = try XMLSchema(contentsOfFile: "\(root)/\(Self.schemaFile)")
        } catch {
            throw .damaged(path: "\(root)/\(Self.schemaFile)", reason: "\(error)")
        }
        familySchemas = try ArchiveSchemas(root: root)
        _ = try readDocument("\(root)/archive.xml", root: "archive")
    }

    /// Creates a new archive in `root` (which may exist but must not hold an archive), copying
    /// in the schemas and workflow definitions from `distribution`.
    ///
    /// - Parameters:
    ///   - distributionArchive: the distribution's archive home, holding `schema/` (with
    ///     `docket-archive-1.xsd`, `docket-board-1.xsd` and `scxml/`) and `calendar/`.
    ///   - workflowFiles: definitions to copy into `workflows/`.
    public static func create(
        at root: String, distributionArchive: String, workflowFiles: [String], now: Date
    ) throws(ArchiveError) -> ArchiveStore {
        if DurableFile.exists("\(root)/archive.xml") { throw .alreadyAnArchive(path: root) }
        for directory in ["", "/workflows", "/workflows/pinned", "/users", "/submissions"] {
            try DurableFile.makeDirectory(root + directory)
        }
        try copyMissingDistributedFiles(to: root, from: distributionArchive)
        for file in workflowFiles {
            let name = String(file.split(separator: "/").last ?? "")
            let target = "\(root)/workflows/\(name)"
            if !DurableFile.exists(target) { try DurableFile.create(try DurableFile.read(file), at: target) }
        }
        // archive.xml last: until it exists, the directory is not an archive.
        let marker = ArchiveXML.root(
            "archive",
            [
                ArchiveXML.element("created", ArchiveXML.instant(now)),
                ArchiveXML.element("identifier", UUID().uuidString.lowercased()),
            ])
        let schema: XMLSchema
        do {
            schema = try XMLSchema(contentsOfFile: "\(root)/\(schemaFile)")
        } catch {
            throw .damaged(path: "\(root)/\(schemaFile)", reason: "\(error)")
        }
        try DurableFile.create(try encode(marker, schema: schema, source: "archive.xml"), at: "\(root)/archive.xml")
        return try ArchiveStore(opening: root)
    }

    /// Gives an existing archive the files a newer Docket distributes (e.g. the board schema
    /// and the bank holidays) that it lacks. Never replaces a file the archive has: what it
    /// was written against stays as it was.
    ///
    /// - Returns: the files added, relative to the archive.
    @discardableResult
    public static func addMissingDistributionFiles(to root: String, from distributionArchive: String)
        throws(ArchiveError) -> [String]
    {
        guard DurableFile.exists("\(root)/archive.xml") else { throw .notAnArchive(path: root) }
        return try copyMissingDistributedFiles(to: root, from: distributionArchive)
    }

    @discardableResult
    private static func copyMissingDistributedFiles(to root: String, from distributionArchive: String)
        throws(ArchiveError) -> [String]
    {
        var added: [String] = []
        for file in distributedFiles where !DurableFile.exists("\(root)/\(file)") {
            let source = "\(distributionArchive)/\(file)"
            guard DurableFile.exists(source) else { continue }
            var directory = ""
            for part in file.split(separator: "/").dropLast() {
                directory += "/\(part)"
                try DurableFile.makeDirectory(root + directory)
            }
            try DurableFile.create(try DurableFile.read(source), at: "\(root)/\(file)")
            added.append(file)
        }
        return added
    }

    // MARK: - Paths

    public func submissionDirectory(_ reference: String) -> String { "\(root)/submissions/\(reference)" }
    public func eventPath(_ reference: String, _ sequence: Int) -> String {
        "\(submissionDirectory(reference))/events/\(Self.eventFileName(sequence))"
    }
    func documentsDirectory(_ reference: String) -> String { "\(submissionDirectory(reference))/documents" }
    public func documentPath(_ reference: String, storedAs: String) -> String {
        "\(documentsDirectory(reference))/\(storedAs)"
    }
    func metadataPath(_ reference: String, _ sha256: String) -> String {
        "\(documentsDirectory(reference))/\(sha256).xml"
    }

    /// `000001.xml`: six digits keep a directory listing in event order.
    static func eventFileName(_ sequence: Int) -> String {
        let digits = String(sequence)
        return String(repeating: "0", count: max(0, 6 - digits.count)) + digits + ".xml"
    }

    // MARK: - XML in and out

    /// Builds, validates against the archive schema and serialises a record.
    static func encode(_ element: XMLElement, schema: XMLSchema, source: String) throws(ArchiveError) -> [UInt8] {
        do {
            let document = try XMLDocument(root: element, source: source)
            try schema.validate(document)
            return try document.serialized()
        } catch {
            throw .invalidInput("\(source) would not be valid archive XML: \(error)")
        }
    }

    func encode(_ element: XMLElement, source: String) throws(ArchiveError) -> [UInt8] {
        try Self.encode(element, schema: try schema(forNamespace: element.namespace?.uri), source: source)
    }

    /// Refuses, before anything is written, a write that needs `family`'s schema in an archive
    /// that predates it (with the way to add it).
    public func requireSchema(_ family: SchemaFamily) throws(ArchiveError) {
        _ = try familySchemas.require(family, root: root)
    }

    /// The schema of a record's format, by its root's namespace: format 2's or 3's only if the
    /// archive has it (else the refusal saying how to add it).
    func schema(forNamespace uri: String?) throws(ArchiveError) -> XMLSchema {
        switch uri {
        case ArchiveXML.namespace2.uri: try familySchemas.require(.archiveFormat2, root: root)
        case ArchiveXML.namespace3.uri: try familySchemas.require(.archiveFormat3, root: root)
        case ArchiveXML.namespace4.uri: try familySchemas.require(.archiveFormat4, root: root)
        case ArchiveXML.namespace5.uri: try familySchemas.require(.archiveFormat5, root: root)
        case ArchiveXML.namespace6.uri: try familySchemas.require(.archiveFormat6, root: root)
        default: schema
        }
    }

    /// Reads `archive.xml` again, parsed and validated: whether the archive is still there and
    /// readable (the web app's health check), at the cost of one small file.
    ///
    /// - Throws: `ArchiveError.notAnArchive` when it is gone; `.damaged` or an I/O error when it
    ///   cannot be read or is not valid.
    public func readMarker() throws(ArchiveError) {
        guard DurableFile.exists("\(root)/archive.xml") else { throw .notAnArchive(path: root) }
        _ = try readDocument("\(root)/archive.xml", root: "archive")
    }

    /// Reads, parses (hardened) and validates one archive file, checking its root element.
    func readDocument(_ path: String, root name: String) throws(ArchiveError) -> (XMLDocument, [UInt8]) {
        let bytes = try DurableFile.read(path, limit: XMLParseOptions.defaultMaximumInputSize)
        return (try parse(bytes, path: path, root: name), bytes)
    }

    func parse(_ bytes: [UInt8], path: String, root name: String) throws(ArchiveError) -> XMLDocument {
        let document: XMLDocument
        let record: XMLNode
        do {
            document = try XMLDocument(parsing: bytes, source: path)
            guard let top = document.root else { throw ArchiveError.damaged(path: path, reason: "no root element") }
            // A signed record is checked against its own format's schema inside its envelope
            // (the signature itself is checked by `verify`).
            record = try SignedRecordXML.open(top, path: path).record
            let schema = try schema(forNamespace: record.namespaceURI)
            if SignedRecordXML.isEnvelope(top) {
                try schema.validate(element: record)
            } else {
                try schema.validate(document)
            }
        } catch let error as ArchiveError {
            throw error
        } catch {
            throw .damaged(path: path, reason: "\(error)")
        }
        guard record.name == name else {
            throw .damaged(path: path, reason: "expected a <\(name)> document")
        }
        return document
    }

    func reader(_ document: XMLDocument, path: String) -> ElementReader {
        // Children are read in the record's namespace: the file's own format.
        let record = SignedRecordXML.record(in: document.root!)
        return ElementReader(node: record, path: path, namespace: record.namespaceURI ?? "")
    }

    // MARK: - Workflows

    /// Paths of the current workflow definitions, `workflows/*.scxml`.
    public func workflowFiles() -> [String] {
        DurableFile.list("\(root)/workflows").filter { $0.hasSuffix(".scxml") }.map { "\(root)/workflows/\($0)" }
    }

    /// The pinned copy of a definition by digest.
    public func pinnedWorkflowPath(digest: String) -> String { "\(root)/workflows/pinned/\(digest).scxml" }

    /// Keeps a copy of a definition's bytes under its digest (once; never replaced).
    public func pinWorkflow(_ bytes: [UInt8], digest: String) throws(ArchiveError) {
        let path = pinnedWorkflowPath(digest: digest)
        if DurableFile.exists(path) { return }
        try DurableFile.makeDirectory("\(root)/workflows/pinned")
        do {
            try DurableFile.create(bytes, at: path)
        } catch .alreadyExists {
            return  // another writer pinned the same digest first
        }
    }

    // MARK: - Submissions

    /// References of every submission, sorted. A directory whose `submission.xml` was never
    /// written (creation interrupted) is not a submission; `incompleteSubmissionDirectories`
    /// lists those.
    public func submissionReferences() -> [String] {
        DurableFile.list("\(root)/submissions").filter {
            !$0.hasPrefix(".") && DurableFile.exists("\(submissionDirectory($0))/submission.xml")
        }
    }

    /// Submission directories left without `submission.xml` by an interrupted creation.
    public func incompleteSubmissionDirectories() -> [String] {
        DurableFile.list("\(root)/submissions").filter {
            !$0.hasPrefix(".") && !DurableFile.exists("\(submissionDirectory($0))/submission.xml")
        }
    }

    /// Claims the first free reference `PREFIX-YEAR-NN` by creating its directory (atomic:
    /// two writers never get the same reference).
    public func allocateReference(prefix: String, year: Int) throws(ArchiveError) -> String {
        try DurableFile.makeDirectory("\(root)/submissions")
        // Start after the ones seen; mkdir settles any race or gap.
        var number = DurableFile.list("\(root)/submissions").filter { $0.hasPrefix("\(prefix)-\(year)-") }.count + 1
        while true {
            let reference = "\(prefix)-\(year)-\(number < 10 ? "0" : "")\(number)"
            do {
                try DurableFile.makeNewDirectory(submissionDirectory(reference))
                return reference
            } catch .alreadyExists {
                number += 1
            }
        }
    }

    /// Reserves a submission directory under a reference chosen by its caller (one that a
    /// record names, such as a meeting's minutes).
    ///
    /// - Returns: false when the directory exists already (reserved before, perhaps by a
    ///   writer that stopped before its `submission.xml`: see `hasSubmissionRecord`).
    public func reserveReference(_ reference: String) throws(ArchiveError) -> Bool {
        guard Self.isSafeName(reference) else { throw .invalidInput("'\(reference)' is not a valid reference") }
        try DurableFile.makeDirectory("\(root)/submissions")
        do {
            try DurableFile.makeNewDirectory(submissionDirectory(reference))
            return true
        } catch .alreadyExists {
            return false
        }
    }

    /// Whether a reserved submission directory has its `submission.xml`.
    public func hasSubmissionRecord(_ reference: String) -> Bool {
        Self.isSafeName(reference) && DurableFile.exists("\(submissionDirectory(reference))/submission.xml")
    }

    /// Writes `submission.xml` into an allocated submission directory.
    public func createSubmission(_ record: SubmissionRecord) throws(ArchiveError) {
        let directory = submissionDirectory(record.reference)
        try DurableFile.makeDirectory("\(directory)/events")
        try DurableFile.makeDirectory("\(directory)/documents")
        try DurableFile.create(encode(record.xml, source: "submission.xml"), at: "\(directory)/submission.xml")
    }

    /// A submission's identity and the SHA-256 of its `submission.xml` (the chain's anchor).
    public func submission(_ reference: String) throws(ArchiveError) -> (record: SubmissionRecord, sha256: String) {
        let path = "\(submissionDirectory(reference))/submission.xml"
        guard Self.isSafeName(reference), DurableFile.exists(path) else {
            throw .noSuchSubmission(reference: reference)
        }
        let (document, bytes) = try readDocument(path, root: "submission")
        return (try SubmissionRecord(reading: reader(document, path: path)), Self.sha256(bytes))
    }

    /// One event read from disk, with the SHA-256 of its file.
    public struct ReadEvent: Sendable {
        public var event: StoredEvent
        public var fileSHA256: String
        public var path: String

        public init(event: StoredEvent, fileSHA256: String, path: String) {
            self.event = event
            self.fileSHA256 = fileSHA256
            self.path = path
        }
    }

    /// Every event of a submission in order, each validated, with the hash chain checked.
    ///
    /// - Throws: `.damaged` naming the first file that is invalid, out of sequence, or whose
    ///   `previous` does not match the file before it.
    public func events(_ reference: String, anchor: String) throws(ArchiveError) -> [ReadEvent] {
        let names = DurableFile.list("\(submissionDirectory(reference))/events").filter { !$0.hasPrefix(".") }
        var chain = HashChainWalker(anchor: anchor, anchorName: "submission.xml")
        return try readLinks(of: reference, named: names, chain: &chain)
    }

    /// Reads the event files `names` (in order) as links of `chain`: each validated, numbered
    /// as its name says, of this submission, and linked to the file before.
    func readLinks(of reference: String, named names: some Sequence<String>, chain: inout HashChainWalker)
        throws(ArchiveError) -> [ReadEvent]
    {
        let directory = "\(submissionDirectory(reference))/events"
        var result: [ReadEvent] = []
        for name in names {
            let path = "\(directory)/\(name)"
            let expectedName = chain.expectedName
            let (document, bytes) = try readDocument(path, root: "event")
            let event = try StoredEvent(reading: reader(document, path: path))
            guard chain.enter(name) == nil, chain.isNumbered(recorded: event.sequence) else {
                throw .damaged(path: path, reason: "out of sequence: expected \(expectedName)")
            }
            guard event.submission == reference else {
                throw .damaged(path: path, reason: "belongs to submission \(event.submission)")
            }
            let sha = Self.sha256(bytes)
            guard chain.link(previous: event.previous, sha256: sha) else {
                throw .damaged(path: path, reason: "hash chain broken: previous is not the SHA-256 of the file before")
            }
            result.append(ReadEvent(event: event, fileSHA256: sha, path: path))
        }
        return result
    }

    /// Appends an event as the next file, never replacing one.
    ///
    /// - Throws: `.conflict` if another writer created that event first.
    /// - Returns: the SHA-256 of the written file.
    @discardableResult
    public func appendEvent(_ event: StoredEvent) throws(ArchiveError) -> String {
        let xml = event.xml
        let bytes = try recordBytes(
            xml, schema: try schema(forNamespace: xml.namespace?.uri), source: Self.eventFileName(event.sequence),
            time: event.time)
        do {
            try DurableFile.create(bytes, at: eventPath(event.submission, event.sequence))
        } catch .alreadyExists {
            throw .conflict(reference: event.submission, sequence: event.sequence)
        }
        return Self.sha256(bytes)
    }

    /// The recorded head of a submission's chain: (sequence, SHA-256), or nil if never written.
    public func head(_ reference: String) throws(ArchiveError) -> (sequence: Int, sha256: String)? {
        let path = "\(submissionDirectory(reference))/head.xml"
        guard DurableFile.exists(path) else { return nil }
        let (document, _) = try readDocument(path, root: "head")
        let reader = reader(document, path: path)
        return (try reader.integer("sequence"), try reader.text("sha256"))
    }

    /// Moves the chain head on after an event was appended, without ever failing the change:
    /// the event, already durable, is the record, and the head only a checkpoint of it. A head
    /// that cannot be written (a full disk) is left one event behind, as a crash between the
    /// two writes leaves it: `verify` notes it, and the next event's head repairs it.
    ///
    /// - Returns: whether the head was written.
    @discardableResult
    public func advanceHead(_ reference: String, sequence: Int, sha256: String) -> Bool {
        (try? writeHead(reference, sequence: sequence, sha256: sha256)) != nil
    }

    /// Records the chain head after an event was appended.
    ///
    /// The directory is not fsynced: if a crash loses the rename, the head is one event
    /// behind, which `verify` recognises as an interrupted write and the next event repairs.
    /// That saves one of the four fsyncs a fire would otherwise cost.
    public func writeHead(_ reference: String, sequence: Int, sha256: String) throws(ArchiveError) {
        let element = ArchiveXML.root(
            "head", [ArchiveXML.element("sequence", String(sequence)), ArchiveXML.element("sha256", sha256)])
        try DurableFile.replace(
            encode(element, source: "head.xml"), at: "\(submissionDirectory(reference))/head.xml", syncDirectory: false)
    }

    // MARK: - Documents

    /// Stores a document's content and metadata (content first). Idempotent for the content;
    /// the metadata file is replaced, so callers must only store a document that no event
    /// cites yet (one left by a crash before its event was written).
    /// - Returns: the SHA-256 of the metadata file written, for the event to cite.
    @discardableResult
    public func storeDocument(_ content: [UInt8], metadata: DocumentMetadata) throws(ArchiveError) -> String {
        let directory = documentsDirectory(metadata.submission)
        let contentPath = documentPath(metadata.submission, storedAs: metadata.storedAs)
        // The content and its metadata must be two files: one name for both would let the
        // metadata overwrite the content.
        guard contentPath != metadataPath(metadata.submission, metadata.sha256) else {
            throw .invalidInput("a document's content cannot be stored as \(metadata.storedAs), its metadata's name")
        }
        try DurableFile.makeDirectory(directory)
        do {
            try DurableFile.create(content, at: contentPath)
        } catch .alreadyExists {
            // Content-addressed: an existing file must hold exactly these bytes.
            guard Self.sha256(try DurableFile.read(contentPath)) == metadata.sha256 else {
                throw .damaged(path: contentPath, reason: "exists with different content")
            }
        }
        let bytes = try encode(metadata.xml, source: "\(metadata.sha256).xml")
        try DurableFile.replace(bytes, at: metadataPath(metadata.submission, metadata.sha256))
        return Self.sha256(bytes)
    }

    /// The SHA-256 of a document's metadata file as it is now.
    public func metadataFileSHA256(_ reference: String, sha256: String) throws(ArchiveError) -> String {
        Self.sha256(try DurableFile.read(metadataPath(reference, sha256)))
    }

    /// Takes an exclusive lock on one submission, for writes that must not interleave with
    /// another process's: adding a document replaces an uncited metadata file, which a racing
    /// writer must not do after this one has cited it. Fires need no lock: their only write is
    /// the no-replace link of the next event. The lock ends with `release()` or the process.
    public func lockSubmission(_ reference: String) throws(ArchiveError) -> SubmissionLock {
        guard Self.isSafeName(reference), DurableFile.exists("\(submissionDirectory(reference))/submission.xml") else {
            throw .noSuchSubmission(reference: reference)
        }
        return try Self.exclusiveLock(at: "\(submissionDirectory(reference))/.lock")
    }

    /// The metadata of one document.
    public func documentMetadata(_ reference: String, sha256: String) throws(ArchiveError) -> DocumentMetadata {
        let path = metadataPath(reference, sha256)
        guard Self.isSafeName(reference), Self.isSHA256(sha256), DurableFile.exists(path) else {
            throw .noSuchDocument(reference: reference, sha256: sha256)
        }
        let (document, _) = try readDocument(path, root: "document")
        let metadata = try DocumentMetadata(reading: reader(document, path: path))
        // Never follow a stored name out of the documents directory, whatever the file says.
        guard metadata.sha256 == sha256, Self.isStoredName(metadata.storedAs, of: sha256)
        else {
            throw .damaged(path: path, reason: "names another document's file (\(metadata.storedAs))")
        }
        return metadata
    }

    /// Names in a submission's documents directory.
    public func documentFileNames(_ reference: String) -> [String] {
        DurableFile.list(documentsDirectory(reference))
    }

    // MARK: - Users

    func userPath(_ name: String) -> String { "\(root)/users/\(name).xml" }

    /// Every user, sorted by name.
    public func users() throws(ArchiveError) -> [UserRecord] {
        var users: [UserRecord] = []
        for file in DurableFile.list("\(root)/users") where file.hasSuffix(".xml") && !file.hasPrefix(".") {
            users.append(try user(String(file.dropLast(4))))
        }
        return users
    }

    public func user(_ name: String) throws(ArchiveError) -> UserRecord {
        let path = userPath(name)
        guard Self.isSafeName(name), DurableFile.exists(path) else { throw .noSuchUser(name: name) }
        let (document, _) = try readDocument(path, root: "user")
        return try UserRecord(reading: reader(document, path: path))
    }

    public func createUser(_ user: UserRecord) throws(ArchiveError) {
        try DurableFile.makeDirectory("\(root)/users")
        do {
            try DurableFile.create(encode(user.xml, source: "\(user.name).xml"), at: userPath(user.name))
        } catch .alreadyExists {
            throw .userExists(name: user.name)
        }
    }

    /// Changes a user under an exclusive lock, so two concurrent changes never lose one.
    public func updateUser(_ name: String, _ change: (inout UserRecord) throws(ArchiveError) -> Void)
        throws(ArchiveError)
    {
        let lock = try Self.exclusiveLock(at: "\(root)/users/.lock")
        defer { lock.release() }
        var record = try user(name)
        try change(&record)
        try DurableFile.replace(encode(record.xml, source: "\(name).xml"), at: userPath(name))
    }

    // MARK: - Helpers

    /// Lower-case hex SHA-256.
    public static func sha256(_ bytes: [UInt8]) -> String {
        SHA256.hash(data: bytes).hexadecimal
    }

    /// A name safe to use as one path component: no separators, no leading dot.
    public static func isSafeName(_ name: String) -> Bool {
        !name.isEmpty && name.count <= 64 && !name.hasPrefix(".")
            && name.unicodeScalars.allSatisfy {
                ("A"..."Z").contains($0) || ("a"..."z").contains($0) || ("0"..."9").contains($0)
                    || "-_.".unicodeScalars.contains($0)
            }
    }

    /// Whether `name` is `SHA256.ext` for this document (ext: 1–10 of a-z, 0-9): never a path.
    public static func isStoredName(_ name: String, of sha256: String) -> Bool {
        guard name.hasPrefix(sha256 + ".") else { return false }
        let fileExtension = name.dropFirst(sha256.count + 1)
        return (1...10).contains(fileExtension.count)
            && fileExtension.unicodeScalars.allSatisfy { ("a"..."z").contains($0) || ("0"..."9").contains($0) }
    }

    public static func isSHA256(_ text: String) -> Bool {
        text.count == 64 && text.unicodeScalars.allSatisfy { ("0"..."9").contains($0) || ("a"..."f").contains($0) }
    }
}

/// An exclusive `flock` held on an archive lock file: a submission's, the users' or the sign-in
/// secrets' (see `ArchiveStore.exclusiveLock(at:mode:)`).
public final class SubmissionLock {
    private var descriptor: Int32

    init(descriptor: Int32) {
        self.descriptor = descriptor
    }

    /// Releases the lock (also done when the lock is deallocated).
    public func release() {
        if descriptor >= 0 {
            close(descriptor)
            descriptor = -1
        }
    }

    deinit {
        release()
    }
}
