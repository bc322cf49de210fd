import Archive
import Foundation
import Index
import Workflow

/// One record a certificate says was destroyed, for purging backups.
public struct DestroyedRecord: Sendable, Hashable {
    public var list: String
    public var carriedOut: Date
    public var record: DisposalCertificate.Record
}

extension DocketArchive {
    /// How a destruction is carried out, in the certificate's words.
    static let destructionMethod =
        "Each document's content file removed from the archive (unlinked, its directory synced), with any copy "
        + "kept beside an arrived email; its words removed from the search index and the index file purged "
        + "(SQLite secure_delete, full-text segments merged, write-ahead log truncated). Its metadata file and "
        + "the submission's history are kept."
    static let transferMethod =
        "Each submission exported as a BagIt bag (RFC 8493) with its documents, metadata, history, schemas and "
        + "Dublin Core records; the content stays in the archive until a list destroys it."

    /// What a transfer needs: the directory the bags go to, the record office, its accession
    /// reference if it gave one.
    public struct TransferDestination: Sendable {
        public var directory: String
        public var office: String
        public var accession: String?

        public init(directory: String, office: String, accession: String? = nil) {
            self.directory = directory
            self.office = office
            self.accession = accession
        }
    }

    /// Carries out an approved disposal list, for a records manager.
    ///
    /// To destroy: for each submission, under the retention lock (so that a hold placed meanwhile
    /// is seen) and its own lock, the holds are checked again and an event of archive format 6
    /// naming the list and its documents is appended to the chain; then each content file is
    /// removed (the metadata file stays, byte for byte), with the copy an arrived email keeps;
    /// then the index forgets the words and its file is purged of them. Last, the certificate is
    /// written and the retention log records the list carried out. Every step is idempotent, so a
    /// run killed at any moment is finished by running it again: a document is either untouched
    /// (no event yet) or covered by its event.
    ///
    /// To transfer: each submission is exported as a BagIt bag into `DIRECTORY/LIST/REF` (the
    /// export, with Dublin Core records), then its event records the office, the place and the
    /// bag's tag-manifest SHA-256.
    ///
    /// - Parameters:
    ///   - transfer: where a transfer list's bags go (required for one, refused for a destruction).
    ///   - purgeCopiesBy: the day by which copies outside the archive are to be purged (certificate).
    ///   - progress: (submissions done, submissions in the list).
    /// - Throws: `.onHold` naming the hold when a submission not yet done is held; `.invalidInput`
    ///   for a list not approved, cancelled or already carried out, or a transfer without a place.
    @discardableResult
    public func carryOutDisposal(
        _ id: String, transfer: TransferDestination? = nil, purgeCopiesBy: CalendarDate? = nil, as user: String,
        progress: (Int, Int) -> Void = { _, _ in }
    ) throws(DocketError) -> DisposalCertificate {
        let grant = try requireOwnRight(Self.recordsRoles, of: user, to: "carry out a disposal list")
        let list = try approvedList(id)
        if list.action == .transfer, transfer == nil {
            throw .invalidInput("name the record office and the directory its bags go to (--record-office, --to)")
        }
        if list.action == .destroy, transfer != nil {
            throw .invalidInput("\(id) destroys its records: it takes no transfer directory")
        }
        try archive { () throws(ArchiveError) in try store.requireSchema(.archiveFormat6) }
        let stamp = ActorStamp(user: user, role: grant.role, systemUser: systemUser)
        var certified: [DisposalCertificate.Record] = []
        var bags: [DisposalCertificate.Transfer.Bag] = []
        let submissions = list.submissions
        progress(0, submissions.count)
        for (number, reference) in submissions.enumerated() {
            let done = try dispose(
                list.records.filter { $0.submission == reference }, of: reference, under: list, stamp: stamp,
                transfer: transfer)
            certified += done.records
            if let bag = done.bag { bags.append(bag) }
            progress(number + 1, submissions.count)
        }
        if list.action == .destroy { try purgeIndexOfDestroyedText() }
        forgetDerivedViews()
        return try certify(
            list, records: certified, bags: bags, transfer: transfer, purgeCopiesBy: purgeCopiesBy, stamp: stamp,
            grant: grant, user: user)
    }

