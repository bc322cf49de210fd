import Archive
import Foundation
import Index
import Mail
import Synchronization
import TextExtraction
import Workflow

#if canImport(Glibc)
    import CGlibcExtras
#endif

/// What a sync of the index with the archive did.
public struct IndexSyncReport: Sendable, Hashable {
    /// Submissions read from the archive because they were new or had changed.
    public var updated: Int = 0
    /// Submissions found unchanged (by fingerprint) and not read.
    public var unchanged: Int = 0
    /// Submissions no longer in the archive, dropped from the index.
    public var removed: Int = 0
    /// Submissions that could not be read (see `docket verify`), with the reason.
    public var unreadable: [String: String] = [:]
    /// Whether the index was thrown away and built again (missing, damaged, another archive's).
    public var rebuilt = false
}

/// A phase of index work, for progress displays.
public enum IndexProgress: Sendable {
    /// Checking which submissions changed: done of total.
    case checking(Int, Int)
    /// Reading changed submissions into the index: done of total.
    case reading(Int, Int)
}

extension DocketArchive {
    /// The index, opened and brought up to date with the archive.
    ///
    /// The first call in a process opens `index.sqlite` (building it if it is missing or
    /// unusable) and re-reads every submission whose fingerprint changed — written by another
    /// process, edited behind Docket's back, or restored from a backup. Later calls reuse it;
    /// this process's own writes update it as they happen.
    @discardableResult
    public func index(progress: @Sendable (IndexProgress) -> Void = { _ in }) throws(DocketError) -> SearchIndex {
        if let index = openedIndex.withLock({ $0 }) {
            if index.isCurrentFile { return index }
            // Rebuilt by another process (`docket reindex` while the web app runs): this handle
            // reads a file no longer in the archive. Open the new one; requests still reading
            // the old handle finish on it, and it closes when the last lets go.
            openedIndex.withLock { opened in if opened === index { opened = nil } }
        }
        let (index, _) = try openAndSyncIndex(progress: progress)
        return index
    }

    /// Brings the index up to date with the archive and says what that took.
    public func syncIndex(progress: @Sendable (IndexProgress) -> Void = { _ in }) throws(DocketError) -> IndexSyncReport
    {
        if let index = openedIndex.withLock({ $0 }) { return try sync(index, progress: progress) }
        return try openAndSyncIndex(progress: progress).1
    }

    /// Throws the index away and builds it again from the archive alone.
    ///
    /// The new index is built beside the old one and moved into place when complete, so an
    /// interrupted rebuild leaves the old index (or none) and never a half-built one.
    public func reindex(progress: @Sendable (IndexProgress) -> Void = { _ in }) throws(DocketError) -> IndexSyncReport {
        Self.returnLargeBlocksToTheSystem()
        let path = store.indexPath
        openedIndex.withLock { opened in
            try? opened?.close()
            opened = nil
        }
        recordingIndex.withLock { handle in
            try? handle?.close()
            handle = nil
        }
        forgetDerivedViews()
        let buildPath = "\(path).rebuild-\(getpid())"
        Self.removeIndexFiles(at: buildPath)
        var report: IndexSyncReport
        do {
            let building = try SearchIndex(buildingAt: buildPath)
            try building.setMeta("archive", try archiveIdentity())
            report = try sync(building, progress: progress)
            try building.finish()
        } catch let error as DocketError {
            Self.removeIndexFiles(at: buildPath)
            throw error
        } catch {
            Self.removeIndexFiles(at: buildPath)
            throw .index(error as? IndexError ?? .failed("\(error)"))
        }
        // A stale write-ahead log beside the old file must not be replayed into the new one.
        Self.removeIndexFiles(at: path)
        guard rename(buildPath, path) == 0 else {
            let reason = String(cString: strerror(errno))
            Self.removeIndexFiles(at: buildPath)
            throw .index(.failed("could not move the rebuilt index into place: \(reason)"))
        }
        report.rebuilt = true
        return report
    }

    /// A rebuild hands tables of a few megabytes (each batch's word counts) from the reading
    /// threads to the writer. glibc's malloc serves a block that large from the system and, the
    /// first time one is freed, raises that threshold to its size — from then on keeping such
    /// blocks in each thread's arena, where they pile up: at a million documents, the peak went
    /// from 133 MB to 239 MB. A fixed threshold keeps returning them (at 100,000 documents
    /// 179 → 159 MB; at a million, 191.6 MB).
    private static func returnLargeBlocksToTheSystem() {
        #if canImport(Glibc)
            _ = mallopt(M_MMAP_THRESHOLD, 256 * 1024)
        #endif
    }

