import Archive
import Foundation
import Index
import Mail
import Workflow

/// What happened to a message handed to Docket.
public struct MessageArrival: Sendable {
    /// The SHA-256 of its bytes: its name in the archive.
    public var sha256: String
    /// What Docket read from it (for a duplicate, what was read when it first arrived).
    public var record: IncomingMessageRecord
    /// The same bytes had arrived before: nothing new was archived.
    public var isDuplicate: Bool
    /// The submission it is filed to, and how, if any rule (or the caller) placed it.
    public var filedTo: String?
    public var rule: FilingRule?
}

extension DocketArchive {
    /// The Docket user name that mail arriving on its own is recorded as (no person did it).
    public static let mailIntakeUser = "mail-intake"

    /// Archives one email exactly as it came, then reads it, then files it.
    ///
    /// The bytes are stored before anything is parsed out of them, so no parser failure can
    /// lose a letter: a message Docket cannot read is archived flagged with the reason. The same
    /// bytes delivered again are recognised (`isDuplicate`) and archived once; the same
    /// Message-ID with other bytes is archived again and flagged. The message is filed to a
    /// submission by `submission` when given, else by a plus address (`docket+REF@…`), the
    /// reference in its subject, or a reply to a message filed to (or sent by Docket about) a
    /// submission; otherwise it waits in the unfiled tray. Filing records the message and its
    /// attachments in the submission's history, outside its pack.
    ///
    /// - Parameters:
    ///   - route: how it reached Docket.
    ///   - source: where it was read from (a file, an mbox and offset), for the record.
    ///   - submission: file it here (a reference that does not exist leaves it unfiled: the
    ///     letter is kept either way).
    ///   - user: the Docket user who handed it over (an upload); nil for mail arriving on its own.
    ///   - flags: what the caller already knows (e.g. converted from Outlook).
    ///   - envelopeRecipients: the addresses the MTA delivered it to (a plus address there files it).
    ///   - lockTimeout: how long to wait for another delivery to finish before giving up with
    ///     `.archive(.busy)` (an MTA then tries again later).
    ///   - original: the file the message was converted from (an Outlook .msg), kept beside it
    ///     as its attachment with part `0`: nothing as it came is lost.
    /// - Throws: `.archive(.busy)` when another delivery held the lock throughout (try later);
    ///   `.invalidInput` for an empty message or one over the archive's document limit.
    @discardableResult
    public func receiveMessage(
        _ bytes: [UInt8], route: MessageRoute, source: String? = nil, submission: String? = nil,
        as user: String? = nil, flags: [MessageFlag] = [], envelopeRecipients: [String] = [],
        convertedFrom original: (fileName: String, bytes: [UInt8])? = nil, lockTimeout: Duration = .seconds(60)
    ) throws(DocketError) -> MessageArrival {
        guard !bytes.isEmpty else { throw .invalidInput("the message is empty; nothing to archive") }
        guard bytes.count <= Self.maximumDocumentSize else {
            throw .invalidInput(
                Wording.overSizeLimit("the message", bytes: bytes.count, limit: Self.maximumDocumentSize))
        }
        let stamp = try intakeStamp(for: user)
        try archive { () throws(ArchiveError) in
            try store.requireSchema(.correspondence)
            try store.requireSchema(.archiveFormat4)
        }
        let arrival = try archive { () throws(ArchiveError) -> (record: IncomingMessageRecord, duplicate: Bool) in
            let lock = try store.lockCorrespondence(timeout: lockTimeout)
            defer { lock.release() }
            try store.completeInterruptedArrival()
            let sha = ArchiveStore.sha256(bytes)
            if store.hasArrived(sha) { return (try store.incomingMessageRecord(sha), true) }
            // First the bytes, durably; only then is anything read from them.
            try store.storeIncomingMessage(bytes)
            var record = try catalogue(
                bytes, sha256: sha, route: route, source: source, stamp: stamp, knownFlags: flags)
            if let original {
                let originalSHA = ArchiveStore.sha256(original.bytes)
                let kept = MessageAttachment(
                    sha256: originalSHA,
                    storedAs:
                        "\(originalSHA).\(MediaType.storedExtension(of: original.fileName, content: original.bytes))",
                    fileName: MessagePart.safeFileName(original.fileName),
                    mediaType: MediaType.of(fileName: original.fileName, content: original.bytes),
                    size: original.bytes.count, part: "0")
                try store.storeMessageAttachment(original.bytes, of: sha, as: kept)
                record.attachments.insert(kept, at: 0)
            }
            let metadataSHA256 = try store.writeIncomingMessageRecord(record)
            _ = try store.appendArrival(
                message: sha, metadataSHA256: metadataSHA256, actor: stamp, time: record.received)
            return (record, false)
        }
        syncArrivalsQuietly()
        var result = MessageArrival(
            sha256: arrival.record.sha256, record: arrival.record, isDuplicate: arrival.duplicate)
        if let (reference, rule) = try filingTarget(
            for: arrival.record, named: submission, envelope: envelopeRecipients)
        {
            try fileMessage(arrival.record, to: reference, rule: rule, stamp: stamp)
            result.filedTo = reference
            result.rule = rule
        } else {
            // Filed before (by an earlier delivery of these bytes, or an officer): say where.
            result.filedTo = (try? index().arrivedMessage(arrival.record.sha256))?.filedTo
        }
        return result
    }

