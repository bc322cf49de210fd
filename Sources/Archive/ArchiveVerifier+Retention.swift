import Foundation

/// The disposals the retention log authorises: for each approved list not cancelled, the
/// records (submission and document) it names and what it does to them; and the lists carried
/// out with their certificates.
struct ApprovedDisposals {
    var lists: [String: (action: DisposalAction, records: Set<String>)] = [:]
    /// Certificates of lists the log records as carried out, as read.
    var certificates: [String: DisposalCertificate] = [:]
    /// Whether the log could be read: when it could not, disposal events are not cross-checked
    /// (the log's damage is already a problem).
    var readable = true

    static func key(_ submission: String, _ sha256: String) -> String { "\(submission)/\(sha256)" }
}

extension ArchiveVerifier {
    /// Checks the retention records: the schedule is valid; the log is valid and its chain holds;
    /// each list carried out has its certificate, whose SHA-256 the log recorded and which lists
    /// only records the approved list named. Returns the approved lists, for checking each
    /// submission's disposal events against them.
    func checkRetention(_ findings: inout Findings) -> ApprovedDisposals {
        var approved = ApprovedDisposals()
        do {
            _ = try store.retentionSchedule()
        } catch {
            findings.problem(store.retentionSchedulePath, "\(error)")
        }
        let log: [(entry: RetentionLogEntry, fileSHA256: String, path: String)]
        do {
            log = try store.retentionLog()
        } catch {
            findings.problem(store.retentionLogDirectory, "\(error)")
            approved.readable = false
            return approved
        }
        var proposed: [String: (action: DisposalAction, records: Set<String>)] = [:]
        var carriedOut: [String: (sha256: String, path: String)] = [:]
        for (entry, _, path) in log {
            switch entry.body {
            case .listProposed(let id, let action, _, _, _, let records):
                proposed[id] = (action, Set(records.map { ApprovedDisposals.key($0.submission, $0.sha256) }))
            case .listApproved(let list, _, _):
                if let named = proposed[list] {
                    approved.lists[list] = named
                } else {
                    findings.problem(path, "approves \(list), which no earlier entry proposed")
                }
            case .listCancelled(let list, _):
                // A cancelled list authorises nothing: an event under it is a problem.
                approved.lists[list] = nil
            case .listCarriedOut(let list, let certificate):
                carriedOut[list] = (certificate, path)
            case .holdPlaced, .holdReleased, .recordsKept:
                break
            }
        }
        for (list, (sha256, path)) in carriedOut.sorted(by: { $0.key < $1.key }) {
            if let certificate = checkCertificate(list, recordedSHA256: sha256, logPath: path, approved, &findings) {
                approved.certificates[list] = certificate
            }
        }
        for list in store.certificateLists() where carriedOut[list] == nil && approved.lists[list] == nil {
            findings.problem(store.certificatePath(list), "a certificate for \(list), which no approved list names")
        }
        return approved
    }

    private func checkCertificate(
        _ list: String, recordedSHA256: String, logPath: String, _ approved: ApprovedDisposals,
        _ findings: inout Findings
    ) -> DisposalCertificate? {
        let path = store.certificatePath(list)
        do {
            guard let (certificate, sha256) = try store.certificate(list) else {
                findings.problem(path, "missing: the retention log records \(list) carried out with it")
                return nil
            }
            if sha256 != recordedSHA256 {
                findings.problem(
                    path, "changed since it was written (its SHA-256 is not the one the retention log records)")
            }
            let allowed = approved.lists[list]?.records ?? []
            let listed = Set(certificate.records.map { ApprovedDisposals.key($0.submission, $0.sha256) })
            for record in certificate.records
            where !allowed.contains(ApprovedDisposals.key(record.submission, record.sha256)) {
                findings.problem(
                    path, "lists \(record.submission) \(record.sha256), which the approved \(list) does not")
            }
            if listed != allowed, listed.isSubset(of: allowed) {
                findings.problem(path, "leaves out records the approved \(list) names")
            }
            return certificate
        } catch {
            findings.problem(path, "\(error)")
            return nil
        }
    }

    /// Every disposal event of a submission must carry out an approved list that names each of
    /// its documents for that action: an event added by hand, even one linked into the chain,
    /// is found.
    func checkDisposals(
        _ reference: String, events: [ArchiveStore.ReadEvent], approved: ApprovedDisposals, _ findings: inout Findings
    ) {
        guard approved.readable else { return }
        for read in events {
            guard case .recordsDisposed(let disposal) = read.event.body else { continue }
            findings.disposalEvents.insert(Self.eventKey(disposal.list, reference, read.fileSHA256))
            findings.listsWithEvents.insert(disposal.list)
            guard let list = approved.lists[disposal.list], list.action == disposal.action else {
                findings.problem(
                    read.path,
                    "records a disposal under \(disposal.list), which the retention log does not record as an approved "
                        + "list to \(disposal.action.rawValue)")
                continue
            }
            for disposed in disposal.documents
            where !list.records.contains(ApprovedDisposals.key(reference, disposed.document.sha256)) {
                findings.problem(
                    read.path, "disposes of \(disposed.document.sha256), which \(disposal.list) does not name")
            }
        }
    }

    /// After every chain is read: each certificate's records cite disposal events that are in
    /// their submission's chain; a list with events but not carried out is an interrupted run.
    func checkDisposalsCompleted(_ approved: ApprovedDisposals, _ findings: inout Findings) {
        guard approved.readable else { return }
        for (list, certificate) in approved.certificates.sorted(by: { $0.key < $1.key }) {
            for record in certificate.records
            where !findings.disposalEvents.contains(Self.eventKey(list, record.submission, record.eventSHA256)) {
                findings.problem(
                    store.certificatePath(list),
                    "cites an event of \(record.submission) (\(record.eventSHA256.prefix(12))) that its chain does not "
                        + "hold for \(list)")
            }
        }
        for list in findings.listsWithEvents.sorted() where approved.certificates[list] == nil {
            guard approved.lists[list] != nil else { continue }  // already a problem, event by event
            findings.note(
                store.retentionLogDirectory,
                "disposal list \(list) was started but not finished (run 'docket retention dispose \(list)' again)")
        }
    }

    private static func eventKey(_ list: String, _ reference: String, _ sha256: String) -> String {
        "\(list)|\(reference)|\(sha256)"
    }
}
