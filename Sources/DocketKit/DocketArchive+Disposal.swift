import Archive
import Foundation
import Workflow

/// One record a certificate says was destroyed, for purging backups.
public struct DestroyedRecord: Sendable, Hashable {
    public var list: String
    public var carriedOut: Date
    public var record: DisposalCertificate.Record
}

extension DocketArchive {
    /// Carries out an approved disposal list, for a records manager.
    ///
    /// To destroy: for each submission, under its lock, an event of archive format 6 naming the
    /// list and its documents is appended to the chain first; then each content file is
    /// removed (the metadata file stays, byte for byte); then the index forgets the text. Last,
    /// the certificate is written and the retention log records the list carried out. Every
    /// step is idempotent, so a run killed at any moment is finished by running it again: a
    /// document is either untouched (no event yet) or covered by its event, and `verify` notes
    /// a content file still present under an event until the run completes.
    ///
    /// To transfer: each submission is exported as a BagIt bag into `directory/REF` (the
    /// existing export, with Dublin Core metadata), then the event records where it went.
    ///
    /// - Parameters:
    ///   - recordOffice: for a transfer, the record office's name (recorded with each event).
    ///   - progress: (submissions done, submissions in the list).
    /// - Throws: `.onHold` naming the hold when any submission is held; `.invalidInput` for a
    ///   list not approved, cancelled or already carried out, or a transfer without a directory.
    @discardableResult
    public func carryOutDisposal(
        _ id: String, transferTo directory: String? = nil, recordOffice: String? = nil, as user: String,
        progress: (Int, Int) -> Void = { _, _ in }
    ) throws(DocketError) -> DisposalCertificate {
        let grant = try requireOwnRight(Self.recordsRoles, of: user, to: "carry out a disposal list")
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
        case .approved: break
        }
        try requireNoHold(on: list, ledger)
        let stamp = ActorStamp(user: user, role: grant.role, systemUser: systemUser)
        var destination: String?
        if list.action == .transfer {
            guard let directory, !directory.isEmpty else {
                throw .invalidInput("name the directory the record office's bags go to (--to DIR)")
            }
            destination = directory
        }
        try archive { () throws(ArchiveError) in try store.requireSchema(.archiveFormat6) }
        let schedule = try? retentionSchedule()
        var certified: [DisposalCertificate.Record] = []
        let submissions = list.submissions
        progress(0, submissions.count)
        for (done, reference) in submissions.enumerated() {
            let records = list.records.filter { $0.submission == reference }
            let office = recordOffice.map { "\($0) (\(destination ?? ""))" } ?? destination
            certified += try dispose(
                records, of: reference, under: list, stamp: stamp, bagDirectory: destination,
                transferredTo: office, schedule: schedule)
            progress(done + 1, submissions.count)
        }
        // Words of destroyed documents leave the index file itself, not only its answers.
        if list.action == .destroy, let index = indexForRecordingWrites() {
            try? index.purgeRemovedText()
        }
        forgetDerivedViews()
        let approvedBy = list.approvedBy!
        let certificate = DisposalCertificate(
            list: id, action: list.action,
            proposed: .init(actor: list.proposedBy, at: list.proposedAt),
            approved: .init(actor: approvedBy, at: list.approvedAt!), approvedForService: list.approvedForService!,
            carriedOut: .init(actor: stamp, at: now()),
            transferredTo: list.action == .transfer
                ? (recordOffice.map { "\($0) (\(destination!))" } ?? destination) : nil,
            records: certified)
        let sha256 = try archive { () throws(ArchiveError) in try store.writeCertificate(certificate) }
        // Read again: the certificate may be an earlier run's (same records, its own times).
        let written = try archive { () throws(ArchiveError) in try store.certificate(id) }
        try appendRetention(
            .listCarriedOut(list: id, certificateSHA256: sha256), try retentionLedger(), grant, user)
        return written?.certificate ?? certificate
    }

    /// Disposes of one submission's records under a list: the event (once), then the content
    /// files or the bag. Returns the certificate's lines for them.
    private func dispose(
        _ records: [ListedRecord], of reference: String, under list: RetentionLedger.DisposalList, stamp: ActorStamp,
        bagDirectory: String?, transferredTo: String?, schedule: RetentionSchedule?
    ) throws(DocketError) -> [DisposalCertificate.Record] {
        if list.action == .transfer, let bagDirectory {
            // The bag before the event: the event says where the records went, so they are there.
            let bag = "\(bagDirectory)/\(reference)"
            if !(try hasEvent(for: list.id, in: reference)) && !DurableFile.exists("\(bag)/bagit.txt") {
                try exportBag(reference, to: bag)
            }
        }
        let lock = try archive { () throws(ArchiveError) in try store.lockSubmission(reference) }
        let (current, eventSHA256) = try { () throws(DocketError) -> (CurrentSubmission, String) in
            defer { lock.release() }
            var current = try readSubmission(reference)
            if let recorded = Self.disposalEvent(for: list.id, in: current) {
                // A run killed between linking the event and updating the head left it behind:
                // this run repairs it, as the next event would.
                try archive { () throws(ArchiveError) in
                    if let head = try store.head(reference), head.sequence < current.events.count {
                        try store.writeHead(reference, sequence: current.events.count, sha256: current.headSHA256)
                    }
                }
                return (current, recorded.fileSHA256)
            }
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
                    RecordsDisposal(
                        list: list.id, action: list.action, transferredTo: transferredTo, documents: disposed)))
            let written = try archive { () throws(ArchiveError) in
                let written = try store.appendEvent(event)
                try store.writeHead(reference, sequence: event.sequence, sha256: written)
                return written
            }
            current = try readSubmission(reference)
            return (current, written)
        }()
        var lines: [DisposalCertificate.Record] = []
        for record in records {
            let metadata = try archive { () throws(ArchiveError) in
                try store.documentMetadata(reference, sha256: record.sha256)
            }
            if list.action == .destroy {
                try archive { () throws(ArchiveError) in
                    try store.removeDestroyedContent(reference, storedAs: metadata.storedAs, sha256: metadata.sha256)
                    try removeArrivalCopies(of: metadata)
                }
            }
            let retentionClass = schedule?.retentionClass(id: record.retentionClass)
            lines.append(
                DisposalCertificate.Record(
                    submission: reference, sha256: record.sha256, kind: metadata.kind, title: metadata.title,
                    path: "submissions/\(reference)/documents/\(metadata.storedAs)", size: metadata.size,
                    retentionClass: record.retentionClass, period: retentionClass?.period, due: record.due,
                    authority: retentionClass?.authority
                        ?? "class \(record.retentionClass) (no longer in the schedule)",
                    eventSHA256: eventSHA256))
        }
        _ = current
        refreshIndex(for: reference)
        return lines
    }

    /// An email that arrived keeps its own copy of the message and its attachments beside its
    /// catalogue card: a destroyed message or attachment goes from there too.
    private func removeArrivalCopies(of metadata: DocumentMetadata) throws(ArchiveError) {
        guard metadata.kind == .correspondence || metadata.relations.contains(where: { $0.kind == .partOf }) else {
            return
        }
        if metadata.format == "message/rfc822", DurableFile.exists(store.incomingMessagePath(metadata.sha256)) {
            try store.removeArrivalCopy(of: metadata.sha256, storedAs: metadata.storedAs, inMessage: metadata.sha256)
        }
        for relation in metadata.relations where relation.kind == .partOf {
            guard
                DurableFile.exists(store.incomingMessagePath(relation.target))
                    || DurableFile.exists("\(store.messageDirectory(relation.target))/message.xml"),
                let attachment = try? store.incomingMessageRecord(relation.target).attachments.first(where: {
                    $0.sha256 == metadata.sha256
                })
            else { continue }
            try store.removeArrivalCopy(of: metadata.sha256, storedAs: attachment.storedAs, inMessage: relation.target)
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

    private func hasEvent(for list: String, in reference: String) throws(DocketError) -> Bool {
        Self.disposalEvent(for: list, in: try readSubmission(reference)) != nil
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
        guard let (certificate, _) = try archive({ () throws(ArchiveError) in try store.certificate(list) }) else {
            throw .notFound(kind: "certificate", id: list, known: store.certificateLists())
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
            return "transferred \(names) to \(transferredTo ?? "the record office") under list \(list)"
        }
    }
}
