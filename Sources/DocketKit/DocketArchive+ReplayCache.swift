import Archive
import Workflow

/// Submissions as this process last replayed them, each kept with the snapshot of the chain
/// files it was computed from (`ChainSnapshot`: the head's SHA-256 and every file's stamp).
///
/// Why: a submission's state is derived, never stored, so every fire used to re-read, re-parse
/// and re-validate its whole chain, and cost ~0.07 ms more per event of history. With the state
/// kept here, a read checks with one `stat` per file that the chain on disk still holds what was
/// replayed, reads and hashes again the head the next event builds on, and reads, validates and
/// chain-checks only the events added since — by this process or any other. Anything else (an
/// event file rewritten, removed, renamed or added out of order, `submission.xml` changed, the
/// archive restored) drops the entry, and the whole chain is read again, which reports damage
/// exactly as it always has. `verify` never looks here.
///
/// Process-local (one per `DocketArchive`, behind its Mutex) and bounded: past `capacity`
/// submissions the least recently used quarter is forgotten, so a sweep over every submission
/// (a listing, an index sync) costs a few megabytes at most, never memory that grows with the archive.
struct ReplayCache: Sendable {
    /// Submissions kept (a real submission's state is tens of kilobytes at most).
    let capacity: Int

    private struct Entry: Sendable {
        var current: DocketArchive.CurrentSubmission
        var snapshot: ChainSnapshot
        var used: UInt64
    }

    private var entries: [String: Entry] = [:]
    private var uses: UInt64 = 0

    init(capacity: Int = 2048) {
        self.capacity = max(1, capacity)
    }

    /// The state kept for `reference` and the snapshot it was replayed from, if any.
    mutating func entry(for reference: String) -> (DocketArchive.CurrentSubmission, ChainSnapshot)? {
        guard var entry = entries[reference] else { return nil }
        uses += 1
        entry.used = uses
        entries[reference] = entry
        return (entry.current, entry.snapshot)
    }

    /// Keeps a replayed state, unless one replayed from a longer chain is kept already (two
    /// readers of one submission may finish in either order).
    mutating func keep(_ current: DocketArchive.CurrentSubmission, replayedFrom snapshot: ChainSnapshot) {
        if let kept = entries[snapshot.reference], kept.snapshot.count > snapshot.count { return }
        uses += 1
        entries[snapshot.reference] = Entry(current: current, snapshot: snapshot, used: uses)
        if entries.count > capacity {
            let oldest = entries.sorted { $0.value.used < $1.value.used }.prefix(max(1, capacity / 4))
            for (reference, _) in oldest { entries[reference] = nil }
        }
    }

    /// Forgets a submission whose chain on disk no longer extends what was kept.
    mutating func forget(_ reference: String) {
        entries[reference] = nil
    }

    /// How many submissions are kept (for tests).
    var count: Int { entries.count }
}

extension DocketArchive {
    /// A submission read for a write or a view: from the replay cache when the chain on disk
    /// extends what it holds (only newer events are read), else from the whole chain.
    func readSubmission(_ reference: String) throws(DocketError) -> CurrentSubmission {
        if let (kept, snapshot) = replayCache.withLock({ $0.entry(for: reference) }) {
            if let (added, extended) = store.eventsAdded(since: snapshot) {
                var current = kept
                current.append(added)
                // Kept even when nothing was added: the newer snapshot lets recent files settle.
                replayCache.withLock { $0.keep(current, replayedFrom: extended) }
                return current
            }
            replayCache.withLock { $0.forget(reference) }
        }
        let (record, events, snapshot) = try archive { () throws(ArchiveError) in try store.chain(reference) }
        let current = CurrentSubmission(
            record: record, anchorSHA256: snapshot.anchorSHA256, events: events, definition: try pinnedWorkflow(record))
        replayCache.withLock { $0.keep(current, replayedFrom: snapshot) }
        return current
    }
}

extension DocketArchive.CurrentSubmission {
    /// The submission after `events`, replayed from its creation.
    init(
        record: SubmissionRecord, anchorSHA256: String, events: [ArchiveStore.ReadEvent], definition: WorkflowDefinition
    ) {
        self.record = record
        self.events = []
        headSHA256 = anchorSHA256
        self.definition = definition
        transitions = []
        contents = PackContents()
        status = .success(WorkflowEngine(definition: definition).initialStatus)
        append(events)
    }

    /// Applies events read after the ones already replayed (in chain order).
    mutating func append(_ added: [ArchiveStore.ReadEvent]) {
        let engine = WorkflowEngine(definition: definition)
        for read in added {
            events.append(read)
            headSHA256 = read.fileSHA256
            contents.apply(read.event)
            guard let transition = read.event.workflowRecord else { continue }
            transitions.append(transition)
            status = status.flatMap { before in
                Result { () throws(Rejection) in try engine.replay([transition], from: before) }
            }
        }
    }

    /// Where the transitions leave the submission.
    ///
    /// - Throws: `.rejected` if they do not replay under the pinned workflow.
    func replayed() throws(DocketError) -> WorkflowEngine.Status {
        switch status {
        case .success(let status): return status
        case .failure(let rejection): throw .rejected(rejection)
        }
    }
}
