import Workflow
import XML

/// One thing `verify` found. Problems mean the archive is damaged or was tampered with;
/// notes are harmless leftovers of interrupted writes.
public struct VerificationFinding: Sendable, Hashable, CustomStringConvertible {
    public enum Severity: String, Sendable, Hashable {
        case problem, note
    }

    public var severity: Severity
    public var path: String
    public var message: String

    public init(severity: Severity, path: String, message: String) {
        self.severity = severity
        self.path = path
        self.message = message
    }

    public var description: String { "\(severity.rawValue): \(path): \(message)" }
}

/// Checks a whole archive without trusting anything cached: validates every XML file,
/// recomputes every hash chain, re-hashes every document and replays every history through
/// the workflow definition it is pinned to.
public struct ArchiveVerifier {
    let store: ArchiveStore
    let loader: WorkflowLoader

    public init(store: ArchiveStore) throws(ArchiveError) {
        self.store = store
        let path = "\(store.root)/\(ArchiveStore.scxmlSchemaFile)"
        do {
            loader = WorkflowLoader(scxmlSchema: try XMLSchema(contentsOfFile: path))
        } catch {
            throw .damaged(path: path, reason: "\(error)")
        }
    }

    /// Every finding, problems and notes, in archive order.
    ///
    /// - Parameter progress: called after each submission with (done, total).
    public func verify(progress: (Int, Int) -> Void = { _, _ in }) -> [VerificationFinding] {
        verifyRecordingDisposals(progress: progress).findings
    }

    /// `verify`, also returning every document the chains record as destroyed (by SHA-256), for
    /// the checks of copies kept elsewhere in the archive (an arrived email's).
    public func verifyRecordingDisposals(progress: (Int, Int) -> Void = { _, _ in }) -> (
        findings: [VerificationFinding], destroyed: Set<String>
    ) {
        var findings = Findings()
        checkUsersAndWorkflows(&findings)
        let disposals = checkRetention(&findings)
        for directory in store.incompleteSubmissionDirectories() {
            findings.note(
                store.submissionDirectory(directory),
                "no submission.xml: a submission's creation was interrupted (safe to delete)")
        }
        let references = store.submissionReferences()
        for (index, reference) in references.enumerated() {
            checkSubmission(reference, disposals: disposals, &findings)
            progress(index + 1, references.count)
        }
        checkDisposalsCompleted(disposals, &findings)
        return (findings.list, findings.destroyed)
    }

    struct Findings {
        var list: [VerificationFinding] = []
        /// Documents the chains record as destroyed.
        var destroyed: Set<String> = []
        /// "LIST|REF|EVENT-SHA256" of every disposal event read, and the lists they name.
        var disposalEvents: Set<String> = []
        var listsWithEvents: Set<String> = []
        mutating func problem(_ path: String, _ message: String) {
            list.append(VerificationFinding(severity: .problem, path: path, message: message))
        }
        mutating func note(_ path: String, _ message: String) {
            list.append(VerificationFinding(severity: .note, path: path, message: message))
        }
    }

    private func checkUsersAndWorkflows(_ findings: inout Findings) {
        for name in DurableFile.list("\(store.root)/users") where name.hasSuffix(".xml") {
            let path = "\(store.root)/users/\(name)"
            do { _ = try store.readDocument(path, root: "user") } catch { findings.problem(path, "\(error)") }
        }
        for path in store.workflowFiles() {
            checkWorkflow(path, expectedDigest: nil, &findings)
        }
        for name in DurableFile.list("\(store.root)/workflows/pinned") where name.hasSuffix(".scxml") {
            checkWorkflow(
                "\(store.root)/workflows/pinned/\(name)", expectedDigest: String(name.dropLast(".scxml".count)),
                &findings)
        }
    }

    @discardableResult
    private func checkWorkflow(_ path: String, expectedDigest: String?, _ findings: inout Findings)
        -> WorkflowDefinition?
    {
        do {
            let definition = try loader.load(try DurableFile.read(path), source: path)
            if let expectedDigest, definition.digest != expectedDigest {
                findings.problem(path, "content does not match its digest name (now \(definition.digest))")
                return nil
            }
            return definition
        } catch let error as WorkflowDefinitionError {
            for problem in error.problems { findings.problem(path, "line \(problem.line): \(problem.reason)") }
        } catch {
            findings.problem(path, "\(error)")
        }
        return nil
    }

