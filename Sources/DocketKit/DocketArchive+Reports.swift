import Archive
import Foundation
import Reports
import Workflow

/// One annex of a Board report: a letter, a title and the documents it holds.
public struct ReportAnnex: Sendable {
    public var letter: String
    public var title: String
    /// What it holds, named for a reader ("Cover letter", "Submission", an annex's title).
    public var parts: [String]
    public var documents: [DocumentMetadata]
}

/// The facts a Board report states, all read from the archive.
public struct ReportFacts: Sendable {
    public var reference: String
    public var title: String
    public var service: String?
    public var meetingID: String
    public var board: String
    public var meetingDate: CalendarDate
    /// Once the agenda carrying it is published.
    public var itemNumber: Int?
    public var exemptParagraph: Int?
    /// Its number in its series (3 for the third update), if it belongs to one.
    public var seriesNumber: Int?
    public var seriesTitle: String?
    public var cadence: Cadence?
    public var addressee: String
    public var dispatchedOn: CalendarDate?
    public var receivedOn: CalendarDate?
    /// Who answered: the organisation (else person) that wrote the response.
    public var responder: String?
    public var annexes: [ReportAnnex]
    /// The latest recorded act the report depends on (for a reproducible DOCX date).
    public var asOf: Date
}

/// Where a section's text came from.
public enum SectionSource: String, Sendable, Codable {
    /// Written for this submission (`report edit`).
    case submission
    /// The series' default.
    case series
    /// Docket's own template.
    case template
}

/// The output formats of reports and agendas.
public enum ReportFormat: String, Sendable, CaseIterable {
    case html, docx

    /// The file extension.
    public var fileExtension: String { rawValue }
}

extension DocketArchive {
    /// Docket's own wording for each section, used when neither the submission nor its
    /// series has text of its own.
    public static func templateText(_ section: ReportSectionName, inSeries: Bool) -> String {
        switch section {
        case .introduction:
            return inSeries
                ? "This report provides an update on {series-title}. It includes the Council’s {ordinal} {cadence} "
                    + "progress update submitted to {addressee} on {dispatched-on} ({submission-annex}) and the "
                    + "response from {responder} ({response-annex})."
                : "This report presents the Council’s submission to {addressee} of {dispatched-on} "
                    + "({submission-annex}) and the response from {responder} ({response-annex})."
        case .recommendations:
            return "Consider the Council’s submission to {addressee} ({submission-annex}) and the "
                + "{responder-possessive} response ({response-annex})."
        case .background:
            return "The Council’s submission was sent to {addressee} {dispatched-when}, on {dispatched-on}; "
                + "it is attached with its cover letter at {submission-annex}.\n\n"
                + "The response from {responder} arrived on {received-on}; it is attached at {response-annex}."
        case .finance:
            return "[The comments of the Chief Finance Officer are to be added.]"
        case .legal:
            return "[The legal comments are to be added.]"
        }
    }

    /// Replaces the text of one section of a submission's Board report (the history keeps
    /// every earlier text).
    public func editReportSection(
        _ reference: String, section: ReportSectionName, text: String, as user: String
    ) throws(DocketError) {
        let grant = try require(Self.reportRoles, of: user, to: "write Board reports")
        _ = try archive { () throws(ArchiveError) in try store.submission(reference) }
        let text = try Self.requireSectionText(text)
        try appendBoard(.report, reference, .sectionText(section, text: text), user: user, grant: grant)
    }

    /// A section's text, with LF line breaks (a browser's CRLF would merge its paragraphs),
    /// trimmed, checked for length and placeholders.
    static func requireSectionText(_ text: String) throws(DocketError) -> String {
        let text = try requireText(LineEndings.normalised(text), "the section text")
        guard text.count <= maximumSectionLength else {
            throw .invalidInput(
                "the section text has \(text.count) characters, over the \(maximumSectionLength) a section may have "
                    + "(put long material in an annex)")
        }
        try ReportTemplate.check(text)
        return text
    }