    private func intakeStamp(for user: String?) throws(DocketError) -> ActorStamp {
        guard let user else { return ActorStamp(user: Self.mailIntakeUser, role: nil, systemUser: systemUser) }
        let grant = try require(Self.documentRoles, of: user, to: "add correspondence")
        return ActorStamp(user: user, role: grant.role, onBehalfOf: grant.onBehalfOf, systemUser: systemUser)
    }

    /// Reads the message (within limits) into its catalogue card, storing each attachment. A
    /// message that cannot be read gets a card saying why, and no attachments.
    private func catalogue(
        _ bytes: [UInt8], sha256: String, route: MessageRoute, source: String?, stamp: ActorStamp,
        knownFlags: [MessageFlag]
    ) throws(ArchiveError) -> IncomingMessageRecord {
        var record = IncomingMessageRecord(
            sha256: sha256, size: bytes.count, received: now(), receivedBy: stamp, route: route, source: source,
            from: [], to: [], cc: [], date: nil, sent: nil, subject: nil, messageID: nil, inReplyTo: [],
            references: [], flags: knownFlags, attachments: [])
        let parsed: ParsedMessage
        do {
            parsed = try ParsedMessage(bytes: bytes, limits: messageLimits)
        } catch {
            record.flags.append(MessageFlag(kind: .unparsed, detail: "\(error)"))
            return record
        }
        let headers = parsed.headers
        record.from = headers.values("From")
        record.to = headers.values("To")
        record.cc = headers.values("Cc")
        record.date = headers["Date"]
        record.sent = parsed.date
        record.subject = parsed.subject
        record.messageID = parsed.messageID.flatMap { $0.isEmpty ? nil : $0 }
        record.inReplyTo = parsed.inReplyTo
        record.references = parsed.references
        record.flags += parsed.problems.prefix(20).map { MessageFlag(kind: .defect, detail: $0) }
        if let id = record.messageID, let others = try? index().arrivedMessages(withID: id), !others.isEmpty {
            let names = others.prefix(3).map { String($0.sha256.prefix(12)) }.joined(separator: ", ")
            record.flags.append(
                MessageFlag(
                    kind: .messageIDReused,
                    detail: "the Message-ID <\(id)> was already archived with other bytes (\(names))"))
        }
        var number = 0
        for (position, part) in Self.numberedParts(parsed.root) where part.isAttachment && !part.body.isEmpty {
            number += 1
            let name = part.safeFileName ?? "attachment-\(number)"
            let attachmentSHA = ArchiveStore.sha256(part.body)
            let declared = part.contentType.lowercased()
            let mediaType =
                declared == MediaType.unknown || declared.isEmpty
                ? MediaType.of(fileName: name, content: part.body) : declared
            let attachment = MessageAttachment(
                sha256: attachmentSHA,
                storedAs: "\(attachmentSHA).\(MediaType.storedExtension(of: name, content: part.body))",
                fileName: name, mediaType: mediaType, size: part.body.count, part: position)
            try store.storeMessageAttachment(part.body, of: sha256, as: attachment)
            record.attachments.append(attachment)
        }
        return record
    }

