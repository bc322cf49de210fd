import Archive
import Foundation
import Reports
import Workflow

/// One file of a meeting pack.
public struct PackFile: Sendable {
    /// The path inside the ZIP, e.g. `04-BVP-2016-03/annex-A-1-cover-letter.txt`.
    public var path: String
    /// Rendered bytes (agenda, reports) or an archived document's file.
    public var source: ZIPWriter.Entry.Source
    /// Its SHA-256 (checked against the record for archived documents).
    public var sha256: String
}

/// What `meetingPack` wrote.
public struct PackSummary: Sendable {
    public var files: [PackFile]
    /// Items whose papers a public pack left out: exempt, or not on a published agenda yet.
    public var leftOut: [AgendaItem]
    /// Documents a public pack left out because their marking is not open (by SHA-256).
    public var withheldDocuments: [String] = []
    /// Documents left out because they were destroyed under their retention schedule (by SHA-256).
    public var destroyedDocuments: [String] = []
}

/// Something due, for `docket due` and the calendar.
public struct DueItem: Sendable {
    public enum Kind: String, Sendable, Codable {
        /// A submission must leave its state (the workflow's deadline).
        case state
        /// A series' next update is due.
        case series
        /// A report for a meeting is due.
        case report
        /// A meeting's agenda must be published.
        case publication
        /// An action of a Board decision is due (`subject` is its meeting, `action` its id).
        case action
    }

    public var kind: Kind
    public var date: CalendarDate
    /// Submission reference, series id or meeting id.
    public var subject: String
    public var what: String
    /// The roles (or role holders) who must act.
    public var who: [String]
    public var isOverdue: Bool
    /// Working days left (negative: overdue by; 0 when due today, or overdue since a
    /// working day that is the last one before today).
    public var workingDaysLeft: Int
    /// Whether the date lies outside the years the bank holiday list covers (counted as if
    /// every weekday were a working day).
    public var beyondHolidayList: Bool
    /// For an action: its id in its meeting (`A4.1`).
    public var action: String?
    /// For an action of an exempt item: `what` is restricted material (see `due(within:limit:for:)`).
    public var isExempt = false
}

extension DocketArchive {
    /// A meeting's agenda as a document. With `public`, exempt items are marked as such and the
    /// agenda says their papers are not in the pack.
    public func agenda(_ id: String, public isPublic: Bool = false) throws(DocketError) -> RichDocument {
        let meeting = try meeting(id)
        let definition = meeting.definition
        var blocks: [RichDocument.Block] = [
            .table(
                header: ["DATE", "TIME", "VENUE"],
                rows: [[Wording.longDate(definition.date), definition.time ?? "", definition.venue ?? ""]])
        ]
        if meeting.publications == 0 {
            blocks.append(.notice("DRAFT: this agenda is not published; item numbers may change."))
        }
        if isPublic, meeting.items.contains(where: { $0.exemptParagraph != nil }) {
            blocks.append(
                .notice(
                    "Public pack: the reports and annexes of items marked exempt are not included, under "
                        + "Schedule 12A to the Local Government Act 1972."))
        }
        var heading: String?
        for item in meeting.items {
            let group =
                switch item.supplement {
                case nil where meeting.publications > 0: "Not yet published"
                case let supplement? where supplement > 0: "Supplementary agenda \(supplement)"
                default: ""
                }
            if group != (heading ?? "") {
                if !group.isEmpty { blocks.append(.heading(number: nil, text: group, level: 1)) }
                heading = group
            }
            blocks.append(.heading(number: "\(item.number)", text: item.title, level: 2))
            if let service = item.service { blocks.append(.paragraph(number: nil, text: "Lead: \(service)")) }
            if let reference = item.reference {
                blocks.append(.paragraph(number: nil, text: "Reference: \(reference)"))
                if item.isWithdrawn {
                    blocks.append(.notice("Withdrawn from this meeting."))
                } else if isPublic && item.exemptParagraph != nil {
                    // Not even the annexes' titles: they can say what the exempt matter is.
                } else if let facts = try? reportFacts(reference), !facts.annexes.isEmpty {
                    let clearance = try clearance()
                    blocks.append(
                        .bulletList(
                            facts.annexes.map { annex in
                                // A public agenda does not name an annex holding a marked document.
                                isPublic
                                    && annex.documents.contains { !clearance.isOpen(marking: $0.protectiveMarking) }
                                    ? "Annex \(annex.letter): withheld (marked above OFFICIAL)"
                                    : "Annex \(annex.letter): \(annex.title)"
                            }))
                }
            }
            if let paragraph = item.exemptParagraph {
                blocks.append(.notice(Self.exemptNotice(paragraph)))
            }
        }
        return RichDocument(
            title: "Agenda: \(definition.board), \(Wording.longDate(definition.date))", banner: definition.board,
            blocks: blocks)
    }

