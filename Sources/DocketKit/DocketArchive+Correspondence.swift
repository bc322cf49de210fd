import Archive
import Foundation
import Index
import Mail
import Workflow

/// An email filed to a submission, as its page shows it: outside the pack.
public struct FiledMessage: Sendable {
    /// The `.eml` as filed (kind correspondence, `message/rfc822`).
    public var message: DocumentMetadata
    /// Its attachments as filed (each `part-of` the message).
    public var attachments: [DocumentMetadata]
    /// What was read from its headers when it arrived (nil if that card cannot be read).
    public var card: IncomingMessageRecord?
    public var rule: FilingRule
    /// The filing event.
    public var sequence: Int
    public var filed: Date
    public var filedBy: String
}

/// A message in a thread, with how deep it sits (0 for a message that answers none shown).
public struct ThreadedMessage: Sendable {
    public var message: FiledMessage
    public var depth: Int
}

extension DocketArchive {
    // MARK: - Filing

    /// Files a message from the unfiled tray to a submission (an officer's decision).
    ///
    /// - Throws: for a role that may not add documents, an unknown message or submission, a
    ///   message not yet arrived, or one already filed elsewhere.
    @discardableResult
    public func fileMessage(_ sha256: String, to reference: String, as user: String) throws(DocketError)
        -> StoredEvent?
    {
        let grant = try require(Self.documentRoles, of: user, to: "file correspondence")
        let record = try arrivedRecord(sha256)
        let index = try index()
        if let filed = try indexCall({ () throws(IndexError) in try index.arrivedMessage(sha256) })?.filedTo,
            filed != reference
        {
            throw .invalidInput("this message is already filed to \(filed)")
        }
        let stamp = ActorStamp(user: user, role: grant.role, onBehalfOf: grant.onBehalfOf, systemUser: systemUser)
        return try fileMessage(record, to: reference, rule: .officer, stamp: stamp)
    }

    /// Files a message and its attachments to a submission under its lock: each stored as a
    /// document of the submission (the message `message/rfc822`, each attachment `part-of` it),
    /// then one `correspondence-filed` event. Outside the pack, and idempotent: a message
    /// already filed there is left as it is (nil).
    @discardableResult
    func fileMessage(_ record: IncomingMessageRecord, to reference: String, rule: FilingRule, stamp: ActorStamp)
        throws(DocketError) -> StoredEvent?
    {
        try archive { () throws(ArchiveError) in try store.requireSchema(.archiveFormat4) }
        let lock = try archive { () throws(ArchiveError) in try store.lockSubmission(reference) }
        defer { lock.release() }
        let current = try readSubmission(reference)
        var cited: [String: String] = [:]
        for read in current.events {
            switch read.event.body {
            case .correspondenceFiled(let filing):
                if filing.message == record.sha256 { return nil }
                for filed in filing.documents { cited[filed.document.sha256] = filed.metadataSHA256 }
            case .documentAdded(let document, let metadata?, _):
                cited[document.sha256] = metadata
            default:
                break
            }
        }
        let time = now()
        let date = calendar.londonDate(of: record.sent ?? record.received)
        let sender = record.from.first.map { Party(person: CorrespondenceText.clipped($0), organisation: nil) }
        let addressees = (record.to + record.cc).map {
            Party(person: CorrespondenceText.clipped($0), organisation: nil)
        }
        let title = CorrespondenceText.title(of: record)
        var documents: [(metadata: DocumentMetadata, content: () throws(ArchiveError) -> [UInt8])] = []
        documents.append(
            (
                DocumentMetadata(
                    sha256: record.sha256, submission: reference, title: title, kind: .correspondence, date: date,
                    creator: sender, addressees: addressees, direction: .incoming, annex: nil,
                    format: "message/rfc822", size: record.size, originalFileName: "message.eml",
                    storedAs: "\(record.sha256).eml",
                    description: record.messageID.map { "Email, Message-ID <\(CorrespondenceText.clipped($0))>" },
                    protectiveMarking: "OFFICIAL", relations: [], added: time, addedBy: stamp),
                { () throws(ArchiveError) in try self.store.incomingMessageBytes(record.sha256) }
            ))
        for attachment in record.attachments where attachment.sha256 != record.sha256 {
            guard !documents.contains(where: { $0.metadata.sha256 == attachment.sha256 }) else { continue }
            documents.append(
                (
                    DocumentMetadata(
                        sha256: attachment.sha256, submission: reference, title: attachment.fileName,
                        kind: .correspondence, date: date, creator: sender, addressees: addressees,
                        direction: .incoming, annex: nil, format: attachment.mediaType, size: attachment.size,
                        originalFileName: attachment.fileName, storedAs: attachment.storedAs,
                        description: "Attachment of the email “\(title)”", protectiveMarking: "OFFICIAL",
                        relations: [Relation(kind: .partOf, target: record.sha256)], added: time, addedBy: stamp),
                    { () throws(ArchiveError) in try self.store.messageAttachmentBytes(attachment, of: record.sha256) }
                ))
        }
        let event = try archive { () throws(ArchiveError) -> StoredEvent in
            var filed: [CorrespondenceFiling.Filed] = []
            for (metadata, content) in documents {
                // A file the submission already holds (the same letter in the pack) keeps the
                // metadata its own event fixed; the filing cites that.
                let metadataSHA256: String
                if let existing = cited[metadata.sha256] {
                    metadataSHA256 = existing
                } else {
                    metadataSHA256 = try store.storeDocument(try content(), metadata: metadata)
                }
                filed.append(CorrespondenceFiling.Filed(document: metadata.packEntry, metadataSHA256: metadataSHA256))
            }
            let event = StoredEvent(
                sequence: current.events.count + 1, submission: reference, time: time, actor: stamp,
                previous: current.headSHA256,
                body: .correspondenceFiled(CorrespondenceFiling(message: record.sha256, rule: rule, documents: filed)))
            let written = try store.appendEvent(event)
            store.advanceHead(reference, sequence: event.sequence, sha256: written)
            return event
        }
        refreshIndex(for: reference)
        return event
    }