    /// Every part with its place in the MIME tree (`1`, `2.1` …; the root is `0`).
    static func numberedParts(_ root: MessagePart) -> [(String, MessagePart)] {
        var result: [(String, MessagePart)] = []
        func visit(_ part: MessagePart, _ position: String) {
            result.append((position, part))
            for (offset, child) in part.children.enumerated() {
                visit(child, position == "0" ? "\(offset + 1)" : "\(position).\(offset + 1)")
            }
        }
        visit(root, "0")
        return result
    }

    // MARK: - Filing rules

    /// Where a message belongs, by the first rule that names an existing submission: the one
    /// named by the caller, a plus address, the subject's reference, a reply. Nil if none does,
    /// or if it is filed already.
    func filingTarget(for record: IncomingMessageRecord, named: String?, envelope: [String] = [])
        throws(DocketError) -> (String, FilingRule)?
    {
        if (try? index().arrivedMessage(record.sha256))?.filedTo != nil { return nil }
        if let named, ArchiveStore.isSafeName(named), store.fingerprint(named) != nil { return (named, .named) }
        for address in envelope + record.to + record.cc {
            for reference in Self.plusAddressReferences(in: address) where store.fingerprint(reference) != nil {
                return (reference, .plusAddress)
            }
        }
        if let subject = record.subject {
            for candidate in Self.referenceCandidates(in: subject) where store.fingerprint(candidate) != nil {
                return (candidate, .subjectReference)
            }
        }
        if let reference = try repliedSubmission(record) { return (reference, .reply) }
        return nil
    }

    /// References named by `docket+REF@…` addresses in a header's text.
    static func plusAddressReferences(in text: String) -> [String] {
        var found: [String] = []
        for token in text.split(whereSeparator: { " <>,;\"'()\t\r\n".contains($0) }) where token.contains("@") {
            let local = token.prefix { $0 != "@" }
            guard let plus = local.firstIndex(of: "+") else { continue }
            let candidate = String(local[local.index(after: plus)...])
            if ArchiveStore.isSafeName(candidate) { found.append(candidate) }
        }
        return found
    }

    /// Words of a subject that could be submission references (`BVP-2016-03`): letters, digits,
    /// dots, hyphens and underscores with at least one hyphen and one digit.
    static func referenceCandidates(in subject: String) -> [String] {
        subject.split(whereSeparator: { !($0.isLetter || $0.isNumber || "-._".contains($0)) })
            .map { String($0).trimmingCharacters(in: CharacterSet(charactersIn: ".-_")) }
            .filter { $0.contains("-") && $0.contains(where: \.isNumber) && ArchiveStore.isSafeName($0) }
    }

    /// The submission a reply belongs to: that of a message it answers that is filed, or of a
    /// message Docket sent about a submission (the outbox records what each was about).
    private func repliedSubmission(_ record: IncomingMessageRecord) throws(DocketError) -> String? {
        let parents = record.inReplyTo + record.references.reversed()
        guard !parents.isEmpty else { return nil }
        let index = try index()
        for id in parents {
            let known = try indexCall { () throws(IndexError) in try index.arrivedMessages(withID: id) }
            if let filed = known.compactMap(\.filedTo).first { return filed }
        }
        let wanted = Set(parents)
        for day in store.outboxDays().reversed() {
            let entries = try archive { () throws(ArchiveError) in try store.mailEntries(.outbox(day: day)) }
            for read in entries {
                if case .decided(let message) = read.entry.record, wanted.contains(message.messageID),
                    let about = message.about, store.fingerprint(about) != nil
                {
                    return about
                }
            }
        }
        return nil
    }

