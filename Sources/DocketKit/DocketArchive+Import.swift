import Archive
import Foundation
import Workflow

extension DocketArchive {
    /// Who may run a bulk import: it creates submissions in any state, so only an administrator.
    public static let importRoles: Set<Role> = [.admin]

    /// Checks a manifest against the archive without writing anything: every row's fields,
    /// every file (read and hashed), every submission's workflow and state, every relation.
    public func planImport(_ manifest: ImportManifest, as user: String) throws(DocketError) -> ImportPlan {
        _ = try require(Self.importRoles, of: user, to: "import")
        var draft = ImportDraft()
        checkRows(of: manifest, into: &draft)
        checkSubmissions(of: manifest, into: &draft)
        return resolveRelations(of: manifest, draft)
    }

    /// What the passes of `planImport` build up, row by row and submission by submission.
    private struct ImportDraft {
        var problems: [ImportProblem] = []
        /// A file may appear in several submissions; a relation to it names its first row.
        var documentsByFile: [String: ImportPlan.Document] = [:]
        /// Submissions in the order the manifest first names them.
        var orderedReferences: [String] = []
        var submissions: [String: ImportPlan.Submission] = [:]
        var rowsOfReference: [String: [Int]] = [:]
        /// Rows without problems of their own, waiting for their relations to be resolved.
        var pending: [(row: Int, fields: [String: String], document: ImportPlan.Document)] = []
        /// Submissions whose rows disagree or that the archive cannot take.
        var invalidReferences = Set<String>()
    }

    /// Pass 1: each row on its own, and its file (read and hashed).
    private func checkRows(of manifest: ImportManifest, into draft: inout ImportDraft) {
        for (number, fields) in manifest.rows {
            var rowProblems: [ImportProblem] = []
            func problem(_ column: String?, _ message: String) {
                rowProblems.append(ImportProblem(row: number, column: column, message: message))
            }
            for column in ImportManifest.requiredColumns where fields[column] == nil {
                problem(column, "is empty; every row needs it")
            }
            let reference = fields["reference"] ?? ""
            if !reference.isEmpty, !ArchiveStore.isSafeName(reference) {
                problem("reference", "'\(reference)' must be letters, digits, '-', '_' or '.'")
            }
            let kind = fields["kind"].flatMap(DocumentKind.init(rawValue:))
            if let raw = fields["kind"], kind == nil {
                problem(
                    "kind", "'\(raw)' is not a kind (\(DocumentKind.allCases.map(\.rawValue).joined(separator: ", ")))")
            }
            let date = fields["date"].flatMap { CalendarDate(iso: $0) }
            if let raw = fields["date"], date == nil { problem("date", "'\(raw)' is not a date YYYY-MM-DD") }
            let creator = fields["from"].flatMap { Party(parsing: $0) }
            if let raw = fields["from"], creator == nil { problem("from", "'\(raw)' names nobody") }
            var addressees: [Party] = []
            for part in (fields["to"] ?? "").split(separator: ";") {
                if let party = Party(parsing: String(part)) {
                    addressees.append(party)
                } else {
                    problem("to", "'\(part)' names nobody")
                }
            }
            let direction = fields["direction"].flatMap(Direction.init(rawValue:))
            if let raw = fields["direction"], direction == nil {
                problem("direction", "'\(raw)' is not outgoing, incoming or internal")
            }
            var sha = ""
            var file = ""
            if let name = fields["file"] {
                file = name.hasPrefix("/") ? name : "\(manifest.folder)/\(name)"
                var info = stat()
                if stat(file, &info) != 0 {
                    problem("file", "\(name) does not exist")
                } else if (info.st_mode & S_IFMT) != S_IFREG {
                    problem("file", "\(name) is not a regular file")
                } else if info.st_size == 0 {
                    problem("file", "\(name) is empty")
                } else if Int(info.st_size) > Self.maximumDocumentSize {
                    problem(
                        "file",
                        Wording.overSizeLimit(name, bytes: Int(info.st_size), limit: Self.maximumDocumentSize))
                } else if let content = FileManager.default.contents(atPath: file) {
                    sha = ArchiveStore.sha256(Array(content))
                } else {
                    problem("file", "\(name) cannot be read")
                }
            }
            let description = DocumentDescription(
                kind: kind ?? .correspondence, title: fields["title"] ?? "", originalFileName: file, date: date,
                creator: creator, addressees: addressees, annex: fields["annex"], direction: direction,
                description: fields["description"], protectiveMarking: fields["marking"] ?? "OFFICIAL")
            let document = ImportPlan.Document(row: number, file: file, sha256: sha, description: description)
            if rowProblems.isEmpty {
                // A file may appear in several submissions; a relation to it names its first row.
                draft.documentsByFile[file] = draft.documentsByFile[file] ?? document
                draft.pending.append((number, fields, document))
            }
            draft.problems += rowProblems
            if !reference.isEmpty {
                if draft.submissions[reference] == nil {
                    draft.orderedReferences.append(reference)
                    draft.submissions[reference] = ImportPlan.Submission(
                        reference: reference, title: "", workflow: "", state: nil, series: nil, service: nil,
                        exists: false, documents: [])
                }
                draft.rowsOfReference[reference, default: []].append(number)
            }
        }

    }