    /// What each placeholder stands for in this submission's report (its example when the
    /// submission has no report facts yet, i.e. was never scheduled).
    public func placeholderValues(_ reference: String) throws(DocketError) -> [(name: String, value: String)] {
        let facts = try? reportFacts(reference)
        return ReportPlaceholder.allCases.map { placeholder in
            (placeholder.name, facts.map(placeholder.value) ?? placeholder.example)
        }
    }

    /// Each section's current text (placeholders unfilled) and where it came from.
    public func reportSections(_ reference: String) throws(DocketError) -> [(
        section: ReportSectionName, text: String, source: SectionSource
    )] {
        let view = try submission(reference)
        var own: [ReportSectionName: String] = [:]
        for read in try boardLog(.report, reference) {
            if case .sectionText(let name, let text) = read.entry.record { own[name] = text }
        }
        let defined = try view.record.series.flatMap { (id: String) throws(DocketError) in try definedSeries(id) }
        let defaults = defined?.sectionDefaults
        return ReportSectionName.allCases.map { section in
            if let text = own[section] { return (section, text, .submission) }
            if let text = defaults?[section] { return (section, text, .series) }
            return (section, Self.templateText(section, inSeries: defined != nil), .template)
        }
    }

    /// The facts of a scheduled submission's Board report.
    ///
    /// - Throws: if the submission has never been scheduled for a meeting.
    public func reportFacts(_ reference: String) throws(DocketError) -> ReportFacts {
        let view = try submission(reference)
        guard let scheduling = Self.scheduling(of: view) else {
            throw .invalidInput(
                "\(reference) is not scheduled for a Board meeting (it is \(view.state)); "
                    + "a report is built for the meeting that will consider it")
        }
        let meeting = try meeting(scheduling.meeting)
        let item = meeting.items.first { $0.reference == reference }
        var seriesNumber: Int?
        var seriesView: SeriesView?
        if let id = view.record.series, let defined = try definedSeries(id) {
            seriesView = defined
            seriesNumber = defined.members.first { $0.reference == reference }?.number
        }
        let documents = view.documents
        let signed = Set((view.signedPack ?? []).map(\.sha256))
        let outgoingKinds: [DocumentKind] = [.coverLetter, .submission, .annex]
        let outgoing = documents.filter { document in
            outgoingKinds.contains(document.kind) && (signed.isEmpty || signed.contains(document.sha256))
        }.sorted { outgoingKinds.firstIndex(of: $0.kind)! < outgoingKinds.firstIndex(of: $1.kind)! }
        let responses = documents.filter { $0.kind == .response }
        let responder = responses.first.flatMap { $0.creator?.organisation ?? $0.creator?.person }
        let addressee = seriesView?.definition.addressee ?? "the Secretary of State"

        var annexes: [ReportAnnex] = []
        let letters = "ABCDEFGHIJKLMNOPQRSTUVWXYZ".map(String.init)
        if !outgoing.isEmpty {
            let which = [seriesNumber.map(Wording.ordinal), seriesView.map { Self.digitsAdjective($0.cadence) } ?? nil]
                .compactMap { $0 }.joined(separator: " ")
            annexes.append(
                ReportAnnex(
                    letter: letters[0],
                    title: "Council’s \(which.isEmpty ? "" : which + " ")submission to \(Self.withArticle(addressee))",
                    parts: outgoing.map { document in
                        switch document.kind {
                        case .coverLetter: return "Cover letter"
                        case .submission: return "Submission"
                        case .annex, .response, .boardReport, .minutes, .correspondence:
                            // Only annexes reach here (see outgoingKinds); each is named by its own title.
                            return document.title
                        }
                    }, documents: outgoing))
        }
        for response in responses where annexes.count < letters.count {
            let short = Self.shortName(of: response.creator?.organisation ?? response.creator?.person ?? "Respondent")
            annexes.append(
                ReportAnnex(
                    letter: letters[annexes.count],
                    title: "\(Wording.possessive(short)) response to the Council’s submission", parts: [response.title],
                    documents: [response]))
        }
        var asOf = view.record.created
        for event in view.events {
            if case .transition = event.body { asOf = max(asOf, event.time) }
        }
        for read in try boardLog(.report, reference) { asOf = max(asOf, read.entry.time) }
        return ReportFacts(
            reference: reference,
            title: seriesView.map { $0.definition.reportTitle ?? $0.definition.title } ?? view.record.title,
            service: view.record.service ?? seriesView?.definition.service, meetingID: meeting.id,
            board: meeting.definition.board, meetingDate: meeting.definition.date,
            itemNumber: item.flatMap { $0.isPublished ? $0.number : nil }, exemptParagraph: item?.exemptParagraph,
            seriesNumber: seriesNumber, seriesTitle: seriesView?.definition.title, cadence: seriesView?.cadence,
            addressee: addressee, dispatchedOn: Self.lastDateField(WorkflowField.dispatchedOn, in: view.events),
            receivedOn: Self.lastDateField(WorkflowField.receivedOn, in: view.events), responder: responder,
            annexes: annexes,
            asOf: asOf)
    }

