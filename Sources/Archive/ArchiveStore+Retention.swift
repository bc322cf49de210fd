import Foundation
import Glibc
import XML

/// The retention records on disk: `retention/schedule.xml`, the retention log
/// `retention/log/NNNNNN.xml` and the certificates `retention/certificates/LIST.xml`, all
/// valid against `schema/docket-retention-1.xsd`; and the one destructive write the archive
/// has, removing a destroyed document's content file.
extension ArchiveStore {
    public var retentionLogDirectory: String { "\(root)/retention/log" }
    public var retentionSchedulePath: String { "\(root)/\(Self.retentionScheduleFile)" }

    /// The path of a list's certificate.
    public func certificatePath(_ list: String) -> String { "\(root)/retention/certificates/\(list).xml" }

    /// The retention schedule, or nil when the archive has none.
    ///
    /// - Throws: `.damaged` for a schedule that is not valid, or an archive without the
    ///   retention schema (with the way to add it).
    public func retentionSchedule() throws(ArchiveError) -> RetentionSchedule? {
        let path = retentionSchedulePath
        guard DurableFile.exists(path) else { return nil }
        let schema = try familySchemas.require(.retention, root: root)
        let bytes = try DurableFile.read(path, limit: XMLParseOptions.defaultMaximumInputSize)
        let node = try Self.validatedRoot(bytes, path: path, schema: schema, name: "schedule")
        return try RetentionSchedule(
            reading: ElementReader(node: node, path: path, namespace: RetentionXML.namespace.uri))
    }

    /// Replaces the retention schedule (validated first: an invalid one is never written).
    ///
    /// - Returns: the SHA-256 of the file written.
    @discardableResult
    public func writeRetentionSchedule(_ schedule: RetentionSchedule) throws(ArchiveError) -> String {
        let schema = try familySchemas.require(.retention, root: root)
        let bytes = try Self.encode(schedule.xml, schema: schema, source: "schedule.xml")
        try DurableFile.makeDirectory("\(root)/retention")
        try DurableFile.replace(bytes, at: retentionSchedulePath)
        return Self.sha256(bytes)
    }

    /// The SHA-256 of the schedule file as it is now (what a list made now is made under).
    public func retentionScheduleSHA256() throws(ArchiveError) -> String {
        Self.sha256(try DurableFile.read(retentionSchedulePath, limit: XMLParseOptions.defaultMaximumInputSize))
    }

    /// Takes the retention lock: held while a step decides from the retention log and writes on
    /// that decision (placing a hold; checking for one and then recording a disposal), so that
    /// a hold can never slip in between a disposal's check and its write.
    public func lockRetention() throws(ArchiveError) -> SubmissionLock {
        try DurableFile.makeDirectory("\(root)/retention")
        return try Self.exclusiveLock(at: "\(root)/retention/.lock")
    }

    /// Every entry of the retention log, in order, each validated, with the chain checked.
    public func retentionLog() throws(ArchiveError) -> [(entry: RetentionLogEntry, fileSHA256: String, path: String)] {
        guard DurableFile.exists(retentionLogDirectory) else { return [] }
        let schema = try familySchemas.require(.retention, root: root)
        return try readChainedLog(
            retentionLogDirectory, schema: schema, namespace: RetentionXML.namespace.uri,
            as: RetentionLogEntry.self)
    }

    /// Appends an entry to the retention log, never replacing one.
    ///
    /// - Throws: `.conflict` if another writer created that entry first.
    @discardableResult
    public func appendRetentionLogEntry(_ entry: RetentionLogEntry) throws(ArchiveError) -> String {
        let schema = try familySchemas.require(.retention, root: root)
        return try appendChainedLogEntry(
            entry.xml, sequence: entry.sequence, in: retentionLogDirectory, schema: schema, logName: "retention log",
            time: entry.at)
    }