    /// Pass 2: submission-level facts must agree across a submission's rows and with the archive.
    private func checkSubmissions(of manifest: ImportManifest, into draft: inout ImportDraft) {
        let knownSeries = Set(seriesIDs())
        let workflowsByName = Dictionary(
            (try? workflows())?.map { ($0.name, $0) } ?? [], uniquingKeysWith: { first, _ in first })
        for reference in draft.orderedReferences {
            let rows = manifest.rows.filter { $0.fields["reference"] == reference }
            let first = rows[0].number
            func agreed(_ column: String) -> String? {
                let values = Set(rows.compactMap { $0.fields[column] })
                if values.count > 1 {
                    draft.problems.append(
                        ImportProblem(
                            row: first, column: column,
                            message: "rows of \(reference) disagree: \(values.sorted().joined(separator: " / "))"))
                    draft.invalidReferences.insert(reference)
                }
                return values.first
            }
            var submission = draft.submissions[reference]!
            submission.title = agreed("submission_title") ?? ""
            submission.workflow = agreed("workflow") ?? "best-value-submission"
            submission.state = agreed("state")
            submission.series = agreed("series")
            submission.service = agreed("service")
            if let existing = try? store.submission(reference) {
                submission.exists = true
                submission.workflow = existing.record.workflowName
                let view = try? self.submission(reference)
                let untouched = view.map { $0.events.allSatisfy { $0.workflowRecord == nil } } ?? false
                if let state = submission.state, let current = view?.state, state != current, !untouched {
                    draft.problems.append(
                        ImportProblem(
                            row: first, column: "state",
                            message: "\(reference) is already in the archive in state '\(current)', not '\(state)'"))
                    draft.invalidReferences.insert(reference)
                }
                if !untouched { submission.state = nil }
            } else {
                if submission.title.isEmpty {
                    draft.problems.append(
                        ImportProblem(
                            row: first, column: "submission_title", message: "\(reference) is new: give its title"))
                    draft.invalidReferences.insert(reference)
                }
                if let series = submission.series, !ArchiveStore.isSafeName(series) {
                    draft.problems.append(
                        ImportProblem(row: first, column: "series", message: "'\(series)' is not a usable series id"))
                    draft.invalidReferences.insert(reference)
                } else if let series = submission.series, !knownSeries.contains(series) {
                    draft.problems.append(
                        ImportProblem(
                            row: first, column: "series",
                            message: "series '\(series)' is not defined (define it first with 'docket series add')"))
                    draft.invalidReferences.insert(reference)
                }
                if let definition = workflowsByName[submission.workflow] {
                    if let state = submission.state, definition.state(state) == nil {
                        draft.problems.append(
                            ImportProblem(
                                row: first, column: "state",
                                message: "workflow \(definition.name) has no state '\(state)' (states: "
                                    + definition.states.map(\.id).joined(separator: ", ") + ")"))
                        draft.invalidReferences.insert(reference)
                    } else if submission.state == nil {
                        draft.problems.append(
                            ImportProblem(
                                row: first, column: "state",
                                message: "\(reference) is new: give the state to import it in"))
                        draft.invalidReferences.insert(reference)
                    }
                } else {
                    draft.problems.append(
                        ImportProblem(
                            row: first, column: "workflow",
                            message: "no workflow '\(submission.workflow)' (available: "
                                + workflowsByName.keys.sorted().joined(separator: ", ") + ")"))
                    draft.invalidReferences.insert(reference)
                }
            }
            draft.submissions[reference] = submission
        }

    }