    /// The series, or nil when the name a submission carries was never defined (a submission
    /// imported or written before series existed): its report then has no ordinal, and says
    /// so, rather than failing.
    func definedSeries(_ id: String) throws(DocketError) -> SeriesView? {
        guard ArchiveStore.isSafeName(id), store.boardLogExists(.series, id) else { return nil }
        return try series(id)
    }

    /// "6-month" for P6M (the reference writes both "six-month" and "6-month").
    static func digitsAdjective(_ cadence: Cadence) -> String? {
        if cadence.years == 0, cadence.weeks == 0, cadence.days == 0, cadence.months > 1 {
            return "\(cadence.months)-month"
        }
        return cadence.adjective
    }

    /// "the Secretary of State" for "Secretary of State" (unchanged if it has the article).
    static func withArticle(_ name: String) -> String {
        name.hasPrefix("the ") ? name : "the \(name)"
    }

    /// The last word of an organisation's name: "Commissioners" for "Secretary of State’s
    /// Commissioners".
    static func shortName(of organisation: String) -> String {
        organisation.split(separator: " ").last.map(String.init) ?? organisation
    }

    /// A submission's Board report in the council's structure, as a format-neutral document.
    public func boardReport(_ reference: String) throws(DocketError) -> RichDocument {
        try boardReport(try reportFacts(reference))
    }

    /// The Board report with these facts (computed once for all a report's uses: its
    /// document, each format it is rendered in, its annexes).
    func boardReport(_ facts: ReportFacts) throws(DocketError) -> RichDocument {
        var texts: [ReportSectionName: String] = [:]
        for (section, text, _) in try reportSections(facts.reference) {
            texts[section] = try ReportTemplate.fill(text) { $0.value(for: facts) }
        }
        func paragraphs(_ section: ReportSectionName) -> [String] {
            (texts[section] ?? "").components(separatedBy: "\n\n").map {
                $0.split(whereSeparator: \.isNewline).joined(separator: " ").trimmingCharacters(in: .whitespaces)
            }.filter { !$0.isEmpty }
        }
        var blocks: [RichDocument.Block] = []
        if let paragraph = facts.exemptParagraph {
            blocks.append(.notice(Self.exemptNotice(paragraph)))
        }
        blocks.append(
            .table(
                header: ["TITLE", "SERVICE", "ITEM NO", "DATE"],
                rows: [
                    [
                        facts.title, facts.service ?? "", facts.itemNumber.map(String.init) ?? "",
                        Wording.longDate(facts.meetingDate),
                    ]
                ]))
        let numbered: [(Int, String, ReportSectionName)] = [
            (1, "INTRODUCTION", .introduction), (2, "FOR THE BOARD TO CONSIDER", .recommendations),
            (3, "BACKGROUND", .background), (4, "COMMENTS OF THE CHIEF FINANCE OFFICER", .finance),
            (5, "LEGAL COMMENTS", .legal),
        ]
        for (number, heading, section) in numbered {
            blocks.append(.heading(number: "\(number)", text: heading, level: 1))
            if section == .recommendations {
                blocks.append(.paragraph(number: nil, text: "The Board is asked to:"))
                blocks.append(.numberedList(paragraphs(section)))
            } else {
                for (index, text) in paragraphs(section).enumerated() {
                    blocks.append(.paragraph(number: "\(number).\(index + 1)", text: text))
                }
            }
        }
        for annex in facts.annexes {
            blocks.append(.heading(number: nil, text: "Annex \(annex.letter): \(annex.title)", level: 2))
            if annex.parts.count > 1 || annex.documents.first?.kind != .response {
                blocks.append(.bulletList(annex.parts))
            }
        }
        return RichDocument(title: facts.title, banner: facts.board, blocks: blocks)
    }

