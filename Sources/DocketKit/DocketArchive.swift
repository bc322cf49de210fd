import Archive
import Foundation
import Index
import Mail
import Synchronization
import TextExtraction
import Workflow
import XML

/// Docket's use cases over one archive: users, submissions, documents, events, verification.
///
/// Owns the write path and its order — document files first, then the event that cites them,
/// then the chain head — so that a crash never leaves an event pointing at a missing file.
/// The CLI and the web app call this and nothing below it.
public final class DocketArchive: Sendable {
    public let store: ArchiveStore
    let loader: WorkflowLoader
    let clock: @Sendable () -> Date
    /// The operating-system account running this process, recorded beside the Docket user.
    public let systemUser: String
    public let calendar: WorkingCalendar
    /// What the feature services share: the files, the clock, the calendar, the process's user.
    let context: ArchiveContext
    /// Users, roles, delegations, passwords and tokens (the façade's user methods forward here).
    public let accounts: UserAccounts
    /// Pinned workflow definitions already loaded, by digest.
    private let pinnedDefinitions = Mutex<[String: WorkflowDefinition]>([:])
    /// The search index, once something asked for it (see `DocketArchive+Index`).
    let openedIndex = Mutex<SearchIndex?>(nil)
    /// The index opened only to record this process's writes (see `indexForRecordingWrites`).
    let recordingIndex = Mutex<SearchIndex?>(nil)
    /// Reads text out of documents for the index.
    let textExtractor: TextExtractor
    /// How much an arriving email may ask of the reader; one past them is archived unread.
    let messageLimits: MessageLimits
    /// Views derived from many records (meetings, series, deadlines), with the index
    /// generation they were computed at (see `DocketArchive+Cache`).
    let derivedViews = Mutex<DerivedViewCache>(DerivedViewCache())
    /// Submissions as last replayed, with the chain snapshot each was read at, so that a fire
    /// reads only the events newer than it (see `ReplayCache`).
    let replayCache = Mutex<ReplayCache>(ReplayCache())
    /// This process's writes' index rows, committed together when they come at once (see `IndexGroupCommit`).
    let indexCommits = IndexGroupCommit()
    /// Who is told of changes as they are made (see `ArchiveObserver`).
    let observerSlot = Mutex<(any ArchiveObserver)?>(nil)

    /// Opens the archive at `path`.
    ///
    /// - Parameters:
    ///   - clock: the time source (tests pass a fixed one); instants are kept to the millisecond.
    ///   - systemUser: the operating-system user to record (default: the process's user).
    ///   - calendar: working days (default: the bank holidays the archive carries in
    ///     `calendar/`; weekends only if it has none).
    ///   - signingKey: the private key file records are signed with once the archive has a key
    ///     (default: `SigningKeyLocation.defaultPath`); read at the first write only.
    public init(
        opening path: String, clock: @escaping @Sendable () -> Date = { Date() }, systemUser: String? = nil,
        calendar: WorkingCalendar? = nil, textExtractor: TextExtractor = TextExtractor(),
        messageLimits: MessageLimits = MessageLimits(), signingKey: String? = nil
    ) throws(DocketError) {
        do {
            store = try ArchiveStore(
                opening: path, signingKeyPath: signingKey ?? SigningKeyLocation.defaultPath(forArchiveAt: path))
            loader = WorkflowLoader(
                scxmlSchema: try XMLSchema(contentsOfFile: "\(path)/\(ArchiveStore.scxmlSchemaFile)"))
        } catch let error as ArchiveError {
            throw .archive(error)
        } catch {
            throw .archive(.damaged(path: "\(path)/\(ArchiveStore.scxmlSchemaFile)", reason: "\(error)"))
        }
        self.clock = clock
        self.systemUser = systemUser ?? Self.processUser()
        let holidays = "\(path)/\(ArchiveStore.bankHolidaysFile)"
        if let calendar {
            self.calendar = calendar
        } else if FileManager.default.fileExists(atPath: holidays) {
            self.calendar = try WorkingCalendar(bankHolidaysFile: holidays)
        } else {
            self.calendar = WorkingCalendar()
        }
        self.textExtractor = textExtractor
        self.messageLimits = messageLimits
        context = ArchiveContext(store: store, clock: clock, systemUser: self.systemUser, calendar: self.calendar)
        accounts = UserAccounts(context: context)
    }