    /// An arrived message's catalogue card.
    func arrivedRecord(_ sha256: String) throws(DocketError) -> IncomingMessageRecord {
        guard store.hasArrived(sha256) else { throw try unknownMessage(sha256) }
        return try archive { () throws(ArchiveError) in try store.incomingMessageRecord(sha256) }
    }

    /// The refusal for an id that names no arrived email (or, by a short prefix, several),
    /// listing the newest few so that the right one can be picked.
    private func unknownMessage(_ id: String) throws(DocketError) -> DocketError {
        let newest = try arrivedMessages(limit: 5).map { String($0.sha256.prefix(12)) }
        return .notFound(kind: "email", id: id, known: newest)
    }

    // MARK: - Reading

    /// The messages filed to no submission, oldest first, for those who file them.
    public func unfiledMessages(for user: String, limit: Int = 500) throws(DocketError) -> [IndexedMessage] {
        _ = try require(Self.documentRoles, of: user, to: "see the unfiled correspondence")
        let index = try index()
        return try indexCall { () throws(IndexError) in try index.unfiledMessages(limit: limit) }
    }

    /// The messages that arrived, newest first (`docket mail list`; not filtered by user: like the
    /// other commands that read the archive, it trusts whoever can read the archive's files).
    public func arrivedMessages(limit: Int = 200, offset: Int = 0) throws(DocketError) -> [IndexedMessage] {
        let index = try index()
        return try indexCall { () throws(IndexError) in try index.arrivedMessages(limit: limit, offset: offset) }
    }

    /// An arrived message by its SHA-256 (or an unambiguous prefix of at least 8 characters)
    /// or its Message-ID, with where it is filed. A message filed to a submission is read under
    /// that submission's rules (withheld papers stay withheld); an unfiled one only by those
    /// who file correspondence.
    public func arrivedMessage(_ id: String, for user: String) throws(DocketError) -> (
        card: IncomingMessageRecord, filedTo: String?
    ) {
        let index = try index()
        let found = try indexCall { () throws(IndexError) -> IndexedMessage? in
            if ArchiveStore.isSHA256(id) { return try index.arrivedMessage(id) }
            let bare = id.trimmingCharacters(in: CharacterSet(charactersIn: "<> "))
            if let byID = try index.arrivedMessages(withID: bare).first { return byID }
            guard id.count >= 8, id.allSatisfy(\.isHexDigit) else { return nil }
            let matches = try index.arrivedMessages(withSHA256Prefix: id.lowercased(), limit: 2)
            return matches.count == 1 ? matches[0] : nil
        }
        guard let found else { throw try unknownMessage(id) }
        if let reference = found.filedTo {
            let view = try submission(reference, for: user)
            guard view.correspondence.contains(where: { $0.message.sha256 == found.sha256 }) else {
                throw .withheld(
                    user: user, what: "an email filed to \(reference)",
                    why: view.withheld.first?.withholding.why ?? "its submission's papers are restricted")
            }
        } else {
            _ = try require(Self.documentRoles, of: user, to: "read unfiled correspondence")
        }
        return (try arrivedRecord(found.sha256), found.filedTo)
    }