    /// Pass 3: relations, which may name another row's file or any SHA-256; then the plan.
    private func resolveRelations(of manifest: ImportManifest, _ draft: ImportDraft) -> ImportPlan {
        var draft = draft
        var invalidRows = Set(draft.problems.map(\.row))
        for reference in draft.invalidReferences { invalidRows.formUnion(draft.rowsOfReference[reference] ?? []) }
        for item in draft.pending {
            var document = item.document
            var rowValid = !invalidRows.contains(item.row)
            for part in (item.fields["relation"] ?? "").split(separator: ";") {
                let pieces = part.split(separator: ":", maxSplits: 1).map {
                    String($0).trimmingCharacters(in: .whitespaces)
                }
                guard pieces.count == 2, let kind = Relation.Kind(rawValue: pieces[0]) else {
                    draft.problems.append(
                        ImportProblem(
                            row: item.row, column: "relation",
                            message: "'\(part)' must be TYPE:TARGET with TYPE one of "
                                + Relation.Kind.allCases.map(\.rawValue).joined(separator: ", ")))
                    rowValid = false
                    continue
                }
                let targetFile = pieces[1].hasPrefix("/") ? pieces[1] : "\(manifest.folder)/\(pieces[1])"
                if ArchiveStore.isSHA256(pieces[1]) {
                    document.description.relations.append(Relation(kind: kind, target: pieces[1]))
                } else if let target = draft.documentsByFile[targetFile], !invalidRows.contains(target.row) {
                    document.description.relations.append(Relation(kind: kind, target: target.sha256))
                } else {
                    draft.problems.append(
                        ImportProblem(
                            row: item.row, column: "relation",
                            message: "'\(pieces[1])' is neither a SHA-256 nor a valid row's file in this manifest"))
                    rowValid = false
                }
            }
            if rowValid {
                draft.submissions[item.fields["reference"]!]!.documents.append(document)
            } else {
                invalidRows.insert(item.row)
            }
        }
        draft.problems.sort { ($0.row, $0.column ?? "") < ($1.row, $1.column ?? "") }
        return ImportPlan(
            submissions: draft.orderedReferences.compactMap {
                draft.invalidReferences.contains($0) ? nil : draft.submissions[$0]
            },
            problems: draft.problems, invalidRows: invalidRows)
    }