    /// Creates an archive at `path` from the distribution's schemas and workflows.
    ///
    /// - Throws: if `path` already holds an archive, or a shipped workflow does not load.
    @discardableResult
    public static func create(
        at path: String, from distribution: Distribution, clock: @escaping @Sendable () -> Date = { Date() },
        signingKey: String? = nil
    ) throws(DocketError) -> DocketArchive {
        do {
            _ = try ArchiveStore.create(
                at: path, distributionArchive: distribution.archiveDirectory,
                workflowFiles: distribution.workflowFiles(), now: clock())
        } catch {
            throw .archive(error)
        }
        let archive = try DocketArchive(opening: path, clock: clock, signingKey: signingKey)
        _ = try archive.workflows()  // refuse to hand out an archive whose workflows do not load
        return archive
    }

    /// Gives an archive made by an earlier Docket the distributed files it lacks (board schema,
    /// bank holidays) and the workflows it has none of by that name (the minutes' workflow);
    /// never replaces one: a workflow the archive has keeps its own definition.
    ///
    /// - Returns: the files added, relative to the archive.
    @discardableResult
    public static func addMissingDistributionFiles(to path: String, from distribution: Distribution)
        throws(DocketError) -> [String]
    {
        do {
            var added = try ArchiveStore.addMissingDistributionFiles(to: path, from: distribution.archiveDirectory)
            for file in distribution.workflowFiles() {
                let name = String(file.split(separator: "/").last ?? "")
                let target = "\(path)/workflows/\(name)"
                guard !DurableFile.exists(target) else { continue }
                try DurableFile.create(try DurableFile.read(file), at: target)
                added.append("workflows/\(name)")
            }
            return added
        } catch {
            throw .archive(error)
        }
    }

    /// Now, to the millisecond (what the archive records).
    func now() -> Date {
        context.now()
    }

    static func processUser() -> String {
        if let name = getpwuid(geteuid())?.pointee.pw_name { return String(cString: name) }
        return ProcessInfo.processInfo.environment["USER"] ?? "uid-\(geteuid())"
    }

    /// Runs an archive operation, wrapping its error.
    func archive<Value>(_ body: () throws(ArchiveError) -> Value) throws(DocketError) -> Value {
        try context.archive(body)
    }

    // MARK: - Workflows

    /// The current workflow definitions in the archive's `workflows/`, by name.
    public func workflows() throws(DocketError) -> [WorkflowDefinition] {
        try store.workflowFiles().map { (path: String) throws(DocketError) in try loadWorkflow(at: path).definition }
    }

    /// The current definition called `name`, and its file's bytes.
    public func workflow(named name: String) throws(DocketError) -> (definition: WorkflowDefinition, bytes: [UInt8]) {
        for path in store.workflowFiles() {
            let loaded = try loadWorkflow(at: path)
            if loaded.definition.name == name { return loaded }
        }
        throw .noSuchWorkflow(name: name, available: try workflows().map(\.name))
    }

    /// Checks a definition file without installing it.
    public func checkWorkflow(_ bytes: [UInt8], source: String) throws(DocketError) -> WorkflowDefinition {
        do {
            return try loader.load(bytes, source: source)
        } catch {
            throw .workflow(error)
        }
    }

    func loadWorkflow(at path: String) throws(DocketError) -> (definition: WorkflowDefinition, bytes: [UInt8]) {
        let bytes = try archive { () throws(ArchiveError) in try DurableFile.read(path) }
        return (try checkWorkflow(bytes, source: path), bytes)
    }