    /// A message with every reply to it, and replies to those, in arrival order and indented
    /// by depth (`docket mail thread`). Only messages `user` may read are shown.
    public func messageThread(_ id: String, for user: String) throws(DocketError) -> [(
        card: IncomingMessageRecord, filedTo: String?, depth: Int
    )] {
        let start = try arrivedMessage(id, for: user)
        let index = try index()
        var result: [(card: IncomingMessageRecord, filedTo: String?, depth: Int)] = [(start.card, start.filedTo, 0)]
        var seen: Set<String> = [start.card.sha256]
        func visit(_ card: IncomingMessageRecord, depth: Int) throws(DocketError) {
            guard let messageID = card.messageID, depth < 64 else { return }
            let replies = try indexCall { () throws(IndexError) in try index.replies(to: [messageID]) }
            for reply in replies where seen.insert(reply.sha256).inserted {
                guard let readable = try? arrivedMessage(reply.sha256, for: user) else { continue }
                result.append((readable.card, readable.filedTo, depth + 1))
                try visit(readable.card, depth: depth + 1)
            }
        }
        try visit(start.card, depth: 0)
        return result
    }

    /// The filed messages of a view grouped into threads: each message under the one it
    /// answers (by In-Reply-To, else the last of its References) when that one is filed here
    /// too; threads in the order their first message was filed.
    public static func threads(of messages: [FiledMessage]) -> [[ThreadedMessage]] {
        var byID: [String: Int] = [:]
        for (position, message) in messages.enumerated() {
            if let id = message.card?.messageID, byID[id] == nil { byID[id] = position }
        }
        func parent(of position: Int) -> Int? {
            guard let card = messages[position].card else { return nil }
            for id in card.inReplyTo + card.references.reversed() {
                if let found = byID[id], found != position { return found }
            }
            return nil
        }
        var children: [Int: [Int]] = [:]
        var roots: [Int] = []
        for position in messages.indices {
            if let parent = parent(of: position) {
                children[parent, default: []].append(position)
            } else {
                roots.append(position)
            }
        }
        var placed = Set<Int>()
        func walk(_ position: Int, depth: Int, into thread: inout [ThreadedMessage]) {
            guard placed.insert(position).inserted else { return }
            thread.append(ThreadedMessage(message: messages[position], depth: depth))
            for child in children[position] ?? [] { walk(child, depth: depth + 1, into: &thread) }
        }
        var threads: [[ThreadedMessage]] = []
        for root in roots {
            var thread: [ThreadedMessage] = []
            walk(root, depth: 0, into: &thread)
            threads.append(thread)
        }
        // A cycle of replies (forged headers) has no root: show each such message on its own.
        for position in messages.indices where !placed.contains(position) {
            var thread: [ThreadedMessage] = []
            walk(position, depth: 0, into: &thread)
            threads.append(thread)
        }
        return threads
    }

    /// The filed messages of a submission, from its events (in filing order).
    func filedMessages(_ current: CurrentSubmission) throws(DocketError) -> [FiledMessage] {
        let reference = current.record.reference
        var result: [FiledMessage] = []
        for read in current.events {
            guard case .correspondenceFiled(let filing) = read.event.body else { continue }
            let metadata = try filing.documents.map { (filed) throws(DocketError) in
                try archive { () throws(ArchiveError) in
                    try store.documentMetadata(reference, sha256: filed.document.sha256)
                }
            }
            guard let message = metadata.first else { continue }
            result.append(
                FiledMessage(
                    message: message, attachments: Array(metadata.dropFirst()),
                    card: try? store.incomingMessageRecord(filing.message), rule: filing.rule,
                    sequence: read.event.sequence, filed: read.event.time, filedBy: read.event.actor.user))
        }
        return result
    }

    // MARK: - The response, from the mail