    // MARK: - Opening and syncing

    private func openAndSyncIndex(
        progress: @Sendable (IndexProgress) -> Void
    ) throws(DocketError) -> (SearchIndex, IndexSyncReport) {
        let path = store.indexPath
        let identity = try archiveIdentity()
        var rebuilt = false
        var index: SearchIndex
        do {
            index = try SearchIndex(path: path)
            let owner = try index.meta("archive")
            if owner != identity {
                // Another archive's index (copied in with a restore, say), or one whose owner was
                // never recorded but which holds rows: start again.
                let holdsRows = try !index.fingerprints().isEmpty
                if owner != nil || holdsRows {
                    try index.close()
                    Self.removeIndexFiles(at: path)
                    index = try SearchIndex(path: path)
                    rebuilt = true
                }
                try index.setMeta("archive", identity)
            }
        } catch {
            // A cache that cannot be used is rebuilt, never repaired: the archive has everything.
            Self.removeIndexFiles(at: path)
            do {
                index = try SearchIndex(path: path)
                try index.setMeta("archive", identity)
            } catch {
                throw .index(error)
            }
            rebuilt = true
        }
        var report = try sync(index, progress: progress)
        report.rebuilt = report.rebuilt || rebuilt
        let shared = openedIndex.withLock { opened in
            if let opened { return opened }  // another task won the race; use its handle
            opened = index
            return index
        }
        if shared !== index { try? index.close() }
        return (shared, report)
    }

    /// Compares every submission's fingerprint with the index's and re-reads those that differ.
    func sync(_ index: SearchIndex, progress: @Sendable (IndexProgress) -> Void) throws(DocketError) -> IndexSyncReport
    {
        var report = IndexSyncReport()
        let known = try indexCall { () throws(IndexError) in try index.fingerprints() }
        let names = store.submissionDirectoryNames()
        var changed: [(reference: String, fingerprint: String, isNew: Bool)] = []
        var present: [String] = []
        present.reserveCapacity(names.count)
        var presentAndKnown = 0
        let now = Date()
        for start in stride(from: 0, to: names.count, by: 4096) {
            progress(.checking(start, names.count))
            let chunk = names[start..<min(start + 4096, names.count)]
            for (name, fingerprint) in zip(chunk, store.fingerprints(of: chunk, now: now)) {
                guard let fingerprint else { continue }  // an interrupted creation
                present.append(name)
                let old = known[name]
                if old != nil { presentAndKnown += 1 }
                if let old, old == fingerprint, !old.hasPrefix("unsettled:") {
                    report.unchanged += 1
                } else {
                    changed.append((name, fingerprint, old == nil))
                }
            }
        }
        progress(.checking(names.count, names.count))
        // Names are unique, so every known submission is present unless fewer matched.
        var gone: [String] = []
        if presentAndKnown < known.count {
            let presentSet = Set(present)
            gone = known.keys.filter { !presentSet.contains($0) }
        }
        if !gone.isEmpty {
            try indexCall { () throws(IndexError) in try index.remove(gone.sorted()) }
            report.removed = gone.count
        }
        // Oldest first (by when submission.xml was written): each transaction's new documents
        // take ids below the last one's, so that ascending ids — the FTS rowids "newest first"
        // follows — run newest first across a rebuild too.
        let written = Dictionary(
            changed.map { ($0.reference, store.submissionWrittenTime($0.reference)) },
            uniquingKeysWith: { first, _ in first })
        changed.sort { (written[$0.reference] ?? 0, $0.reference) < (written[$1.reference] ?? 0, $1.reference) }
        // Reading (XML, replay, text extraction; on every core) runs ahead of writing (SQLite,
        // one connection) by at most two batches, so both proceed at once and memory stays flat.
        let batchSize = 64
        let batches = stride(from: 0, to: changed.count, by: batchSize).map {
            Array(changed[$0..<min($0 + batchSize, changed.count)])
        }
        let buffer = BoundedBuffer<(results: [Result<IndexedSubmission, DocketError>], counted: WordCounts)>(
            capacity: 2)
        let producerDone = DispatchSemaphore(value: 0)
        // On a dispatch worker, not a thread of its own: a thread that ends runs libxml2's
        // per-thread clean-up, which corrupted the heap under load (a stress loop of reindexes
        // crashed in tcache_thread_shutdown about one run in thirty).
        let wordCounter = WordCounter()
        DispatchQueue.global(qos: .userInitiated).async { [self] in
            for batch in batches {
                let read = readForIndex(batch, index: index, counter: wordCounter)
                guard buffer.put(read) else { break }  // the writer gave up
            }
            buffer.close()
            producerDone.signal()
        }
        defer {
            buffer.cancel()
            producerDone.wait()
        }
        var done = 0
        // A bulk build commits every 4 batches (about 2,000 documents); a sync of a live index
        // every batch, so that other readers see progress and no lock is held long. (Larger
        // FTS5 segments — bigger transactions, a 64 MB `hashsize` — were measured: no faster.)
        let batchesPerTransaction = index.isBuilding ? 4 : 1
        var ready: [IndexedSubmission] = []
        var readyCounted = WordCounts()
        for (number, batch) in batches.enumerated() {
            progress(.reading(done, changed.count))
            guard let (results, counted) = buffer.take() else { break }
            readyCounted.merge(counted)
            for (item, result) in zip(batch, results) {
                switch result {
                case .success(let submission): ready.append(submission)
                case .failure(.archive(.noSuchSubmission)):
                    break  // a creation still under way (or interrupted): no submission.xml yet
                case .failure(let error):
                    report.unreadable[item.reference] = "\(error)"
                    try indexCall { () throws(IndexError) in
                        try index.markUnreadable(item.reference, reason: "\(error)", fingerprint: item.fingerprint)
                    }
                }
            }
            done += batch.count
            if (number + 1) % batchesPerTransaction == 0 || number == batches.count - 1 {
                try indexCall { () throws(IndexError) in try index.replace(ready, counted: readyCounted) }
                report.updated += ready.count
                ready.removeAll(keepingCapacity: true)
                readyCounted = WordCounts()
            }
        }
        progress(.reading(changed.count, changed.count))
        try syncArrivals(index)
        return report
    }