    /// The definition a submission is pinned to.
    ///
    /// Pinned definitions never change (their name is their digest), so each is loaded and
    /// checked once per process; `verify` still re-checks the files themselves.
    func pinnedWorkflow(_ record: SubmissionRecord) throws(DocketError) -> WorkflowDefinition {
        if let cached = pinnedDefinitions.withLock({ $0[record.workflowDigest] }) { return cached }
        let path = store.pinnedWorkflowPath(digest: record.workflowDigest)
        let definition = try loadWorkflow(at: path).definition
        guard definition.digest == record.workflowDigest else {
            throw .archive(.damaged(path: path, reason: "does not match its digest"))
        }
        pinnedDefinitions.withLock { $0[record.workflowDigest] = definition }
        return definition
    }

    // MARK: - Verification

    /// Checks every series, meeting and report log: each file valid against the board schema,
    /// in sequence, filed under its own log, and chained to the file before.
    func verifyBoardLogs() -> [VerificationFinding] {
        var findings: [VerificationFinding] = []
        let families = SchemaFamily.allCases.map { ($0.file, $0.withoutIt) }
        for (file, consequence) in families + [(ArchiveStore.bankHolidaysFile, "deadlines count weekends only")]
        where !FileManager.default.fileExists(atPath: "\(store.root)/\(file)") {
            findings.append(
                VerificationFinding(
                    severity: .note, path: file,
                    message: "missing (the archive predates it): \(consequence); 'docket init --upgrade' adds it"))
        }
        for kind in BoardLogKind.allCases {
            let directory = "\(store.root)/\(kind.directory)"
            for id in DurableFile.list(directory) where !id.hasPrefix(".") {
                guard ArchiveStore.isSafeName(id) else {
                    findings.append(
                        VerificationFinding(
                            severity: .problem, path: "\(kind.directory)/\(id)",
                            message: "not a valid \(kind.rawValue) id"))
                    continue
                }
                do {
                    let entries = try store.boardEntries(kind, id)
                    if entries.isEmpty {
                        findings.append(
                            VerificationFinding(
                                severity: .note, path: "\(kind.directory)/\(id)",
                                message: "an empty \(kind.rawValue) directory (an interrupted creation?)"))
                    }
                } catch {
                    var path = "\(kind.directory)/\(id)"
                    var message = "\(error)"
                    if case .damaged(let damaged, let reason) = error {
                        path =
                            damaged.hasPrefix(store.root + "/")
                            ? String(damaged.dropFirst(store.root.count + 1)) : damaged
                        message = reason
                    }
                    findings.append(VerificationFinding(severity: .problem, path: path, message: message))
                }
            }
        }
        return findings
    }

    /// Runs every integrity check over the archive (see `ArchiveVerifier`), then adds a note for
    /// each document whose text could not be extracted for search (it is archived and found by
    /// its metadata, but not by its words).
    public func verify(progress: (Int, Int) -> Void = { _, _ in }) throws(DocketError) -> [VerificationFinding] {
        try verifyReporting(progress: progress).findings
    }

    /// `verify`, also saying what the signature check counted (records signed, from before
    /// signing, logs sealed, the keys).
    public func verifyReporting(progress: (Int, Int) -> Void = { _, _ in }) throws(DocketError) -> (
        findings: [VerificationFinding], signatures: SignatureSummary
    ) {
        let verifier = try archive { () throws(ArchiveError) in try ArchiveVerifier(store: store) }
        var (findings, destroyed) = verifier.verifyRecordingDisposals(progress: progress)
        findings += verifyBoardLogs()
        findings += verifyDecisions()
        findings += verifyMailLogs()
        findings += verifyAccessLog()
        findings += store.verifyCorrespondence(destroyed: destroyed)
        let signatures = store.auditSignatures()
        findings += signatures.findings
        // The index is a cache: if it cannot be opened, verify still reports on the archive.
        if let withoutText = try? documentsWithoutText() {
            // A destroyed document has no text by design: its certificate explains it.
            for document in withoutText where !(document.textNote ?? "").hasPrefix(Self.destroyedNotePrefix) {
                findings.append(
                    VerificationFinding(
                        severity: .note, path: "submissions/\(document.reference)/documents/\(document.sha256)",
                        message: "text not extracted for search (\(document.textNote ?? "unknown reason")); "
                            + "found by its metadata only"))
            }
        }
        return (findings, signatures.summary)
    }
}