    private func checkSubmission(_ reference: String, disposals: ApprovedDisposals, _ findings: inout Findings) {
        let directory = store.submissionDirectory(reference)
        let identity: (record: SubmissionRecord, sha256: String)
        do {
            identity = try store.submission(reference)
        } catch {
            findings.problem("\(directory)/submission.xml", "\(error)")
            return
        }
        let events = checkEvents(reference, anchor: identity.sha256, &findings)
        let destroyed = Self.destroyedDocuments(events)
        findings.destroyed.formUnion(destroyed.keys)
        checkHead(reference, events: events, anchor: identity.sha256, &findings)
        checkDocuments(
            reference, cited: events.flatMap(Self.citedDocuments), metadataDigests: Self.metadataDigests(events),
            destroyed: destroyed, &findings)
        checkPackChanges(events, &findings)
        checkDisposals(reference, events: events, approved: disposals, &findings)

        let pinned = store.pinnedWorkflowPath(digest: identity.record.workflowDigest)
        guard DurableFile.exists(pinned) else {
            findings.problem(pinned, "the workflow definition \(reference) is pinned to is missing")
            return
        }
        var scratch = Findings()
        guard let definition = checkWorkflow(pinned, expectedDigest: identity.record.workflowDigest, &scratch) else {
            return  // already reported once, under the workflows
        }
        do {
            _ = try WorkflowEngine(definition: definition).replay(events.compactMap(\.event.workflowRecord))
        } catch {
            findings.problem("\(directory)/events", "history does not replay: \(error)")
        }
    }

    /// Validates each event file and its link to the one before; returns those that read.
    private func checkEvents(_ reference: String, anchor: String, _ findings: inout Findings)
        -> [ArchiveStore.ReadEvent]
    {
        let directory = "\(store.submissionDirectory(reference))/events"
        var events: [ArchiveStore.ReadEvent] = []
        var chain = HashChainWalker(anchor: anchor, anchorName: "submission.xml")
        for name in DurableFile.list(directory) {
            let path = "\(directory)/\(name)"
            if name.hasPrefix(DurableFile.temporaryPrefix) {
                findings.note(path, "temporary file left by an interrupted write (safe to delete)")
                continue
            }
            switch chain.enter(name) {
            case .unexpectedName?:
                findings.problem(path, "unexpected file among the events (inserted?)")
                continue
            case .missing(let first, let last)?:
                findings.problem(
                    path,
                    "events \(ArchiveStore.eventFileName(first)) to \(ArchiveStore.eventFileName(last)) are missing "
                        + "(deleted?)")
            case .duplicate?: findings.problem(path, "duplicate event number")
            case nil: break
            }
            let bytes: [UInt8]
            let event: StoredEvent
            do {
                let read = try store.readDocument(path, root: "event")
                bytes = read.1
                event = try StoredEvent(reading: store.reader(read.0, path: path))
            } catch {
                findings.problem(path, "\(error)")
                chain.unreadable()
                continue
            }
            if !chain.isNumbered(recorded: event.sequence) {
                findings.problem(
                    path, "records sequence \(event.sequence) but is file number \(chain.number) (reordered?)")
            }
            if event.submission != reference {
                findings.problem(path, "records submission \(event.submission) (moved from another submission?)")
            }
            let previousName = chain.previousName
            let sha = ArchiveStore.sha256(bytes)
            if !chain.link(previous: event.previous, sha256: sha) {
                findings.problem(
                    path,
                    "hash chain broken: previous does not match the SHA-256 of \(previousName) (edited, "
                        + "inserted, deleted or reordered event)")
            }
            events.append(ArchiveStore.ReadEvent(event: event, fileSHA256: sha, path: path))
        }
        return events
    }

    private func checkHead(
        _ reference: String, events: [ArchiveStore.ReadEvent], anchor: String, _ findings: inout Findings
    ) {
        let path = "\(store.submissionDirectory(reference))/head.xml"
        let head: (sequence: Int, sha256: String)?
        do {
            head = try store.head(reference)
        } catch {
            findings.problem(path, "\(error)")
            return
        }
        guard let head else {
            if events.isEmpty {
                findings.note(path, "missing, with no events yet: the submission's creation was interrupted")
            } else {
                findings.problem(path, "missing: the chain head was deleted")
            }
            return
        }
        let last = events.last.map { ($0.event.sequence, $0.fileSHA256) } ?? (0, anchor)
        if head.sequence == last.0 && head.sha256 == last.1 { return }
        // Behind, but pointing exactly at an earlier link of the chain: writes were killed
        // after linking their event and before updating the head (the next write repairs it).
        if head.sequence >= 0 && head.sequence < last.0 {
            let there =
                head.sequence == 0 ? anchor : events.first { $0.event.sequence == head.sequence }?.fileSHA256
            if there == head.sha256 {
                let behind = last.0 - head.sequence
                findings.note(
                    path,
                    "\(behind == 1 ? "one event" : "\(behind) events") behind (a write was interrupted "
                        + "before the head was updated)")
                return
            }
        }
        if head.sequence > last.0 {
            findings.problem(
                path, "records event \(head.sequence) but the last event file is \(last.0) (events deleted)")
        } else {
            findings.problem(path, "does not match event \(head.sequence) (the last event was edited or replaced)")
        }
    }