    /// The searchable text of an email: who wrote to whom, the subject, and its own text part
    /// (else its HTML part as text). Attachments are indexed as documents of their own.
    func messageText(at path: String) -> ExtractedText {
        let bytes: [UInt8]
        do {
            bytes = try DurableFile.read(path, limit: messageLimits.maximumMessageBytes)
        } catch {
            return ExtractedText(
                text: "", outcome: .notExtracted(reason: "the email could not be read: \(error)"), truncated: false)
        }
        guard let parsed = try? ParsedMessage(bytes: bytes, limits: messageLimits) else {
            return ExtractedText(
                text: "",
                outcome: .notExtracted(
                    reason: "Docket could not read this email's structure; it is archived as it came"),
                truncated: false)
        }
        var lines = ["From", "To", "Cc", "Subject"].flatMap { name in parsed.headers.values(name) }
        if let text = parsed.plainTextBody {
            lines.append(text)
        } else if let html = parsed.parts.first(where: { $0.contentType == "text/html" && !$0.isAttachment }) {
            let extracted = textExtractor.extract(bytes: html.body, mediaType: "text/html")
            if extracted.outcome == .extracted { lines.append(extracted.text) }
        }
        return textExtractor.extract(bytes: Array(lines.joined(separator: "\n").utf8), mediaType: "text/plain")
    }

    /// Reads a batch of submissions for the index on several threads: reading XML, replaying,
    /// extracting text and counting its words are independent per submission; SQLite writes
    /// stay on one thread.
    private func readForIndex(
        _ batch: [(reference: String, fingerprint: String, isNew: Bool)], index: SearchIndex, counter: WordCounter
    ) -> (results: [Result<IndexedSubmission, DocketError>], counted: WordCounts) {
        let results = ResultSlots<Result<IndexedSubmission, DocketError>>(count: batch.count)
        ReadingThreads.perform(iterations: batch.count) { [self] position in
            let item = batch[position]
            results.set(
                position,
                Result { () throws(DocketError) -> IndexedSubmission in
                    // A submission new to the index has no documents there to reuse (and asking
                    // would wait on the writer's transaction).
                    let known =
                        item.isNew
                        ? [:]
                        : try indexCall { () throws(IndexError) in try index.indexedDocuments(of: item.reference) }
                    var submission = try indexedSubmission(item.reference, fingerprint: item.fingerprint, known: known)
                    counter.count(&submission)  // here, on the reading threads, not on the writer thread
                    return submission
                })
        }
        return (results.values, counter.take())
    }