    /// The agenda rendered as HTML or DOCX.
    public func renderAgenda(_ id: String, format: ReportFormat, public isPublic: Bool = false) throws(DocketError)
        -> [UInt8]
    {
        let meeting = try meeting(id)
        return try render(try agenda(id, public: isPublic), format: format, created: meeting.created)
    }

    /// The files of a meeting's pack, in agenda order: the agenda, then for each submission
    /// item its report and its annexes' documents. A public pack holds only items on a
    /// published agenda that are not exempt. File names start with the item number, so a
    /// sorted listing is agenda order. Archived documents are checked against their SHA-256.
    public func meetingPack(_ id: String, public isPublic: Bool) throws(DocketError) -> PackSummary {
        let meeting = try meeting(id)
        var files: [PackFile] = []
        var leftOut: [AgendaItem] = []
        func rendered(_ path: String, _ bytes: [UInt8]) {
            files.append(PackFile(path: path, source: .bytes(bytes), sha256: ArchiveStore.sha256(bytes)))
        }
        for format in ReportFormat.allCases {
            rendered("00-agenda.\(format.fileExtension)", try renderAgenda(id, format: format, public: isPublic))
        }
        let width = max(2, String(meeting.items.map(\.number).max() ?? 0).count)
        let clearance = try clearance()
        var withheld: [String] = []
        var destroyed: [String] = []
        for item in meeting.items where item.kind == .submission && !item.isWithdrawn {
            guard let reference = item.reference else { continue }
            if isPublic && (item.exemptParagraph != nil || !item.isPublished) {
                leftOut.append(item)
                continue
            }
            let number = String(item.number)
            let folder = String(repeating: "0", count: max(0, width - number.count)) + number + "-\(reference)"
            let facts = try reportFacts(reference)
            let report = try boardReport(facts)
            for format in ReportFormat.allCases {
                rendered(
                    "\(folder)/report.\(format.fileExtension)", try render(report, format: format, created: facts.asOf))
            }
            for annex in facts.annexes {
                for (index, document) in annex.documents.enumerated() {
                    if isPublic && !clearance.isOpen(marking: document.protectiveMarking) {
                        withheld.append(document.sha256)
                        continue
                    }
                    let stored: (metadata: DocumentMetadata, path: String)
                    do {
                        stored = try self.document(reference, sha256: document.sha256)
                    } catch {
                        guard case .destroyed = error else { throw error }
                        destroyed.append(document.sha256)  // its description stays in the report's annex list
                        continue
                    }
                    let actual = try Self.fileSHA256(stored.path)
                    guard actual == document.sha256 else {
                        throw .archive(
                            .damaged(
                                path: stored.path,
                                reason: "its SHA-256 is \(actual), not \(document.sha256) as recorded"))
                    }
                    let name = Self.safeFileName(document.originalFileName)
                    files.append(
                        PackFile(
                            path: "\(folder)/annex-\(annex.letter)-\(index + 1)-\(name)", source: .file(stored.path),
                            sha256: actual))
                }
            }
        }
        return PackSummary(
            files: files, leftOut: leftOut, withheldDocuments: withheld, destroyedDocuments: destroyed)
    }

