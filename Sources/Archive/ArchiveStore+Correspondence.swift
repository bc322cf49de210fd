import Foundation
import XML

/// Email that arrived, kept as it came (`schema/docket-correspondence-1.xsd`):
///
///     correspondence/messages/SHA256/message.eml   the bytes as delivered
///     correspondence/messages/SHA256/message.xml   what was read from its headers
///     correspondence/messages/SHA256/PART.ext      each attachment, decoded
///     correspondence/messages/SHA256/arrived       the number of its log entry
///     correspondence/log/NNNNNN.xml                one arrival each, hash-chained
///
/// The order of writes is what makes a delivery safe to kill at any moment: the message's
/// bytes first, then its attachments and catalogue card, then the log entry (the moment it
/// counts as archived), then the `arrived` marker that lets the next delivery of the same
/// bytes see at once that it is a duplicate. Killed before the entry, a delivery has archived
/// nothing that counts, and the MTA's retry completes the same directory; killed between the
/// entry and the marker, the next delivery repairs the marker before it looks for duplicates.
extension ArchiveStore {
    static let correspondenceDirectory = "correspondence"
    static let arrivalLogDirectory = "correspondence/log"

    public func messageDirectory(_ sha256: String) -> String { "\(root)/correspondence/messages/\(sha256)" }

    /// The path of an arrived message's `.eml`.
    public func incomingMessagePath(_ sha256: String) -> String { "\(messageDirectory(sha256))/message.eml" }

    private func arrivalMarkerPath(_ sha256: String) -> String { "\(messageDirectory(sha256))/arrived" }

    /// Takes the correspondence lock, waiting at most `timeout`: deliveries are serialised so
    /// that the log's numbering and the duplicate check see each other's work.
    ///
    /// - Throws: `.busy` when another process held it throughout (an MTA should try later).
    public func lockCorrespondence(timeout: Duration = .seconds(60)) throws(ArchiveError) -> SubmissionLock {
        try DurableFile.makeDirectory("\(root)/\(Self.correspondenceDirectory)")
        return try Self.exclusiveLock(at: "\(root)/\(Self.correspondenceDirectory)/.lock", timeout: timeout)
    }

    /// Stores a message's bytes as `message.eml` in its own directory, before anything is read
    /// from them. Idempotent: an existing file must hold exactly these bytes.
    ///
    /// - Returns: the SHA-256 that names it.
    @discardableResult
    public func storeIncomingMessage(_ bytes: [UInt8]) throws(ArchiveError) -> String {
        let sha = Self.sha256(bytes)
        try DurableFile.makeDirectory(messageDirectory(sha))
        try createOrConfirm(bytes, sha256: sha, at: incomingMessagePath(sha))
        return sha
    }

    /// Stores one attachment's decoded bytes beside its message (idempotent).
    public func storeMessageAttachment(_ bytes: [UInt8], of message: String, as attachment: MessageAttachment)
        throws(ArchiveError)
    {
        guard Self.isSHA256(message), Self.isStoredName(attachment.storedAs, of: attachment.sha256),
            Self.sha256(bytes) == attachment.sha256
        else { throw .invalidInput("an attachment must be stored under its own SHA-256") }
        try createOrConfirm(bytes, sha256: attachment.sha256, at: "\(messageDirectory(message))/\(attachment.storedAs)")
    }

    private func createOrConfirm(_ bytes: [UInt8], sha256: String, at path: String) throws(ArchiveError) {
        do {
            try DurableFile.create(bytes, at: path)
        } catch .alreadyExists {
            guard Self.sha256(try DurableFile.read(path)) == sha256 else {
                throw .damaged(path: path, reason: "exists with different content")
            }
        }
    }