    /// Records the Commissioners' response from a filed message: its attachment joins the pack
    /// as the `response` (an officer's decision), then the state's response event is fired with
    /// the message's date (London) as the date received.
    ///
    /// - Parameters:
    ///   - attachment: the SHA-256 of one of the message's attachments.
    ///   - expectedSequence: as for `addDocument`: the submission as the officer saw it.
    ///   - title: the response's title in the pack (default: the attachment's file name).
    ///   - creator: who the response is from, as the Board report names them (default: the
    ///     sender's display name, else their address).
    /// - Throws: when the state has no event that takes a response, the message is not filed to
    ///   this submission, or the attachment is not one of its attachments; and whatever adding
    ///   the document or firing the event refuses.
    @discardableResult
    public func recordResponse(
        fromMessage message: String, attachment: String, in reference: String, as user: String,
        expectedSequence: Int? = nil, title: String? = nil, creator: Party? = nil
    ) throws(DocketError) -> FiredEvent {
        let view = try submission(reference, for: user)
        guard let filed = view.correspondence.first(where: { $0.message.sha256 == message }) else {
            throw .invalidInput("that email is not filed to \(reference)")
        }
        guard let part = filed.attachments.first(where: { $0.sha256 == attachment }) else {
            throw .invalidInput("that file is not an attachment of the email “\(filed.message.title)”")
        }
        guard
            let transition = view.workflow.state(view.state)?.transitions.first(where: {
                $0.requiredDocuments.contains(.response)
            })
        else {
            throw .invalidInput(
                "\(reference) is \(view.workflow.stateLabel(view.state)): a response can be recorded only when "
                    + "its workflow is waiting for one")
        }
        let content = try archive { () throws(ArchiveError) in
            try DurableFile.read(store.documentPath(reference, storedAs: part.storedAs))
        }
        let received = calendar.londonDate(of: filed.card?.sent ?? filed.message.added)
        // Checked before the pack changes, so a refusal leaves nothing half done.
        let today = calendar.londonDate(of: now())
        guard received <= today else {
            throw .invalidInput(
                "the email is dated \(received), after today (\(today)): record the response by hand with the "
                    + "date it was received")
        }
        let added = try addDocument(
            to: reference, content: content,
            description: DocumentDescription(
                kind: .response, title: title ?? part.title, originalFileName: part.originalFileName, date: received,
                creator: creator ?? filed.card?.from.first.map(CorrespondenceText.party) ?? filed.message.creator,
                addressees: filed.message.addressees, direction: .incoming,
                description: "Attachment of the email “\(filed.message.title)”",
                relations: [Relation(kind: .partOf, target: message)]),
            as: user, expectedSequence: expectedSequence)
        var fields: [String: String] = [:]
        for requirement in transition.requiredFields where requirement.name == WorkflowField.receivedOn {
            fields[requirement.name] = received.description
        }
        _ = added
        return try fire(
            transition.event, on: reference, as: user, fields: fields,
            expectedSequence: expectedSequence.map { $0 + 1 })
    }
}

/// How a message's header text becomes document metadata.
enum CorrespondenceText {
    /// A document title for a message: its subject, or what it is without one.
    static func title(of record: IncomingMessageRecord) -> String {
        let subject = record.subject.map(clipped)?.trimmingCharacters(in: .whitespacesAndNewlines) ?? ""
        if !subject.isEmpty { return subject }
        return record.isParsed ? "(no subject)" : "(an email Docket could not read)"
    }

    /// The person a From header names, for a report: the display name, else the address.
    static func party(_ header: String) -> Party {
        guard let mailbox = MailboxAddress.list(from: header).first else {
            return Party(person: clipped(header), organisation: nil)
        }
        return Party(person: clipped(mailbox.displayName ?? mailbox.address), organisation: nil)
    }

    /// Header text made fit for a one-line metadata field: line breaks and controls become
    /// spaces, at most 500 characters.
    static func clipped(_ text: String) -> String {
        let flat = String(
            String.UnicodeScalarView(
                text.unicodeScalars.map { $0.properties.generalCategory == .control ? " " : $0 }))
        let trimmed = flat.trimmingCharacters(in: .whitespaces)
        return trimmed.count > 500 ? String(trimmed.prefix(500)) : (trimmed.isEmpty ? "(blank)" : trimmed)
    }
}