    /// "Not for publication …" for an exempt item.
    public static func exemptNotice(_ paragraph: Int) -> String {
        "NOT FOR PUBLICATION: exempt information under paragraph \(paragraph) of Part 1 of Schedule 12A "
            + "to the Local Government Act 1972."
    }

    /// The report rendered as HTML or DOCX.
    public func renderBoardReport(_ reference: String, format: ReportFormat) throws(DocketError) -> [UInt8] {
        let facts = try reportFacts(reference)
        return try render(try boardReport(facts), format: format, created: facts.asOf)
    }

    func render(_ document: RichDocument, format: ReportFormat, created: Date) throws(DocketError) -> [UInt8] {
        do {
            switch format {
            case .html: return try HTMLRenderer.render(document)
            case .docx: return try DOCXWriter.write(document, created: created, creator: "Docket")
            }
        } catch {
            throw .invalidInput("the document could not be written: \(error)")
        }
    }

    /// Archives the report (HTML and DOCX) as `board-report` documents of its submission: a
    /// report that differs from the last one archived in that format is a new version of it.
    ///
    /// A submission in a final state is left as it is: its pack is closed, and the report it
    /// was considered with is the one archived when its agenda was published.
    ///
    /// - Returns: how many documents were added (0 when the archived reports are current).
    @discardableResult
    func archiveBoardReport(_ reference: String, stamp: ActorStamp) throws(DocketError) -> Int {
        let view = try submission(reference)
        guard !view.isFinal else { return 0 }
        let facts = try reportFacts(reference)
        let renderings = try unarchivedReports(view, facts: facts, formats: ReportFormat.allCases)
        for rendering in renderings {
            let item = facts.itemNumber.map { "item \($0), " } ?? ""
            // A later version says so: the pack then never holds two reports of the same title.
            let version = rendering.version > 1 ? " (version \(rendering.version))" : ""
            _ = try addDocument(
                to: reference, content: rendering.bytes,
                description: DocumentDescription(
                    kind: .boardReport,
                    title:
                        "Board report\(version): \(facts.title) (\(facts.board), \(item)\(Wording.longDate(facts.meetingDate))), \(rendering.format.rawValue.uppercased())",
                    originalFileName: rendering.fileName, date: calendar.today(now()),
                    creator: Party(person: nil, organisation: facts.service ?? "the Council"),
                    addressees: [Party(person: nil, organisation: facts.board)], direction: .internal,
                    description: Self.reportDescription(meeting: facts.meetingID),
                    relations: rendering.previous.map { [Relation(kind: .versionOf, target: $0.sha256)] } ?? []),
                stamp: stamp)
        }
        return renderings.count
    }

    /// A rendering of a Board report that the pack does not hold yet.
    struct UnarchivedReport {
        var format: ReportFormat
        var bytes: [UInt8]
        var fileName: String
        /// The last one archived in this format, which this one is a new version of.
        var previous: DocumentMetadata?
        /// 1 for the first archived in this format, 2 for the next …
        var version: Int
    }