    /// Writes a message's catalogue card. It may replace one left by an interrupted delivery,
    /// never one whose arrival is recorded (whose SHA-256 the log has fixed).
    ///
    /// - Returns: the SHA-256 of the file written, for the log entry to cite.
    public func writeIncomingMessageRecord(_ record: IncomingMessageRecord) throws(ArchiveError) -> String {
        guard !hasArrived(record.sha256) else {
            throw .alreadyExists(path: "\(messageDirectory(record.sha256))/message.xml")
        }
        let bytes = try Self.encode(
            record.xml, schema: try familySchemas.require(.correspondence, root: root), source: "message.xml")
        try DurableFile.replace(bytes, at: "\(messageDirectory(record.sha256))/message.xml")
        return Self.sha256(bytes)
    }

    /// Whether the message's arrival is recorded (it counts as archived).
    public func hasArrived(_ sha256: String) -> Bool {
        Self.isSHA256(sha256) && DurableFile.exists(arrivalMarkerPath(sha256))
    }

    /// The number of the arrival log's last entry (0 for none). Listing the log costs one
    /// directory read per email already archived — at 10,000 emails that made an import
    /// quadratic (measured: 21 ms a message at 200, 110 ms at 9,000). So the number this process
    /// saw last is probed on from (`000124.xml` exists? then `000125.xml`? …): one `stat` per
    /// entry added since, by this process or another. Only when the hint's own file is gone
    /// (a log replaced from a backup) is the directory listed again.
    func arrivalLogTail() -> Int {
        let directory = "\(root)/\(Self.arrivalLogDirectory)"
        func exists(_ number: Int) -> Bool { DurableFile.exists("\(directory)/\(Self.eventFileName(number))") }
        var last = arrivalTailHint.withLock { $0.tail }
        if last > 0, !exists(last) { last = 0 }
        if last == 0 {
            last = DurableFile.list(directory).compactMap(HashChainWalker.number).max() ?? 0
        }
        while exists(last + 1) { last += 1 }
        let found = last
        arrivalTailHint.withLock { $0.tail = found }
        return found
    }

    /// Records an arrival as the log's next entry, then the message's marker. Call with the
    /// correspondence lock held, after `completeInterruptedArrival()`.
    public func appendArrival(message: String, metadataSHA256: String, actor: ActorStamp, time: Date)
        throws(ArchiveError) -> ArrivalEntry
    {
        let directory = "\(root)/\(Self.arrivalLogDirectory)"
        let last = arrivalLogTail()
        let entry = ArrivalEntry(
            sequence: last + 1,
            previous: last == 0
                ? String(repeating: "0", count: 64)
                : Self.sha256(try DurableFile.read("\(directory)/\(Self.eventFileName(last))")),
            time: time, actor: actor, message: message, metadataSHA256: metadataSHA256)
        try appendChainedLogEntry(
            entry.xml, sequence: entry.sequence, in: directory,
            schema: try familySchemas.require(.correspondence, root: root), logName: Self.arrivalLogDirectory,
            time: entry.time)
        try DurableFile.replace(Array("\(entry.sequence)\n".utf8), at: arrivalMarkerPath(message))
        arrivalTailHint.withLock { $0 = (entry.sequence, entry.sequence, message) }
        return entry
    }

    /// Writes the marker of the log's last arrival if a delivery was killed between the entry
    /// and its marker (only the last can be: arrivals are appended under the lock, one at a time).
    public func completeInterruptedArrival() throws(ArchiveError) {
        let directory = "\(root)/\(Self.arrivalLogDirectory)"
        let last = arrivalLogTail()
        // This process saw that entry's marker (the usual case in an import), and it is still
        // there: nothing to read.
        let known = arrivalTailHint.withLock { (marked: $0.marked, message: $0.message) }
        guard last > 0, known.marked != last || !hasArrived(known.message) else { return }
        let path = "\(directory)/\(Self.eventFileName(last))"
        let root = try Self.validatedRoot(
            try DurableFile.read(path, limit: XMLParseOptions.defaultMaximumInputSize), path: path,
            schema: try familySchemas.require(.correspondence, root: self.root), name: "entry")
        let entry = try ArrivalEntry(
            reading: ElementReader(node: root, path: path, namespace: CorrespondenceXML.namespace.uri))
        if !hasArrived(entry.message) {
            try DurableFile.replace(Array("\(entry.sequence)\n".utf8), at: arrivalMarkerPath(entry.message))
        }
        arrivalTailHint.withLock {
            $0.marked = last
            $0.message = entry.message
        }
    }