    private func checkDocuments(
        _ reference: String, cited: [PackDocument], metadataDigests: [String: String], destroyed: [String: String],
        _ findings: inout Findings
    ) {
        let citedDigests = Set(cited.map(\.sha256))
        var accounted = Set<String>()
        for sha in citedDigests.sorted() {
            let metadataPath = store.metadataPath(reference, sha)
            accounted.insert("\(sha).xml")
            let metadata: DocumentMetadata
            do {
                metadata = try store.documentMetadata(reference, sha256: sha)
            } catch {
                findings.problem(metadataPath, "cited by an event but \(error)")
                continue
            }
            accounted.insert(metadata.storedAs)
            if let recorded = metadataDigests[sha],
                let actual = try? store.metadataFileSHA256(reference, sha256: sha), actual != recorded
            {
                findings.problem(
                    metadataPath,
                    "metadata changed since it was archived (its SHA-256 is not the one its event records)")
            }
            let contentPath = store.documentPath(reference, storedAs: metadata.storedAs)
            guard metadata.storedAs.hasPrefix(sha + "."), metadata.sha256 == sha else {
                findings.problem(metadataPath, "names another document's file (\(metadata.storedAs))")
                continue
            }
            if let list = destroyed[sha] {
                // Destroyed under a disposal list: the content must be gone, the metadata stays
                // (checked above against the SHA-256 its event fixed).
                if DurableFile.exists(contentPath) {
                    findings.note(
                        contentPath,
                        "destroyed under \(list) but still present: the disposal was interrupted (run 'docket "
                            + "retention dispose \(list)' again to finish it)")
                }
                continue
            }
            do {
                let content = try DurableFile.read(contentPath)
                let actual = ArchiveStore.sha256(content)
                if actual != sha {
                    findings.problem(contentPath, "content changed: SHA-256 is now \(actual)")
                } else if content.count != metadata.size {
                    findings.problem(metadataPath, "records size \(metadata.size), file has \(content.count) bytes")
                }
            } catch {
                findings.problem(contentPath, "document file unreadable or missing: \(error)")
            }
        }
        for name in store.documentFileNames(reference) where !accounted.contains(name) {
            let path = "\(store.documentsDirectory(reference))/\(name)"
            if name.hasPrefix(DurableFile.temporaryPrefix) {
                findings.note(path, "temporary file left by an interrupted write (safe to delete)")
            } else if let digest = name.split(separator: ".").first, ArchiveStore.isSHA256(String(digest)) {
                findings.note(path, "not cited by any event (left by an interrupted document add)")
            } else {
                findings.problem(path, "unexpected file among the documents")
            }
        }
    }

    /// Document SHA-256 → the metadata file's SHA-256 recorded when it was added. A later event
    /// that cites the same document again wins: an attachment filed with its message and then
    /// recorded as the response has its metadata rewritten as the response's.
    private static func metadataDigests(_ events: [ArchiveStore.ReadEvent]) -> [String: String] {
        var digests: [String: String] = [:]
        for read in events {
            switch read.event.body {
            case .documentAdded(let document, let metadata?, _):
                digests[document.sha256] = metadata
            case .correspondenceFiled(let filing):
                for filed in filing.documents { digests[filed.document.sha256] = filed.metadataSHA256 }
            default:
                break
            }
        }
        return digests
    }

    /// Document SHA-256 → the list it was destroyed under, from the chain's disposal events.
    private static func destroyedDocuments(_ events: [ArchiveStore.ReadEvent]) -> [String: String] {
        var destroyed: [String: String] = [:]
        for read in events {
            guard case .recordsDisposed(let disposal) = read.event.body, disposal.action == .destroy else { continue }
            for disposed in disposal.documents { destroyed[disposed.document.sha256] = disposal.list }
        }
        return destroyed
    }

    private static func citedDocuments(_ read: ArchiveStore.ReadEvent) -> [PackDocument] {
        switch read.event.body {
        case .recordsDisposed(let disposal): return disposal.documents.map(\.document)
        case .documentAdded(let document, _, _): return [document]
        case .documentRemoved(let document, _): return [document]
        case .transition(let transition): return transition.documents
        case .correspondenceFiled(let filing): return filing.documents.map(\.document)
        }
    }

    /// Every removal and replacement must name a document that was in the pack at the time,
    /// and no document may join the pack twice (its metadata file is cited once).
    private func checkPackChanges(_ events: [ArchiveStore.ReadEvent], _ findings: inout Findings) {
        var pack = PackContents()
        var joined = Set<String>()
        var filed = Set<String>()
        for read in events {
            switch read.event.body {
            case .documentAdded(let document, _, let replaced):
                if !joined.insert(document.sha256).inserted {
                    findings.problem(read.path, "adds \(document.sha256), which joined the pack before")
                }
                if let replaced, !pack.contains(replaced) {
                    findings.problem(read.path, "replaces \(replaced), which is not in the pack at that point")
                }
            case .documentRemoved(let document, _):
                if !pack.contains(document.sha256) {
                    findings.problem(read.path, "removes \(document.sha256), which is not in the pack at that point")
                }
            case .recordsDisposed(let disposal):
                for disposed in disposal.documents where !joined.contains(disposed.document.sha256) {
                    if !filed.contains(disposed.document.sha256) {
                        findings.problem(
                            read.path, "disposes of \(disposed.document.sha256), which no earlier event recorded")
                    }
                }
            case .transition:
                break
            case .correspondenceFiled(let filing):
                // Filed correspondence is outside the pack, but it is a record that may be disposed of.
                for document in filing.documents { filed.insert(document.document.sha256) }
            }
            pack.apply(read.event)
        }
    }

}