    /// The list, if it is approved and neither cancelled nor carried out.
    private func approvedList(_ id: String) throws(DocketError) -> RetentionLedger.DisposalList {
        let ledger = try retentionLedger()
        guard let list = ledger.list(id) else {
            throw .notFound(kind: "disposal list", id: id, known: ledger.lists.map(\.id))
        }
        switch list.status {
        case .proposed:
            throw .invalidInput(
                "\(id) is not approved yet: a second person (an officer or administrator) approves it first")
        case .cancelled: throw .invalidInput("\(id) was cancelled (\(list.cancellationReason ?? ""))")
        case .carriedOut: throw .invalidInput("\(id) was carried out already; see 'docket retention report'")
        case .approved: return list
        }
    }

    /// Words of destroyed documents leave the index file itself, not only its answers. With no
    /// index (or another archive's) there is nothing to purge: the next open builds one from
    /// the archive, where the words no longer are.
    private func purgeIndexOfDestroyedText() throws(DocketError) {
        guard let index = indexForRecordingWrites() else { return }
        try indexCall { () throws(IndexError) in try index.purgeRemovedText() }
    }

    /// Writes the certificate (or finds the one an interrupted run wrote) and records the list
    /// carried out, unless a concurrent run did first.
    private func certify(
        _ list: RetentionLedger.DisposalList, records: [DisposalCertificate.Record],
        bags: [DisposalCertificate.Transfer.Bag], transfer: TransferDestination?, purgeCopiesBy: CalendarDate?,
        stamp: ActorStamp, grant: Actor.Grant, user: String
    ) throws(DocketError) -> DisposalCertificate {
        let certificate = DisposalCertificate(
            list: list.id, action: list.action, proposed: .init(actor: list.proposedBy, at: list.proposedAt),
            proposedEntry: list.proposedEntry, schedule: list.schedule,
            approved: .init(actor: list.approvedBy!, at: list.approvedAt!), approvedEntry: list.approvedEntry!,
            approvedForService: list.approvedForService!, carriedOut: .init(actor: stamp, at: now()),
            method: list.action == .destroy ? Self.destructionMethod : Self.transferMethod,
            purgeCopiesBy: purgeCopiesBy,
            transfer: transfer.map {
                .init(office: $0.office, location: "\($0.directory)/\(list.id)", accession: $0.accession, bags: bags)
            }, records: records)
        let lock = try archive { () throws(ArchiveError) in try store.lockRetention() }
        defer { lock.release() }
        let sha256 = try archive { () throws(ArchiveError) in try store.writeCertificate(certificate) }
        // Read again: the certificate may be an interrupted earlier run's (the same records).
        let written = try archive { () throws(ArchiveError) in try store.certificate(list.id) }
        let ledger = try retentionLedger()
        if ledger.list(list.id)?.status != .carriedOut {
            try appendRetention(.listCarriedOut(list: list.id, certificateSHA256: sha256), ledger, grant, user)
        }
        return written?.certificate ?? certificate
    }