    /// The log's arrivals after entry `sequence` (all from 0), validated and chained on from
    /// `previous` (the SHA-256 of entry `sequence`'s file; ignored for 0).
    ///
    /// - Throws: `.damaged` if an entry is invalid or does not chain on (the caller re-reads
    ///   the whole log).
    public func arrivals(after sequence: Int = 0, previous: String? = nil) throws(ArchiveError)
        -> [(entry: ArrivalEntry, fileSHA256: String)]
    {
        let directory = "\(root)/\(Self.arrivalLogDirectory)"
        guard DurableFile.exists(directory) else { return [] }
        let schema = try familySchemas.require(.correspondence, root: root)
        var result: [(entry: ArrivalEntry, fileSHA256: String)] = []
        var expectedPrevious = sequence == 0 ? String(repeating: "0", count: 64) : previous
        // From the start (verify, a rebuild): every file, so a gap or a stray name is found. On
        // from a known entry (an index catching up): the next numbers, without listing the log.
        let names =
            sequence == 0
            ? DurableFile.list(directory)
            : (sequence + 1..<max(sequence + 1, arrivalLogTail() + 1)).map(Self.eventFileName)
        for name in names {
            guard let number = HashChainWalker.number(name), number > sequence else { continue }
            let path = "\(directory)/\(name)"
            let bytes = try DurableFile.read(path, limit: XMLParseOptions.defaultMaximumInputSize)
            let root = try Self.validatedRoot(bytes, path: path, schema: schema, name: "entry")
            let entry = try ArrivalEntry(
                reading: ElementReader(node: root, path: path, namespace: CorrespondenceXML.namespace.uri))
            guard entry.sequence == number, number == sequence + result.count + 1 else {
                throw .damaged(
                    path: path, reason: "out of sequence: expected \(Self.eventFileName(sequence + result.count + 1))")
            }
            if let expectedPrevious, entry.previous != expectedPrevious {
                throw .damaged(path: path, reason: "hash chain broken: previous is not the SHA-256 of the file before")
            }
            let sha = Self.sha256(bytes)
            expectedPrevious = sha
            result.append((entry, sha))
        }
        return result
    }

    /// A message's catalogue card, validated.
    public func incomingMessageRecord(_ sha256: String) throws(ArchiveError) -> IncomingMessageRecord {
        guard Self.isSHA256(sha256), DurableFile.exists("\(messageDirectory(sha256))/message.xml") else {
            throw .invalidInput("no message \(sha256) in this archive's correspondence")
        }
        let path = "\(messageDirectory(sha256))/message.xml"
        let root = try Self.validatedRoot(
            try DurableFile.read(path, limit: XMLParseOptions.defaultMaximumInputSize), path: path,
            schema: try familySchemas.require(.correspondence, root: self.root), name: "message")
        let record = try IncomingMessageRecord(
            reading: ElementReader(node: root, path: path, namespace: CorrespondenceXML.namespace.uri))
        guard record.sha256 == sha256 else { throw .damaged(path: path, reason: "describes another message") }
        return record
    }

    /// The SHA-256 of a message's catalogue card as it is now.
    public func incomingMessageRecordSHA256(_ sha256: String) throws(ArchiveError) -> String {
        Self.sha256(try DurableFile.read("\(messageDirectory(sha256))/message.xml"))
    }

    /// An arrived message's bytes, checked against its name.
    public func incomingMessageBytes(_ sha256: String, limit: Int = 1 << 34) throws(ArchiveError) -> [UInt8] {
        guard Self.isSHA256(sha256) else { throw .invalidInput("'\(sha256)' is not a message's SHA-256") }
        let bytes = try DurableFile.read(incomingMessagePath(sha256), limit: limit)
        guard Self.sha256(bytes) == sha256 else {
            throw .damaged(path: incomingMessagePath(sha256), reason: "content changed")
        }
        return bytes
    }