    /// The index to record this process's own writes in: the open one, or, in a process that
    /// has not needed it so far (a CLI command firing one event), the file opened without the
    /// full sync — so that a long-running web app sees the change at once, not at its next
    /// start. Nil when there is no index yet or it belongs to another archive (the next full
    /// open rebuilds it).
    func indexForRecordingWrites() -> SearchIndex? {
        if let index = openedIndex.withLock({ $0 }), index.isCurrentFile { return index }
        let path = store.indexPath
        return recordingIndex.withLock { handle -> SearchIndex? in
            if let current = handle, current.isCurrentFile { return current }
            handle = nil
            guard FileManager.default.fileExists(atPath: path), let identity = try? archiveIdentity(),
                let index = try? SearchIndex(path: path), (try? index.meta("archive")) == identity
            else {
                return nil
            }
            handle = index
            return index
        }
    }

    /// Updates the index for one submission this process just wrote.
    /// The archive write has already succeeded: an index failure here is left for the next sync.
    ///
    /// - Parameter written: the submission as the write left it, when the writer has it (a
    ///   fire: what it read plus the event it appended); else it is read again.
    func refreshIndex(for reference: String, written: CurrentSubmission? = nil) {
        guard let index = indexForRecordingWrites() else {
            distrustDerivedViews()  // nothing to record the change in: see below
            return
        }
        guard let fingerprint = store.fingerprint(reference) else { return }
        do {
            let known = try indexCall { () throws(IndexError) in try index.indexedDocuments(of: reference) }
            // The writer's copy is used only if no later event exists now, after the fingerprint
            // was taken: then the fingerprint is of that chain (events are only ever appended).
            // Else the chain is read again.
            let current = written.flatMap { written in
                DurableFile.exists(store.eventPath(reference, written.events.count + 1)) ? nil : written
            }
            let submission = try indexedSubmission(
                reference, fingerprint: fingerprint, known: known, current: current)
            try indexCall { () throws(IndexError) in try indexCommits.replace(submission, in: index) }
        } catch {
            // The next open re-reads it (its fingerprint in the index is the old one); until
            // then the index's generation did not move, so views cached against it cannot be trusted.
            distrustDerivedViews()
        }
    }

    // MARK: - From archive records to index rows