    /// Writes the pack as a ZIP at `path` (built beside it, renamed in when complete), with a
    /// `contents.txt` listing every file and its SHA-256. Documents are streamed from the
    /// archive, never held whole in memory.
    @discardableResult
    public func writeMeetingPack(_ id: String, public isPublic: Bool, to path: String) throws(DocketError)
        -> PackSummary
    {
        let meeting = try meeting(id)
        let pack = try meetingPack(id, public: isPublic)
        var listing = "\(meeting.definition.board), \(Wording.longDate(meeting.definition.date))"
        listing +=
            isPublic
            ? " (public pack: exempt and unpublished papers, and documents marked above OFFICIAL, left out)\n"
            : " (full pack)\n"
        for file in pack.files { listing += "\(file.sha256)  \(file.path)\n" }
        // The pack carries each report as it reads now; one edited after publication is not
        // the one the archive holds, and whoever reads the pack must know.
        let changed = try reportsChangedSincePublication(id)
        for item in meeting.items where item.reference.map(changed.contains) == true {
            guard let reference = item.reference, pack.files.contains(where: { $0.path.contains("-\(reference)/") })
            else { continue }
            listing +=
                "\nWarning: item \(item.number) (\(reference)): its report was edited after the agenda was published; "
                + "the report in this pack differs from the one archived then.\n"
        }
        let entries =
            [ZIPWriter.Entry(path: "contents.txt", bytes: Array(listing.utf8))]
            + pack.files.map { ZIPWriter.Entry(path: $0.path, source: $0.source) }
        do {
            try ZIPWriter.write(entries, modified: meeting.created, to: path)
        } catch {
            throw .invalidInput("the pack could not be written to \(path): \(error)")
        }
        return pack
    }

    /// Lower-case letters, digits, `-` and `.`, for names inside a pack.
    public static func safeFileName(_ name: String) -> String {
        var result = ""
        for scalar in name.lowercased().unicodeScalars {
            if ("a"..."z").contains(scalar) || ("0"..."9").contains(scalar) || scalar == "." || scalar == "-" {
                result.unicodeScalars.append(scalar)
            } else if !result.hasSuffix("-") {
                result += "-"
            }
        }
        let trimmed = result.trimmingCharacters(in: CharacterSet(charactersIn: "-."))
        return trimmed.isEmpty ? "document" : trimmed
    }

    // MARK: - Due

    /// What is due or overdue: submissions' state deadlines, series' next updates, reports
    /// for meetings and agenda publication. With `within`, only what falls due in that many
    /// calendar days (and everything overdue).
    ///
    /// State deadlines come from the index (one query, not a replay of every submission);
    /// without a usable index, from reading every submission.
    public func due(within days: Int? = nil, limit: Int? = nil) throws(DocketError) -> [DueItem] {
        let today = calendar.today(now())
        let key = "due/\(today)/\(days.map(String.init) ?? "all")/\(limit.map(String.init) ?? "all")"
        return try derived(key) { () throws(DocketError) in try computeDue(today: today, within: days, limit: limit) }
    }