    // MARK: - The index's copy of the arrival log

    /// Reads arrivals the index has not seen (from the start if the log no longer chains on).
    func syncArrivals(_ index: SearchIndex) throws(DocketError) {
        guard DurableFile.exists("\(store.root)/correspondence/log") else { return }
        let known = try indexCall { () throws(IndexError) in try index.arrivalsRead() }
        var read: [(entry: ArrivalEntry, fileSHA256: String)]
        do {
            read = try store.arrivals(after: known?.sequence ?? 0, previous: known?.sha256)
        } catch {
            // Rewritten behind the index's back: read it all again (verify reports the damage).
            try indexCall { () throws(IndexError) in try index.forgetArrivals() }
            read = (try? store.arrivals()) ?? []
        }
        for chunk in stride(from: 0, to: read.count, by: 500).map({ Array(read[$0..<min($0 + 500, read.count)]) }) {
            var messages: [IndexedMessage] = []
            for (entry, _) in chunk {
                guard let record = try? store.incomingMessageRecord(entry.message) else { continue }
                messages.append(
                    IndexedMessage(
                        sha256: record.sha256, arrival: entry.sequence, messageID: record.messageID,
                        subject: record.subject, sender: record.from.first, sent: record.sent,
                        received: record.received, route: record.route.rawValue,
                        flags: record.flags.map(\.kind.rawValue), attachments: record.attachments.count,
                        parents: record.inReplyTo + record.references))
            }
            guard let last = chunk.last else { continue }
            try indexCall { () throws(IndexError) in
                try index.addArrivals(messages, through: last.entry.sequence, sha256: last.fileSHA256)
            }
        }
    }

    /// Brings the index's arrivals up to date after this process archived one; a failure only
    /// delays it to the next open.
    func syncArrivalsQuietly() {
        guard let index = indexForRecordingWrites() else { return }
        try? syncArrivals(index)
    }
}

extension DocketArchive {
    /// Archives an email a user uploaded (web app or API): an `.eml` as it is. Filed like
    /// delivered mail, or to `submission` when given.
    ///
    /// - Throws: for a role that may not add correspondence, and what `receiveMessage` throws.
    @discardableResult
    public func receiveUploadedMessage(
        _ bytes: [UInt8], fileName: String, submission: String?, as user: String
    ) throws(DocketError) -> MessageArrival {
        _ = try require(Self.documentRoles, of: user, to: "add correspondence")
        let name = MessagePart.safeFileName(fileName)
        guard OutlookMessage.isOutlookMessage(bytes) else {
            return try receiveMessage(bytes, route: .upload, source: name, submission: submission, as: user)
        }
        // Outlook's own format: converted to RFC 5322 with msgconvert, the .msg kept beside it.
        let converted: [UInt8]
        do {
            converted = try OutlookMessage.convertToRFC5322(bytes, maximumOutputBytes: Self.maximumDocumentSize)
        } catch {
            throw .invalidInput("the Outlook message \(name) could not be read: \(error)")
        }
        return try receiveMessage(
            converted, route: .upload, source: name, submission: submission, as: user,
            flags: [
                MessageFlag(kind: .converted, detail: "converted from the Outlook message \(name) with msgconvert")
            ],
            convertedFrom: (name, bytes))
    }

    /// An arrived message's bytes, for `user` (under the rules of `arrivedMessage(_:for:)`).
    public func arrivedMessageBytes(_ id: String, for user: String) throws(DocketError) -> [UInt8] {
        let found = try arrivedMessage(id, for: user)
        let sha256 = found.card.sha256
        if !DurableFile.exists(store.incomingMessagePath(sha256)), let destroyed = certifiedDestruction(of: sha256) {
            throw .destroyed(
                reference: destroyed.reference, sha256: sha256, list: destroyed.list,
                on: calendar.londonDate(of: destroyed.at).description)
        }
        return try archive { () throws(ArchiveError) in try store.incomingMessageBytes(sha256) }
    }
}