    /// Everything the index holds about one submission, read from the archive.
    ///
    /// - Parameters:
    ///   - known: documents the index already has (their text is kept, not re-read, unless it
    ///     could not be extracted last time).
    ///   - given: the submission, if the caller holds it as it is on disk; else read here.
    func indexedSubmission(
        _ reference: String, fingerprint: String, known: [String: String?], current given: CurrentSubmission? = nil
    ) throws(DocketError) -> IndexedSubmission {
        let current: CurrentSubmission
        if let given { current = given } else { current = try readSubmission(reference) }
        let view = try makeView(current, for: nil)
        var documents: [IndexedDocument] = []
        let disposals = view.disposals
        // The pack, then the correspondence filed to it (outside the pack, found all the same).
        let filed = view.correspondence.flatMap { [$0.message] + $0.attachments }
        var seen = Set<String>()
        for metadata in view.documents + filed where seen.insert(metadata.sha256).inserted {
            var text: DocumentText?
            if let disposal = disposals[metadata.sha256], disposal.action == .destroy {
                // Destroyed: its words leave the index (and with them every snippet); it is still
                // found by its description, which the archive keeps.
                text = DocumentText(body: "", notExtractedReason: Self.destroyedTextNote(disposal))
            } else if let note = known[metadata.sha256], note == nil {
                text = nil  // extracted before; content is immutable
            } else {
                let path = store.documentPath(reference, storedAs: metadata.storedAs)
                let extracted =
                    metadata.format == "message/rfc822"
                    ? messageText(at: path) : textExtractor.extract(contentsOf: path, mediaType: metadata.format)
                switch extracted.outcome {
                case .extracted: text = DocumentText(body: extracted.text)
                case .notExtracted(let reason): text = DocumentText(body: "", notExtractedReason: reason)
                }
            }
            documents.append(
                IndexedDocument(
                    sha256: metadata.sha256, title: metadata.title, kind: metadata.kind.rawValue,
                    date: metadata.date?.description, creator: metadata.creator?.description,
                    addressees: metadata.addressees.map(\.description), direction: metadata.direction.rawValue,
                    annex: metadata.annex, mediaType: metadata.format, size: metadata.size,
                    originalFileName: metadata.originalFileName, storedAs: metadata.storedAs,
                    description: metadata.description, marking: metadata.protectiveMarking, added: metadata.added,
                    addedBy: metadata.addedBy.user,
                    relations: metadata.relations.map { IndexedRelation(kind: $0.kind.rawValue, target: $0.target) },
                    text: text))
        }
        let events = view.events.enumerated().map { offset, event in
            let file = current.events[offset].fileSHA256
            switch event.body {
            case .transition(let transition):
                return IndexedEvent(
                    sequence: event.sequence, name: transition.name, fromState: transition.from,
                    toState: transition.to, time: event.time, user: event.actor.user,
                    role: event.actor.role?.rawValue, onBehalfOf: event.actor.onBehalfOf,
                    comment: transition.comment, fileSHA256: file)
            case .documentAdded:
                return IndexedEvent(
                    sequence: event.sequence, name: "document-added", fromState: nil, toState: nil, time: event.time,
                    user: event.actor.user, role: event.actor.role?.rawValue, onBehalfOf: event.actor.onBehalfOf,
                    comment: nil, fileSHA256: file)
            case .documentRemoved(_, let reason):
                return IndexedEvent(
                    sequence: event.sequence, name: "document-removed", fromState: nil, toState: nil,
                    time: event.time, user: event.actor.user, role: event.actor.role?.rawValue,
                    onBehalfOf: event.actor.onBehalfOf, comment: reason, fileSHA256: file)
            case .correspondenceFiled:
                return IndexedEvent(
                    sequence: event.sequence, name: "correspondence-filed", fromState: nil, toState: nil,
                    time: event.time, user: event.actor.user, role: event.actor.role?.rawValue,
                    onBehalfOf: event.actor.onBehalfOf, comment: nil, fileSHA256: file)
            case .recordsDisposed(let disposal):
                return IndexedEvent(
                    sequence: event.sequence,
                    name: disposal.action == .destroy ? "records-destroyed" : "records-transferred", fromState: nil,
                    toState: nil, time: event.time, user: event.actor.user, role: event.actor.role?.rawValue,
                    onBehalfOf: event.actor.onBehalfOf, comment: disposal.list, fileSHA256: file)
            }
        }
        return IndexedSubmission(
            reference: reference, title: view.record.title, series: view.record.series,
            service: view.record.service, workflow: view.record.workflowName, state: view.state,
            isFinal: view.isFinal, sequence: view.sequence, created: view.record.created,
            lastActivity: view.events.last?.time ?? view.record.created, deadline: view.deadline?.description,
            imported: events.contains { $0.name == WorkflowEngine.importEvent },
            meeting: Self.scheduling(of: view)?.meeting, fingerprint: fingerprint,
            events: events, documents: documents)
    }

    // MARK: - Plumbing

    /// Identifies the archive an index belongs to: the SHA-256 of its `archive.xml`, written
    /// once when the archive was created.
    func archiveIdentity() throws(DocketError) -> String {
        try archive { () throws(ArchiveError) in ArchiveStore.sha256(try DurableFile.read("\(store.root)/archive.xml"))
        }
    }

    func indexCall<Value>(_ body: () throws(IndexError) -> Value) throws(DocketError) -> Value {
        do {
            return try body()
        } catch {
            throw .index(error)
        }
    }

    static func removeIndexFiles(at path: String) {
        for suffix in ["", "-wal", "-shm", "-journal"] { unlink(path + suffix) }
    }
}

/// Runs a loop's iterations on more threads than there are cores: reading an archive that is
/// not in memory, each thread spends much of its time waiting on the disk (at a million
/// documents, one core's worth of readers left the index's writer idle for 216 s of 847), and
/// a waiting thread needs no core.
enum ReadingThreads {
    /// Twice the cores, at least four.
    static let width = max(4, 2 * ProcessInfo.processInfo.activeProcessorCount)

    /// Calls `body` once for each iteration, on up to `width` threads at once, and returns
    /// when all have returned (their writes are then visible to the caller).
    static func perform(iterations: Int, _ body: @escaping @Sendable (Int) -> Void) {
        let next = Atomic<Int>(0)
        let group = DispatchGroup()
        for thread in 0..<min(width, iterations) {
            // A serial queue each: libdispatch gives every one a thread, where the global
            // queue would run no more at once than there are cores.
            DispatchQueue(label: "docket.index.reading.\(thread)").async(group: group) {
                while true {
                    let position = next.add(1, ordering: .relaxed).oldValue
                    guard position < iterations else { return }
                    body(position)
                }
            }
        }
        group.wait()
    }
}