    /// One attachment's bytes, checked against its name.
    public func messageAttachmentBytes(_ attachment: MessageAttachment, of message: String) throws(ArchiveError)
        -> [UInt8]
    {
        guard Self.isSHA256(message), Self.isStoredName(attachment.storedAs, of: attachment.sha256) else {
            throw .invalidInput("no such attachment")
        }
        let path = "\(messageDirectory(message))/\(attachment.storedAs)"
        let bytes = try DurableFile.read(path)
        guard Self.sha256(bytes) == attachment.sha256 else { throw .damaged(path: path, reason: "content changed") }
        return bytes
    }

    /// Checks the correspondence: the log valid and chained; each arrival's message, card and
    /// attachments present and unchanged; each marker naming its entry; a message directory
    /// with no arrival (an interrupted delivery) is a note.
    ///
    /// - Returns: findings, paths relative to the archive; none without correspondence.
    ///
    /// - Parameter destroyed: the documents destroyed under disposal lists (by SHA-256): their
    ///   copies here are expected to be gone.
    public func verifyCorrespondence(destroyed: Set<String> = []) -> [VerificationFinding] {
        let messages = "\(root)/correspondence/messages"
        guard DurableFile.exists("\(root)/\(Self.correspondenceDirectory)") else { return [] }
        var findings: [VerificationFinding] = []
        var arrived: [String: Int] = [:]
        do {
            for (entry, _) in try arrivals() {
                let directory = messageDirectory(entry.message)
                if arrived.updateValue(entry.sequence, forKey: entry.message) != nil {
                    findings.append(problem(directory, "arrived twice in the log (entry \(entry.sequence))"))
                }
                do {
                    if !(destroyed.contains(entry.message) && !DurableFile.exists(incomingMessagePath(entry.message))) {
                        _ = try incomingMessageBytes(entry.message)
                    }
                    guard try incomingMessageRecordSHA256(entry.message) == entry.metadataSHA256 else {
                        findings.append(problem("\(directory)/message.xml", "changed since it arrived"))
                        continue
                    }
                    let record = try incomingMessageRecord(entry.message)
                    for attachment in record.attachments
                    where
                        !(destroyed.contains(attachment.sha256)
                        && !DurableFile.exists("\(directory)/\(attachment.storedAs)"))
                    {
                        _ = try messageAttachmentBytes(attachment, of: entry.message)
                    }
                } catch .damaged(let path, let reason) {
                    findings.append(problem(path, reason))
                } catch {
                    findings.append(problem(directory, "\(error)"))
                }
                let marker = (try? DurableFile.read(arrivalMarkerPath(entry.message), limit: 64))
                    .map { String(decoding: $0, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines) }
                if marker != String(entry.sequence) {
                    findings.append(
                        VerificationFinding(
                            severity: marker == nil ? .note : .problem,
                            path: relative(arrivalMarkerPath(entry.message)),
                            message: marker == nil
                                ? "missing (a delivery stopped after its log entry; the next delivery writes it)"
                                : "names entry \(marker ?? ""), not \(entry.sequence)"))
                }
            }
        } catch .damaged(let path, let reason) {
            findings.append(problem(path, reason))
        } catch {
            findings.append(problem("\(root)/\(Self.arrivalLogDirectory)", "\(error)"))
        }
        for name in DurableFile.list(messages) where arrived[name] == nil {
            if DurableFile.exists(arrivalMarkerPath(name)) {
                findings.append(problem(arrivalMarkerPath(name), "marked as arrived, but the log has no entry for it"))
            } else {
                findings.append(
                    VerificationFinding(
                        severity: .note, path: relative("\(messages)/\(name)"),
                        message: "a delivery that did not finish (the MTA's retry completes it)"))
            }
        }
        return findings
    }
}