    /// Disposes of one submission's records under a list: the bag (for a transfer), then, under
    /// the retention lock with the holds checked again, the event (once), then the content files.
    /// Returns the certificate's lines for them and the bag written.
    private func dispose(
        _ records: [ListedRecord], of reference: String, under list: RetentionLedger.DisposalList, stamp: ActorStamp,
        transfer: TransferDestination?
    ) throws(DocketError) -> (records: [DisposalCertificate.Record], bag: DisposalCertificate.Transfer.Bag?) {
        var transferred: RecordsDisposal.Transferred?
        var bag: DisposalCertificate.Transfer.Bag?
        if list.action == .transfer, let transfer {
            // The bag before the event: the event says where the records went, so they are there.
            let location = "\(transfer.directory)/\(list.id)/\(reference)"
            if !DurableFile.exists("\(location)/bagit.txt") {
                try requireNotHeld(reference)
                try exportBag(reference, to: location)
            }
            let facts = try bagFacts(location)
            transferred = .init(office: transfer.office, location: location, tagManifestSHA256: facts.tagManifest)
            bag = .init(submission: reference, tagManifestSHA256: facts.tagManifest, payloadOxum: facts.oxum)
        }
        let eventSHA256 = try recordDisposal(
            records, of: reference, under: list, stamp: stamp, transferred: transferred)
        let applied = Dictionary(list.classes.map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first })
        var lines: [DisposalCertificate.Record] = []
        for record in records {
            let metadata = try archive { () throws(ArchiveError) in
                try store.documentMetadata(reference, sha256: record.sha256)
            }
            if list.action == .destroy {
                try archive { () throws(ArchiveError) in
                    try store.removeDestroyedContent(reference, storedAs: metadata.storedAs, sha256: metadata.sha256)
                }
                try removeArrivalCopies(of: metadata, in: reference)
            }
            let applies = applied[record.retentionClass]
            lines.append(
                DisposalCertificate.Record(
                    submission: reference, sha256: record.sha256, kind: metadata.kind, title: metadata.title,
                    path: "submissions/\(reference)/documents/\(metadata.storedAs)", size: metadata.size,
                    retentionClass: record.retentionClass, period: applies?.period, due: record.due,
                    date: metadata.date,
                    authority: applies?.authority ?? "class \(record.retentionClass)", eventSHA256: eventSHA256))
        }
        refreshIndex(for: reference)
        return (lines, bag)
    }

    /// Appends the disposal event to a submission's chain, once, with the holds checked under
    /// the retention lock; repairs a head an interrupted run left behind. Returns the event
    /// file's SHA-256.
    private func recordDisposal(
        _ records: [ListedRecord], of reference: String, under list: RetentionLedger.DisposalList, stamp: ActorStamp,
        transferred: RecordsDisposal.Transferred?
    ) throws(DocketError) -> String {
        let retention = try archive { () throws(ArchiveError) in try store.lockRetention() }
        defer { retention.release() }
        let lock = try archive { () throws(ArchiveError) in try store.lockSubmission(reference) }
        defer { lock.release() }
        let current = try readSubmission(reference)
        if let recorded = Self.disposalEvent(for: list.id, in: current) {
            // A run killed between linking the event and updating the head left it behind:
            // this run repairs it, as the next event would.
            try archive { () throws(ArchiveError) in
                if let head = try store.head(reference), head.sequence < current.events.count {
                    try store.writeHead(reference, sequence: current.events.count, sha256: current.headSHA256)
                }
            }
            return recorded.fileSHA256
        }
        try requireNotHeld(reference)
        var disposed: [RecordsDisposal.Disposed] = []
        for record in records {
            let metadata = try archive { () throws(ArchiveError) in
                try store.documentMetadata(reference, sha256: record.sha256)
            }
            disposed.append(
                RecordsDisposal.Disposed(document: metadata.packEntry, retentionClass: record.retentionClass))
        }
        let event = StoredEvent(
            sequence: current.events.count + 1, submission: reference, time: now(), actor: stamp,
            previous: current.headSHA256,
            body: .recordsDisposed(
                RecordsDisposal(list: list.id, action: list.action, transferred: transferred, documents: disposed)))
        return try archive { () throws(ArchiveError) in
            let written = try store.appendEvent(event)
            store.advanceHead(reference, sequence: event.sequence, sha256: written)
            return written
        }
    }

    /// Refuses while a hold is in force on the submission (read afresh: one may have been placed
    /// since the run started).
    private func requireNotHeld(_ reference: String) throws(DocketError) {
        if let hold = try retentionLedger().hold(on: reference) {
            throw .onHold(reference: reference, hold: hold.id, reason: hold.reason)
        }
    }

    /// A finished bag's tag-manifest SHA-256 and Payload-Oxum, read from its files.
    func bagFacts(_ bag: String) throws(DocketError) -> (tagManifest: String, oxum: String) {
        let tagManifest = try Self.fileSHA256("\(bag)/tagmanifest-sha256.txt")
        let info = try archive { () throws(ArchiveError) in try DurableFile.read("\(bag)/bag-info.txt", limit: 1 << 20)
        }
        let oxum = String(decoding: info, as: UTF8.self).split(separator: "\n")
            .first { $0.hasPrefix("Payload-Oxum: ") }.map { String($0.dropFirst("Payload-Oxum: ".count)) }
        guard let oxum, !oxum.isEmpty else {
            throw .archive(.damaged(path: "\(bag)/bag-info.txt", reason: "no Payload-Oxum"))
        }
        return (tagManifest, oxum)
    }

    /// An email that arrived keeps its own copy of the message and its attachments beside its
    /// catalogue card: a destroyed message or attachment goes from there too.
    ///
    /// A copy is kept while another submission still holds the same document undestroyed (the
    /// same email filed to two matters, one of them perhaps on hold): it is that record's too.
    private func removeArrivalCopies(of metadata: DocumentMetadata, in reference: String) throws(DocketError) {
        guard metadata.kind == .correspondence || metadata.relations.contains(where: { $0.kind == .partOf }) else {
            return
        }
        let heldElsewhere = store.submissionReferences().contains { other in
            other != reference
                && store.documentFileNames(other).contains {
                    $0.hasPrefix(metadata.sha256 + ".") && !$0.hasSuffix(".xml")
                }
        }
        guard !heldElsewhere else { return }
        try archive { () throws(ArchiveError) in
            if metadata.format == "message/rfc822", DurableFile.exists(store.incomingMessagePath(metadata.sha256)) {
                try store.removeArrivalCopy(
                    of: metadata.sha256, storedAs: metadata.storedAs, inMessage: metadata.sha256)
            }
            for relation in metadata.relations where relation.kind == .partOf {
                guard DurableFile.exists("\(store.messageDirectory(relation.target))/message.xml"),
                    let attachment = try? store.incomingMessageRecord(relation.target).attachments.first(where: {
                        $0.sha256 == metadata.sha256
                    })
                else { continue }
                try store.removeArrivalCopy(
                    of: metadata.sha256, storedAs: attachment.storedAs, inMessage: relation.target)
            }
        }
    }

    /// The disposal that destroyed a document, from the certificates (for copies outside a
    /// submission, such as an arrived email's): its submission, list and time.
    func certifiedDestruction(of sha256: String) -> (reference: String, list: String, at: Date)? {
        for list in store.certificateLists() {
            guard let (certificate, _) = try? store.certificate(list), certificate.action == .destroy,
                let record = certificate.records.first(where: { $0.sha256 == sha256 })
            else { continue }
            return (record.submission, list, certificate.carriedOut.at)
        }
        return nil
    }

    /// The event of a submission's chain that records a list's disposal, if written.
    static func disposalEvent(for list: String, in current: CurrentSubmission) -> ArchiveStore.ReadEvent? {
        current.events.first { read in
            if case .recordsDisposed(let disposal) = read.event.body { disposal.list == list } else { false }
        }
    }

    // MARK: - Report

    /// Every record destroyed, from the certificates (hashes and archive paths), so that copies
    /// held elsewhere — backups, exports — can be purged too. For whoever reads retention.
    public func destructionReport(as user: String) throws(DocketError) -> [DestroyedRecord] {
        _ = try require(Self.retentionReaderRoles, of: user, to: "read the destruction report")
        var result: [DestroyedRecord] = []
        for list in store.certificateLists() {
            guard let (certificate, _) = try archive({ () throws(ArchiveError) in try store.certificate(list) }),
                certificate.action == .destroy
            else { continue }
            result += certificate.records.map {
                DestroyedRecord(list: list, carriedOut: certificate.carriedOut.at, record: $0)
            }
        }
        return result
    }

    /// A list's certificate, for whoever reads retention.
    public func disposalCertificate(_ list: String, as user: String) throws(DocketError) -> DisposalCertificate {
        _ = try require(Self.retentionReaderRoles, of: user, to: "read disposal certificates")
        guard var (certificate, _) = try archive({ () throws(ArchiveError) in try store.certificate(list) }) else {
            throw .notFound(kind: "certificate", id: list, known: store.certificateLists())
        }
        // A title can say what a restricted document was: withheld from a reader not cleared.
        let permissions = try permissions(for: user)
        if !permissions.isCleared {
            for index in certificate.records.indices {
                let record = certificate.records[index]
                guard let metadata = try? store.documentMetadata(record.submission, sha256: record.sha256),
                    try restriction(of: metadata, in: record.submission, under: permissions.clearance) == nil
                else {
                    certificate.records[index].title = WithheldDocument.placeholderName
                    continue
                }
            }
        }
        return certificate
    }
}

extension RecordsDisposal {
    /// The disposal in a line of a history: what happened, to what, under which list.
    public var summary: String {
        let names = documents.map { "“\($0.document.name)”" }.joined(separator: ", ")
        switch action {
        case .destroy:
            return "destroyed \(names) under disposal list \(list) (descriptions and history kept)"
        case .transfer:
            return "transferred \(names) to \(transferred?.office ?? "the record office") under list \(list)"
                + (transferred.map { " (bag at \($0.location))" } ?? "")
        }
    }
}