    /// The report as it reads now in each of `formats`, where that differs from every report
    /// the pack holds (what archiving it would add).
    func unarchivedReports(_ view: SubmissionView, facts: ReportFacts, formats: [ReportFormat])
        throws(DocketError) -> [UnarchivedReport]
    {
        let existing = view.documents.filter { $0.kind == .boardReport }
        let document = try boardReport(facts)
        var result: [UnarchivedReport] = []
        for format in formats {
            let bytes = try render(document, format: format, created: facts.asOf)
            let sha = ArchiveStore.sha256(bytes)
            let fileName = "board-report-\(view.record.reference).\(format.fileExtension)"
            let earlier = existing.filter { $0.originalFileName == fileName }
            if earlier.last?.sha256 == sha || existing.contains(where: { $0.sha256 == sha }) { continue }
            result.append(
                UnarchivedReport(
                    format: format, bytes: bytes, fileName: fileName, previous: earlier.last,
                    version: earlier.count + 1))
        }
        return result
    }

    /// Whether a submission's Board report reads differently now from the one archived for
    /// `meeting` when its agenda was published: edited since, so a pack carries text that the
    /// archive does not (until the clerk archives it as a new version).
    ///
    /// False when no report is archived for `meeting` yet, and for a submission in a final
    /// state (its pack is closed: the archived report is the one it was considered with). The
    /// HTML is compared: it is the text alone, where the Word file also carries a date.
    public func reportChangedSincePublication(_ reference: String, for meeting: String) throws(DocketError) -> Bool {
        let view = try submission(reference)
        guard !view.isFinal, Self.hasArchivedReport(view, for: meeting) else { return false }
        let facts = try reportFacts(reference)
        guard facts.meetingID == meeting else { return false }
        return try !unarchivedReports(view, facts: facts, formats: [.html]).isEmpty
    }

    /// The submissions on meeting `id`'s published agenda whose report was edited after it was
    /// archived (see `reportChangedSincePublication`).
    public func reportsChangedSincePublication(_ id: String) throws(DocketError) -> Set<String> {
        var changed: Set<String> = []
        for item in try meeting(id).items where item.kind == .submission && item.isPublished && !item.isWithdrawn {
            if let reference = item.reference, try reportChangedSincePublication(reference, for: id) {
                changed.insert(reference)
            }
        }
        return changed
    }

    /// The description a Board report document carries: which meeting it was written for.
    static func reportDescription(meeting: String) -> String {
        "Board report for meeting \(meeting)"
    }

    /// Whether a report for `meeting` is archived in the submission's pack.
    public static func hasArchivedReport(_ view: SubmissionView, for meeting: String) -> Bool {
        view.documents.contains { $0.kind == .boardReport && $0.description == reportDescription(meeting: meeting) }
    }

    /// Whether a report for `meeting` is archived in a submission's pack: from the index, or
    /// (without a usable one) from reading the submission.
    public func hasArchivedReport(_ reference: String, for meeting: String) throws(DocketError) -> Bool {
        if let found = try? index().hasDocument(
            of: reference, kind: DocumentKind.boardReport.rawValue,
            description: Self.reportDescription(meeting: meeting))
        {
            return found
        }
        return Self.hasArchivedReport(try submission(reference), for: meeting)
    }

    /// The longest text a report section may have (characters): a section is prose, not a
    /// document; a longer text belongs in an annex.
    public static let maximumSectionLength = 100_000

    /// Archives the report now (e.g. after sections changed on a published agenda).
    public func archiveBoardReport(_ reference: String, as user: String) throws(DocketError) {
        let grant = try require(Self.reportRoles.union(Self.meetingRoles), of: user, to: "archive Board reports")
        let view = try submission(reference)
        if view.isFinal { throw .packClosed(reference: reference, state: view.state) }
        try archiveBoardReport(
            reference,
            stamp: ActorStamp(user: user, role: grant.role, onBehalfOf: grant.onBehalfOf, systemUser: systemUser))
    }
}