    /// Imports what a plan lists. Refuses a plan with problems unless `skipInvalid`.
    ///
    /// Idempotent and restartable: a document already in its submission (same SHA-256) is not
    /// added again, an existing submission is not created again, and the `docket.import` event
    /// is written once, after the submission's documents, attesting its pack. A run killed at
    /// any point and run again finishes the job with nothing lost or doubled.
    ///
    /// - Parameter progress: (documents done, documents in the plan).
    public func runImport(
        _ plan: ImportPlan, manifestName: String, skipInvalid: Bool = false, as user: String,
        progress: (Int, Int) -> Void = { _, _ in }
    ) throws(DocketError) -> ImportReport {
        let grant = try require(Self.importRoles, of: user, to: "import")
        guard plan.problems.isEmpty || skipInvalid else {
            throw .invalidInput(
                "the manifest has \(plan.problems.count) problem(s); nothing was imported:\n  "
                    + plan.problems.map(\.description).joined(separator: "\n  "))
        }
        let stamp = ActorStamp(user: user, role: grant.role, onBehalfOf: grant.onBehalfOf, systemUser: systemUser)
        var report = ImportReport()
        report.rowsSkipped = plan.invalidRows.count
        var done = 0
        let total = plan.documentCount
        progress(0, total)
        for submission in plan.submissions {
            if !submission.exists,
                !DurableFile.exists("\(store.submissionDirectory(submission.reference))/submission.xml")
            {
                try createImported(submission, stamp: stamp)
                report.submissionsCreated += 1
            }
            var present = Set(try readSubmission(submission.reference).pack.map(\.sha256))
            for document in submission.documents {
                if present.contains(document.sha256) {
                    report.documentsAlreadyPresent += 1
                } else {
                    let content: [UInt8]
                    do {
                        content = try DurableFile.read(document.file)
                    } catch {
                        throw .invalidInput("row \(document.row): \(document.file) can no longer be read: \(error)")
                    }
                    guard ArchiveStore.sha256(content) == document.sha256 else {
                        throw .invalidInput(
                            "row \(document.row): \(document.file) changed since the manifest was checked")
                    }
                    _ = try addDocument(
                        to: submission.reference, content: content, description: document.description, stamp: stamp)
                    present.insert(document.sha256)
                    report.documentsAdded += 1
                }
                done += 1
                progress(done, total)
            }
            if let state = submission.state,
                try recordImport(submission, into: state, manifestName: manifestName, stamp: stamp)
            {
                report.submissionsImported += 1
            }
            refreshIndex(for: submission.reference)
        }
        return report
    }

    /// Creates a submission under the manifest's reference (or finishes one whose creation
    /// an earlier, interrupted run began).
    private func createImported(_ submission: ImportPlan.Submission, stamp: ActorStamp) throws(DocketError) {
        let (definition, bytes) = try workflow(named: submission.workflow)
        try archive { () throws(ArchiveError) in
            try store.pinWorkflow(bytes, digest: definition.digest)
            try DurableFile.makeDirectory("\(store.root)/submissions")
            try DurableFile.makeDirectory(store.submissionDirectory(submission.reference))
            let record = SubmissionRecord(
                reference: submission.reference, title: submission.title, series: submission.series,
                service: submission.service, workflowName: definition.name, workflowDigest: definition.digest,
                created: now(), createdBy: stamp)
            try store.createSubmission(record)
            let anchor = try store.submission(submission.reference).sha256
            try store.writeHead(submission.reference, sequence: 0, sha256: anchor)
        }
    }

    /// Writes the `docket.import` event unless the submission already has a transition.
    /// - Returns: whether it was written.
    private func recordImport(
        _ submission: ImportPlan.Submission, into state: String, manifestName: String, stamp: ActorStamp
    ) throws(DocketError) -> Bool {
        let reference = submission.reference
        let lock = try archive { () throws(ArchiveError) in try store.lockSubmission(reference) }
        defer { lock.release() }
        let current = try readSubmission(reference)
        guard current.transitions.isEmpty, let role = stamp.role else { return false }
        let time = now()
        let record = EventRecord(
            sequence: current.events.count + 1, event: WorkflowEngine.importEvent,
            fromState: current.definition.initialState, toState: state, actor: stamp.user,
            onBehalfOf: stamp.onBehalfOf, role: role, time: time, comment: "Imported from \(manifestName)",
            fields: ["manifest": manifestName], documents: current.pack.sorted())
        // The engine must accept the history with this event, as verify will replay it.
        do {
            _ = try WorkflowEngine(definition: current.definition).replay(current.transitions + [record])
        } catch {
            throw .rejected(error)
        }
        let stored = StoredEvent(
            sequence: record.sequence, submission: reference, time: time, actor: stamp, previous: current.headSHA256,
            body: .transition(
                StoredEvent.TransitionBody(
                    name: record.event, from: record.fromState, to: record.toState,
                    workflowName: current.definition.name, workflowDigest: current.definition.digest,
                    comment: record.comment, fields: record.fields, documents: record.documents)))
        try archive { () throws(ArchiveError) in
            let written = try store.appendEvent(stored)
            store.advanceHead(reference, sequence: stored.sequence, sha256: written)
        }
        return true
    }
}