/// Fixed slots that concurrent iterations each fill once.
final class ResultSlots<Value>: @unchecked Sendable {
    // Safe without a lock: each slot is written by exactly one iteration, and read only after
    // the loop has returned (which orders the writes before the reads). A raw buffer,
    // not an Array property, so that concurrent writes are not overlapping accesses to one value.
    private let slots: UnsafeMutableBufferPointer<Value?>

    init(count: Int) {
        slots = .allocate(capacity: count)
        slots.initialize(repeating: nil)
    }

    deinit {
        slots.deinitialize()
        slots.deallocate()
    }

    func set(_ index: Int, _ value: Value) { slots[index] = value }

    var values: [Value] { slots.map { $0! } }
}

// MARK: - Finding things

extension DocketArchive {
    /// Searches the archive's documents (the index is brought up to date first).
    public func search(
        _ request: SearchRequest, progress: @Sendable (IndexProgress) -> Void = { _ in }
    ) throws(DocketError) -> SearchResults {
        let index = try index(progress: progress)
        return try indexCall { () throws(IndexError) in try index.search(request) }
    }

    /// Everything linked to a submission, in date order: its own documents and, transitively,
    /// every document anywhere that replies to, annexes or versions one of them.
    ///
    /// - Throws: `.archive(.noSuchSubmission)` for an unknown reference.
    public func thread(
        of reference: String, progress: @Sendable (IndexProgress) -> Void = { _ in }
    ) throws(DocketError) -> [DocumentHit] {
        _ = try archive { () throws(ArchiveError) in try store.submission(reference) }
        let index = try index(progress: progress)
        return try withMinutes(of: reference, index: index, restriction: nil)
    }

    /// A submission's thread followed to its end: with the documents of the minutes of every
    /// meeting that considered it (they record its decision), in the thread's date order.
    func withMinutes(of reference: String, index: SearchIndex, restriction: SearchRestriction?)
        throws(DocketError) -> [DocumentHit]
    {
        var hits = try indexCall { () throws(IndexError) in try index.thread(of: reference, restriction: restriction) }
        let minutes = try boardConsiderations(of: reference).compactMap(\.minutes?.reference)
        guard !minutes.isEmpty else { return hits }
        var seen = Set(hits.map(\.sha256))
        for other in minutes {
            for hit in try indexCall({ () throws(IndexError) in try index.thread(of: other, restriction: restriction) })
            where seen.insert(hit.sha256).inserted {
                hits.append(hit)
            }
        }
        // The order the index gives: the business date, else the day added; then the time added.
        func key(_ hit: DocumentHit) -> String {
            hit.date ?? calendar.londonDate(of: hit.added).description
        }
        return hits.enumerated().sorted { left, right in
            let (a, b) = (key(left.element), key(right.element))
            if a != b { return a < b }
            if left.element.added != right.element.added { return left.element.added < right.element.added }
            return left.offset < right.offset
        }.map(\.element)
    }

    /// Documents whose text could not be extracted (so only their metadata is searchable).
    public func documentsWithoutText() throws(DocketError) -> [DocumentHit] {
        let index = try index()
        return try indexCall { () throws(IndexError) in try index.documentsWithoutText() }
    }
}

/// A queue of at most `capacity` items between one producer thread and one consumer.
final class BoundedBuffer<Item>: @unchecked Sendable {
    // Every access to the fields below holds `condition`.
    private let condition = NSCondition()
    private var items: [Item] = []
    private var closed = false
    private var cancelled = false
    private let capacity: Int

    init(capacity: Int) { self.capacity = capacity }

    /// Adds an item, waiting for room. Returns false if the consumer cancelled.
    func put(_ item: Item) -> Bool {
        condition.lock()
        defer { condition.unlock() }
        while items.count >= capacity && !cancelled { condition.wait() }
        guard !cancelled else { return false }
        items.append(item)
        condition.broadcast()
        return true
    }

    /// The next item, waiting for one; nil once the producer closed and all were taken.
    func take() -> Item? {
        condition.lock()
        defer { condition.unlock() }
        while items.isEmpty && !closed { condition.wait() }
        guard !items.isEmpty else { return nil }
        let item = items.removeFirst()
        condition.broadcast()
        return item
    }

    /// The producer has no more items.
    func close() {
        condition.lock()
        closed = true
        condition.broadcast()
        condition.unlock()
    }

    /// The consumer stops taking: a waiting producer returns.
    func cancel() {
        condition.lock()
        cancelled = true
        items.removeAll()
        condition.broadcast()
        condition.unlock()
    }
}