    /// Writes a list's certificate once. A certificate already there (written by a run that was
    /// then interrupted) is kept and its SHA-256 returned: the records it lists are the same.
    ///
    /// - Returns: the SHA-256 of the certificate file.
    public func writeCertificate(_ certificate: DisposalCertificate) throws(ArchiveError) -> String {
        let schema = try familySchemas.require(.retention, root: root)
        let path = certificatePath(certificate.list)
        guard Self.isSafeName(certificate.list) else { throw .invalidInput("'\(certificate.list)' is no list id") }
        if DurableFile.exists(path) { return Self.sha256(try DurableFile.read(path)) }
        let bytes = try Self.encode(certificate.xml, schema: schema, source: "\(certificate.list).xml")
        try DurableFile.makeDirectory("\(root)/retention/certificates")
        do {
            try DurableFile.create(bytes, at: path)
        } catch .alreadyExists {
            return Self.sha256(try DurableFile.read(path))
        }
        return Self.sha256(bytes)
    }

    /// A list's certificate and its file's SHA-256, or nil when it has none.
    public func certificate(_ list: String) throws(ArchiveError) -> (certificate: DisposalCertificate, sha256: String)?
    {
        guard Self.isSafeName(list) else { return nil }
        let path = certificatePath(list)
        guard DurableFile.exists(path) else { return nil }
        let schema = try familySchemas.require(.retention, root: root)
        let bytes = try DurableFile.read(path, limit: XMLParseOptions.defaultMaximumInputSize)
        let node = try Self.validatedRoot(bytes, path: path, schema: schema, name: "certificate")
        let certificate = try DisposalCertificate(
            reading: ElementReader(node: node, path: path, namespace: RetentionXML.namespace.uri))
        return (certificate, Self.sha256(bytes))
    }

    /// Every certificate file's list id, sorted.
    public func certificateLists() -> [String] {
        DurableFile.list("\(root)/retention/certificates").filter { $0.hasSuffix(".xml") && !$0.hasPrefix(".") }
            .map { String($0.dropLast(4)) }
    }

    /// Removes a destroyed document's content file (its metadata file stays) and makes the
    /// removal durable. Call only after the event recording the destruction is written: a
    /// crash between the two leaves the content present under a disposal event, which the next
    /// run of the list removes; never a missing file that no event explains.
    ///
    /// - Returns: whether a file was removed (false: already gone).
    @discardableResult
    public func removeDestroyedContent(_ reference: String, storedAs: String, sha256: String) throws(ArchiveError)
        -> Bool
    {
        guard Self.isSafeName(reference), Self.isStoredName(storedAs, of: sha256) else {
            throw .invalidInput("'\(storedAs)' is not a document's content file")
        }
        let path = documentPath(reference, storedAs: storedAs)
        if unlink(path) != 0 {
            let code = errno
            if code == ENOENT { return false }
            throw .io(path: path, operation: "unlink", reason: String(cString: strerror(code)))
        }
        try DurableFile.sync(directory: documentsDirectory(reference))
        return true
    }

    /// Removes the copy an arrived email keeps of a destroyed document: the message itself
    /// (`message.eml`) or one of its attachments (`sha256` with its stored name). The message's
    /// catalogue card and arrival stay; `verifyCorrespondence` expects the file gone when the
    /// document was destroyed.
    ///
    /// - Parameter message: the SHA-256 of the email the copy belongs to.
    /// - Returns: whether a file was removed.
    @discardableResult
    public func removeArrivalCopy(of sha256: String, storedAs: String, inMessage message: String) throws(ArchiveError)
        -> Bool
    {
        guard Self.isSHA256(message), Self.isSHA256(sha256) else { throw .invalidInput("not a message's SHA-256") }
        let path: String
        if sha256 == message {
            path = incomingMessagePath(message)
        } else {
            guard Self.isStoredName(storedAs, of: sha256) else { throw .invalidInput("'\(storedAs)' is no attachment") }
            path = "\(messageDirectory(message))/\(storedAs)"
        }
        if unlink(path) != 0 {
            let code = errno
            if code == ENOENT { return false }
            throw .io(path: path, operation: "unlink", reason: String(cString: strerror(code)))
        }
        try DurableFile.sync(directory: messageDirectory(message))
        return true
    }
}
