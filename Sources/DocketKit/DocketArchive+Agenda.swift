import Archive
import Foundation
import Reports
import Workflow

/// One file of a meeting pack.
public struct PackFile: Sendable {
    /// The path inside the ZIP, e.g. `04-BVP-2016-03/annex-A-1-cover-letter.txt`.
    public var path: String
    public var bytes: [UInt8]
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
    }

    public var kind: Kind
    public var date: CalendarDate
    /// Submission reference, series id or meeting id.
    public var subject: String
    public var what: String
    /// The roles (or role holders) who must act.
    public var who: [String]
    public var isOverdue: Bool
    /// Working days left (negative: overdue by).
    public var workingDaysLeft: Int
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
        var currentSupplement: Int? = 0
        for item in meeting.items {
            if item.supplement != currentSupplement, let supplement = item.supplement, supplement > 0 {
                blocks.append(.heading(number: nil, text: "Supplementary agenda \(supplement)", level: 1))
            } else if item.supplement == nil, currentSupplement != nil, meeting.publications > 0 {
                blocks.append(.heading(number: nil, text: "Not yet published", level: 1))
            }
            currentSupplement = item.supplement
            blocks.append(.heading(number: "\(item.number)", text: item.title, level: 2))
            if let service = item.service { blocks.append(.paragraph(number: nil, text: "Lead: \(service)")) }
            if let reference = item.reference {
                blocks.append(.paragraph(number: nil, text: "Reference: \(reference)"))
                if item.isWithdrawn {
                    blocks.append(.notice("Withdrawn from this meeting."))
                } else if let facts = try? reportFacts(reference), !facts.annexes.isEmpty {
                    blocks.append(.bulletList(facts.annexes.map { "Annex \($0.letter): \($0.title)" }))
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
    /// item its report and its annexes' documents. A public pack leaves out exempt items'
    /// papers. File names start with the item number, so a sorted listing is agenda order.
    public func meetingPack(_ id: String, public isPublic: Bool) throws(DocketError) -> [PackFile] {
        let meeting = try meeting(id)
        var files: [PackFile] = []
        for format in ReportFormat.allCases {
            files.append(
                PackFile(
                    path: "00-agenda.\(format.fileExtension)",
                    bytes: try renderAgenda(id, format: format, public: isPublic)))
        }
        for item in meeting.items where item.kind == .submission && !item.isWithdrawn {
            guard let reference = item.reference else { continue }
            if isPublic && item.exemptParagraph != nil { continue }
            let folder = "\(Self.twoDigits(item.number))-\(reference)"
            for format in ReportFormat.allCases {
                files.append(
                    PackFile(
                        path: "\(folder)/report.\(format.fileExtension)",
                        bytes: try renderBoardReport(reference, format: format)))
            }
            for annex in try reportFacts(reference).annexes {
                for (index, document) in annex.documents.enumerated() {
                    let stored = try self.document(reference, sha256: document.sha256)
                    let bytes = try archive { () throws(ArchiveError) in try DurableFile.read(stored.path) }
                    let name = Self.safeFileName(document.originalFileName)
                    files.append(PackFile(path: "\(folder)/annex-\(annex.letter)-\(index + 1)-\(name)", bytes: bytes))
                }
            }
        }
        return files
    }

    /// The pack as a ZIP, with a `contents.txt` listing every file and its SHA-256.
    public func meetingPackZIP(_ id: String, public isPublic: Bool) throws(DocketError) -> [UInt8] {
        let meeting = try meeting(id)
        let files = try meetingPack(id, public: isPublic)
        var listing = "\(meeting.definition.board), \(Wording.longDate(meeting.definition.date))"
        listing += isPublic ? " (public pack: exempt papers left out)\n" : " (full pack)\n"
        for file in files { listing += "\(ArchiveStore.sha256(file.bytes))  \(file.path)\n" }
        let entries =
            [ZIPWriter.Entry(path: "contents.txt", bytes: Array(listing.utf8))]
            + files.map { ZIPWriter.Entry(path: $0.path, bytes: $0.bytes) }
        do {
            return try ZIPWriter.write(entries, modified: meeting.created)
        } catch {
            throw .invalidInput("the pack could not be written: \(error)")
        }
    }

    static func twoDigits(_ number: Int) -> String {
        number < 10 ? "0\(number)" : "\(number)"
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
    public func due(within days: Int? = nil) throws(DocketError) -> [DueItem] {
        let today = calendar.today(now())
        var items: [DueItem] = []
        func add(_ kind: DueItem.Kind, _ date: CalendarDate, _ subject: String, _ what: String, _ who: [String]) {
            items.append(
                DueItem(
                    kind: kind, date: date, subject: subject, what: what, who: who, isOverdue: today > date,
                    workingDaysLeft: calendar.workingDays(from: today, to: date)))
        }
        var views: [SubmissionView] = []
        for reference in store.submissionReferences() { views.append(try submission(reference)) }
        for view in views where !view.isFinal {
            guard let deadline = view.deadline else { continue }
            let roles = Set(view.workflow.state(view.state)?.transitions.flatMap { $0.roles.map(\.rawValue) } ?? [])
            add(.state, deadline, view.record.reference, "\(view.state): \(view.record.title)", roles.sorted())
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
                guard let reference = item.reference,
                    let view = views.first(where: { $0.record.reference == reference }),
                    !view.documents.contains(where: { $0.kind == .boardReport })
                else { continue }
                add(.report, meeting.reportDeadline, reference, "report for \(board)", ["officer"])
            }
        }
        if let days {
            let horizon = CalendarDate(year: today.year, month: today.month, day: today.day)!.adding(days: days)
            items = items.filter { $0.isOverdue || $0.date <= horizon }
        }
        return items.sorted { ($0.date, $0.subject) < ($1.date, $1.subject) }
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
        for item in try due() {
            entries.append(
                CalendarEntry(
                    uid: "due-\(item.kind.rawValue)-\(item.subject)@docket",
                    when: .day(year: item.date.year, month: item.date.month, day: item.date.day),
                    summary: "Due: \(item.what)",
                    description: "\(item.subject); by \(item.who.joined(separator: ", "))",
                    categories: ["Deadline"]))
        }
        return ICalendarWriter.write(entries, name: "Docket: meetings and deadlines", stamp: now())
    }

    /// A London wall-clock time on a date, as an instant.
    static func londonInstant(_ date: CalendarDate, time: String) -> Date? {
        let parts = time.split(separator: ":").compactMap { Int($0) }
        guard parts.count == 2 else { return nil }
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "Europe/London")!
        return calendar.date(
            from: DateComponents(year: date.year, month: date.month, day: date.day, hour: parts[0], minute: parts[1]))
    }
}