    func computeDue(today: CalendarDate, within days: Int?, limit: Int?) throws(DocketError) -> [DueItem] {
        let horizon = days.map { today.adding(days: $0) }
        var items: [DueItem] = []
        func add(_ kind: DueItem.Kind, _ date: CalendarDate, _ subject: String, _ what: String, _ who: [String]) {
            items.append(
                DueItem(
                    kind: kind, date: date, subject: subject, what: what, who: who, isOverdue: today > date,
                    workingDaysLeft: calendar.workingDays(from: today, to: date),
                    beyondHolidayList: calendar.coveredYears != nil && !calendar.covers(date)))
        }
        var rolesByState: [String: [String]] = [:]
        func roles(_ workflow: String, _ state: String) -> [String] {
            let key = "\(workflow)/\(state)"
            if let known = rolesByState[key] { return known }
            let definition = try? self.workflow(named: workflow).definition
            let found = Set(definition?.state(state)?.transitions.flatMap { $0.roles.map(\.rawValue) } ?? []).sorted()
            rolesByState[key] = found
            return found
        }
        // Soonest first and cut at the horizon and the limit in SQL: at 100,000 submissions
        // there are tens of thousands of open deadlines, and a dashboard shows thirty.
        if let open = try? index().openDeadlines(through: horizon?.description, limit: limit) {
            let labels = try stateLabels()
            for entry in open {
                guard let date = CalendarDate(iso: entry.deadline) else { continue }
                add(
                    .state, date, entry.reference,
                    "\(labels.label(of: entry.state, in: entry.workflow)): \(entry.title)",
                    roles(entry.workflow, entry.state))
            }
        } else {
            for reference in store.submissionReferences() {
                let view = try submission(reference)
                guard !view.isFinal, let deadline = view.deadline else { continue }
                add(
                    .state, deadline, reference, "\(view.workflow.stateLabel(view.state)): \(view.record.title)",
                    roles(view.record.workflowName, view.state))
            }
        }
        for id in seriesIDs() {
            let series = try series(id)
            add(
                .series, series.nextDue.date, id,
                "\(Wording.ordinal(series.nextDue.number)) update of \(series.definition.title)",
                [series.definition.service ?? "officer"])
        }
        for id in meetingIDs() {
            let meeting = try meeting(id)
            guard meeting.definition.date >= today else { continue }
            let board = "\(meeting.definition.board), \(meeting.definition.date)"
            if meeting.unpublishedCount > 0 {
                add(.publication, meeting.publicationDeadline, id, "publish the agenda of \(board)", ["clerk"])
            }
            for item in meeting.items where item.kind == .submission && !item.isWithdrawn {
                guard let reference = item.reference, try !hasArchivedReport(reference, for: id) else { continue }
                add(.report, meeting.reportDeadline, reference, "report for \(board)", ["officer"])
            }
        }
        items += try actionDueItems(today: today)
        if let horizon { items = items.filter { $0.isOverdue || $0.date <= horizon } }
        items.sort { ($0.date, $0.subject, $0.action ?? "") < ($1.date, $1.subject, $1.action ?? "") }
        return limit.map { Array(items.prefix($0)) } ?? items
    }

    // MARK: - Calendar

    /// Meetings and deadlines as an iCalendar feed.
    public func calendarFeed() throws(DocketError) -> [UInt8] {
        var entries: [CalendarEntry] = []
        for id in meetingIDs() {
            let meeting = try meeting(id)
            let definition = meeting.definition
            let date = definition.date
            let items = meeting.items.filter { $0.kind == .submission }.map { "\($0.number). \($0.title)" }
            let description = items.isEmpty ? nil : "Agenda items:\n" + items.joined(separator: "\n")
            if let time = definition.time, let start = Self.londonInstant(date, time: time) {
                entries.append(
                    CalendarEntry(
                        uid: "meeting-\(id)@docket", when: .instant(start, minutes: 120), summary: definition.board,
                        description: description, location: definition.venue, categories: ["Meeting"]))
            } else {
                entries.append(
                    CalendarEntry(
                        uid: "meeting-\(id)@docket", when: .day(year: date.year, month: date.month, day: date.day),
                        summary: definition.board, description: description, location: definition.venue,
                        categories: ["Meeting"]))
            }
        }
        for item in try due() where item.kind != .action {
            entries.append(
                CalendarEntry(
                    uid: "due-\(item.kind.rawValue)-\(item.subject)@docket",
                    when: .day(year: item.date.year, month: item.date.month, day: item.date.day),
                    summary: "Due: \(item.what)",
                    description: "\(item.subject); by \(item.who.joined(separator: ", "))",
                    categories: ["Deadline"]))
        }
        return ICalendarWriter.write(
            entries, tasks: try actionTasks(), name: "Docket: meetings and deadlines", stamp: now())
    }

    /// A London wall-clock time on a date, as an instant.
    static func londonInstant(_ date: CalendarDate, time: String) -> Date? {
        let parts = time.split(separator: ":").compactMap { Int($0) }
        guard parts.count == 2 else { return nil }
        return WorkingCalendar.london.date(
            from: DateComponents(year: date.year, month: date.month, day: date.day, hour: parts[0], minute: parts[1]))
    }
}
