import Archive
import DocketKit
import Foundation
import HTTPTypes
import Hummingbird
import Workflow

/// The Board's pages: series, meetings and their agendas (exemption, order, publication),
/// agendas and packs to download, and a submission's Board report, section by section.
struct BoardController: Sendable {
    typealias Context = DocketRequestContext

    let docket: DocketArchive
    let pages: Pages

    var routes: RouteCollection<Context> {
        let routes = RouteCollection(context: Context.self)
            .get("submissions/:reference/report", use: reportSections)
            .post("submissions/:reference/report", use: editReportSection)
            .get("series", use: seriesList)
            .post("series", use: addSeries)
            .post("series/:id/escalation", use: setEscalationContact)
            .get("meetings", use: meetings)
            .post("meetings", use: addMeeting)
            .get("meetings/:id", use: meeting)
            .post("meetings/:id/publish", use: publish)
            .post("meetings/:id/schedule", use: schedule)
            .post("meetings/:id/exempt", use: exempt)
            .post("meetings/:id/order", use: order)
            .post("meetings/:id/minutes", use: draftMinutes)
            .get("meetings/:id/pack.zip", use: pack)
        for format in ReportFormat.allCases {
            routes.get("meetings/:id/agenda.\(format.fileExtension)") { request, context in
                try await agenda(request, context: context, format: format)
            }
            routes.get("submissions/:reference/report.\(format.fileExtension)") { request, context in
                try await report(request, context: context, format: format)
            }
        }
        return routes
    }

    // MARK: - Report sections

    @Sendable func reportSections(_ request: Request, context: Context) async throws -> Response {
        let user = try context.requireUser()
        let address = context.clientAddress
        let reference = try context.parameters.require("reference")
        let (sections, values, mayEdit) = try await blocking { [docket] in
            try docket.requirePapersReadable(reference, by: user, from: address)
            return (
                try docket.reportSections(reference), try docket.placeholderValues(reference),
                try docket.permissions(for: user).mayEditReports
            )
        }
        let model = ReportSectionsModel(
            reference: reference, mayEdit: mayEdit,
            sections: sections.map { .init(section: $0.section, text: $0.text, source: $0.source) },
            placeholders: values.map { .init(name: "{\($0.name)}", example: $0.value) },
            saved: request.uri.queryParameters.get("saved"))
        return pages.render(
            "report-sections",
            SimplePage(chrome: await Chrome("Report: \(reference)", context, docket: docket), model: model))
    }

    @Sendable func editReportSection(_ request: Request, context: Context) async throws -> Response {
        let (user, form) = try await context.signedInForm(request)
        let reference = try context.parameters.require("reference")
        let name = form["section"] ?? ""
        guard let section = ReportSectionName(rawValue: name) else {
            throw WebError.badRequest(
                "no report section '\(name)'; the sections are "
                    + ReportSectionName.allCases.map(\.rawValue).joined(separator: ", "))
        }
        try await blocking { [docket] in
            try docket.editReportSection(reference, section: section, text: form["text"] ?? "", as: user)
        }
        return DocketWebApp.redirect("/submissions/\(reference)/report?saved=\(section.rawValue)#\(section.rawValue)")
    }

    @Sendable func report(_ request: Request, context: Context, format: ReportFormat) async throws -> Response {
        let user = try context.requireUser()
        let address = context.clientAddress
        let reference = try context.parameters.require("reference")
        let bytes = try await blocking { [docket] in
            try docket.renderBoardReport(reference, format: format, for: user, from: address)
        }
        return Self.document(bytes, format: format, fileName: "board-report-\(reference).\(format.fileExtension)")
    }

    /// A report or agenda as the browser should treat it: HTML opens in the browser (to read
    /// and print), Word downloads. The HTML is Docket's own and carries its print styles in a
    /// `<style>` element, which its policy allows; nothing in it may run or load.
    static func document(_ bytes: [UInt8], format: ReportFormat, fileName: String) -> Response {
        var response = DocketWebApp.bytes(bytes, type: mediaType(format), fileName: fileName, inline: format == .html)
        if format == .html {
            response.headers[HTTPField.Name("Content-Security-Policy")!] =
                "default-src 'none'; style-src 'unsafe-inline'; img-src data:; frame-ancestors 'none'; base-uri 'none'; "
                + "form-action 'none'"
        }
        return response
    }

    // MARK: - Series

    @Sendable func seriesList(_ request: Request, context: Context) async throws -> Response {
        let user = try context.requireUser()
        let definitions = try await blocking { [docket] in try docket.workflows() }
        let workflows = definitions.map(\.name)
        let labels = StateLabels(definitions)
        let (models, permissions) = try await blocking { [docket] in
            let permissions = try docket.permissions(for: user)
            let contacts = try docket.escalationContacts()
            // The names to choose from only for those who may choose.
            let users = try permissions.mayManageMail ? docket.users(as: user).map(\.name) : []
            let models = try docket.seriesIDs().map { id in
                var model = try SeriesPageModel(docket.series(id), labels: labels)
                model.escalation = SeriesPageModel.Escalation(contacts: contacts, series: id, users: users)
                return model
            }
            return (models, permissions)
        }
        let model = SeriesListModel(
            series: models, mayDefine: permissions.mayDefineSeries, mayManageMail: permissions.mayManageMail,
            workflows: workflows)
        return pages.render("series", SimplePage(chrome: await Chrome("Series", context, docket: docket), model: model))
    }

    @Sendable func addSeries(_ request: Request, context: Context) async throws -> Response {
        let (user, form) = try await context.signedInForm(request)
        guard let firstDue = form.text("first-due").flatMap(CalendarDate.init(iso:)) else {
            throw WebError.badRequest("the first update's due date must be YYYY-MM-DD")
        }
        let id = form.text("id") ?? ""
        try await blocking { [docket] in
            try docket.addSeries(
                id, title: form.text("title") ?? "", cadence: form.text("cadence") ?? "", firstDue: firstDue,
                workflow: form.text("workflow") ?? "", service: form.text("service"), as: user)
        }
        return DocketWebApp.redirect("/series#\(id)")
    }

    @Sendable func setEscalationContact(_ request: Request, context: Context) async throws -> Response {
        let (user, form) = try await context.signedInForm(request)
        let id = try context.parameters.require("id")
        let contact = form.text("user")
        try await blocking { [docket] in try docket.setEscalationContact(series: id, user: contact, as: user) }
        return DocketWebApp.redirect("/series#\(id)")
    }

    // MARK: - Meetings

    @Sendable func meetings(_ request: Request, context: Context) async throws -> Response {
        _ = try context.requireUser()
        return try await meetingsPage(MeetingsModel.blank, error: nil, context: context)
    }

    @Sendable func addMeeting(_ request: Request, context: Context) async throws -> Response {
        let (user, form) = try await context.signedInForm(request)
        let typed = form.typed(MeetingsModel.fields)
        do {
            guard let date = form.text("date").flatMap(CalendarDate.init(iso:)) else {
                throw WebError.badRequest("give the meeting's date")
            }
            let id = try await blocking { [docket] in
                try docket.newMeeting(
                    board: form["board"] ?? "", date: date, time: form.text("time"), venue: form.text("venue"),
                    as: user)
            }
            return DocketWebApp.redirect("/meetings/\(id)")
        } catch let error as WebError where error.isCorrectableInput {
            // Shown beside the form, which keeps what was typed.
            return try await meetingsPage(typed, error: error, context: context)
        }
    }

    /// The list of meetings with the form to add one, filled with `typed` (and the refusal
    /// beside it, if any).
    func meetingsPage(_ typed: [String: String], error: WebError?, context: Context) async throws -> Response {
        let rows = try await blocking { [docket] in try docket.meetingIDs().map { try MeetingRow(docket.meeting($0)) } }
        return pages.render(
            "meetings",
            SimplePage(
                chrome: await Chrome("Meetings", context, docket: docket),
                model: MeetingsModel(meetings: rows, typed: typed, error: error?.sentence)),
            status: error?.status ?? .ok)
    }

    @Sendable func meeting(_ request: Request, context: Context) async throws -> Response {
        let user = try context.requireUser()
        let id = try context.parameters.require("id")
        let address = context.clientAddress
        let model = try await blocking { [docket] in
            var model = MeetingPageModel(try docket.meeting(id))
            model.markReportsChanged(try docket.reportsChangedSincePublication(id))
            model.candidates = try docket.schedulingCandidates(for: id, as: user).map(MeetingPageModel.Candidate.init)
            let minutes = try docket.minutesStatus(of: id, for: user)
            model.minutes = minutes.map(MinutesRow.init)
            model.held = try docket.meeting(id).definition.date <= docket.today()
            model.canDraftMinutes = try docket.mayDraftMinutes(of: id, as: user)
            if model.held {
                let meeting = try docket.meeting(id)
                model.record = MeetingRecordModel(
                    try docket.proceedings(of: id, for: user, from: address), meeting: meeting)
                model.canRecord = try docket.permissions(for: user).mayManageMeetings && meeting.publications > 0
            }
            return model
        }
        return pages.render(
            "meeting", SimplePage(chrome: await Chrome(model.board, context, docket: docket), model: model))
    }

    @Sendable func schedule(_ request: Request, context: Context) async throws -> Response {
        let (user, form) = try await context.signedInForm(request)
        let id = try context.parameters.require("id")
        let reference = form.text("reference") ?? ""
        let expected = form["sequence"].flatMap(Int.init)
        try await blocking { [docket] in
            try docket.schedule(reference, for: id, as: user, expectedSequence: expected)
        }
        return DocketWebApp.redirect("/meetings/\(id)")
    }

    @Sendable func publish(_ request: Request, context: Context) async throws -> Response {
        let (user, form) = try await context.signedInForm(request)
        let id = try context.parameters.require("id")
        let expected = form["log"].flatMap(Int.init)
        // Publication cannot be undone: the form asks the clerk to say so (a browser enforces
        // the checkbox; this refuses a post that lacks it all the same).
        guard form["confirm"] == "yes" else {
            throw WebError(
                status: .unprocessableContent, code: "not-confirmed",
                message: "Publishing cannot be undone: tick \"I understand that this cannot be undone\" to publish.")
        }
        _ = try await blocking { [docket] in try docket.publishAgenda(id, as: user, expectedLogLength: expected) }
        return DocketWebApp.redirect("/meetings/\(id)")
    }

    @Sendable func exempt(_ request: Request, context: Context) async throws -> Response {
        let (user, form) = try await context.signedInForm(request)
        let id = try context.parameters.require("id")
        let reference = form.text("reference") ?? ""
        // "open" takes the item back into the public part; otherwise a paragraph of Schedule 12A.
        let choice = form.text("paragraph") ?? ""
        let paragraph: Int?
        if choice == "open" {
            paragraph = nil
        } else if let number = Int(choice) {
            paragraph = number
        } else {
            throw WebError.badRequest("choose a paragraph of Schedule 12A (1–7) or 'open', not '\(choice)'")
        }
        let expected = form["log"].flatMap(Int.init)
        try await blocking { [docket] in
            try docket.setExempt(id, reference: reference, paragraph: paragraph, as: user, expectedLogLength: expected)
        }
        return DocketWebApp.redirect("/meetings/\(id)")
    }

    /// Drafts or redrafts the minutes, then shows them (their submission's page).
    @Sendable func draftMinutes(_ request: Request, context: Context) async throws -> Response {
        let (user, _) = try await context.signedInForm(request)
        let id = try context.parameters.require("id")
        let reference = try await blocking { [docket] in try docket.draftMinutes(id, as: user).reference }
        return DocketWebApp.redirect("/submissions/\(reference)")
    }

    @Sendable func order(_ request: Request, context: Context) async throws -> Response {
        let (user, form) = try await context.signedInForm(request)
        let id = try context.parameters.require("id")
        let references = (form["order"] ?? "").split(whereSeparator: { $0 == " " || $0 == "," || $0 == "\n" })
            .map(String.init)
        let expected = form["log"].flatMap(Int.init)
        try await blocking { [docket] in
            try docket.orderAgenda(id, references: references, as: user, expectedLogLength: expected)
        }
        return DocketWebApp.redirect("/meetings/\(id)")
    }

    @Sendable func agenda(_ request: Request, context: Context, format: ReportFormat) async throws -> Response {
        let user = try context.requireUser()
        let address = context.clientAddress
        let id = try context.parameters.require("id")
        let askedPublic = request.uri.queryParameters.get("public") == "1"
        let agenda = try await blocking { [docket] in
            try docket.renderAgenda(id, format: format, for: user, publicOnly: askedPublic, from: address)
        }
        return Self.document(
            agenda.bytes, format: format,
            fileName: "agenda-\(id)\(agenda.isPublic ? "-public" : "").\(format.fileExtension)")
    }

    @Sendable func pack(_ request: Request, context: Context) async throws -> Response {
        let user = try context.requireUser()
        let address = context.clientAddress
        let id = try context.parameters.require("id")
        let askedPublic = request.uri.queryParameters.get("public") == "1"
        let (file, isPublic) = try await blocking { [docket] in
            let path = FileManager.default.temporaryDirectory.appendingPathComponent(
                "docket-pack-\(UUID().uuidString).zip"
            ).path
            do {
                let written = try docket.writeMeetingPack(
                    id, for: user, publicOnly: askedPublic, to: path, from: address)
                // Unlinked at once: the pack is streamed from the open file and is gone
                // when the response is, even if the client goes away half way.
                return (try OpenFile(path, unlinking: true), written.isPublic)
            } catch {
                try? FileManager.default.removeItem(atPath: path)
                throw error
            }
        }
        return DocketWebApp.streamed(
            file, type: "application/zip", fileName: "pack-\(id)\(isPublic ? "-public" : "").zip")
    }

    // MARK: - Helpers

    static func mediaType(_ format: ReportFormat) -> String {
        switch format {
        case .html: return "text/html; charset=utf-8"
        case .docx: return "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
        }
    }
}

// MARK: - Page models

/// A submission's Board report, section by section, with a form for each to those who write reports.
struct ReportSectionsModel: Sendable {
    struct Section: Sendable {
        var name: String
        var title: String
        var text: String
        var source: String
    }
    struct Placeholder: Sendable {
        var name: String
        var example: String
    }
    var reference: String
    var mayEdit: Bool
    var sections: [Section]
    var placeholders: [Placeholder]
    var saved: String?
}

extension ReportSectionsModel.Section {
    /// The one mapping from a report section's current text to its part of the page.
    init(section: ReportSectionName, text: String, source: SectionSource) {
        self.init(
            name: section.rawValue, title: section.rawValue.capitalized, text: text, source: Self.wording(source))
    }

    static func wording(_ source: SectionSource) -> String {
        switch source {
        case .submission: return "written for this submission"
        case .series: return "the series' standard text"
        case .template: return "the council's template"
        }
    }
}

/// The Series page: every series, and the form to define one for those who may.
struct SeriesListModel: Sendable {
    var series: [SeriesPageModel]
    var mayDefine: Bool
    /// Whether the user may choose the series' escalation contacts.
    var mayManageMail: Bool
    var workflows: [String]
}

struct SeriesPageModel: Sendable {
    struct Member: Sendable {
        var number: String
        var reference: String
        var title: String
        var state: String
        var due: String
        var sent: String
    }

    var id: String
    var title: String
    var cadence: String
    var nextDue: String
    var overdue: Bool
    var members: [Member]
    var escalation = Escalation(contact: "", options: [])
}

extension SeriesPageModel {
    /// Who receives the series' escalations, in words, and the choice of users to change it.
    struct Escalation: Sendable {
        var contact: String
        var options: [ContactOption]

        /// From the archive's contacts (`""`: the governance lead, for series without their own).
        init(contacts: [String: String], series: String, users: [String]) {
            let own = contacts[series]
            contact =
                if let own {
                    own
                } else if let lead = contacts[""] {
                    "the governance lead, \(lead)"
                } else {
                    "nobody yet"
                }
            options = users.isEmpty ? [] : ContactOption.all(users, selected: own, none: "The governance lead")
        }

        init(contact: String, options: [ContactOption]) {
            self.contact = contact
            self.options = options
        }
    }
}

extension SeriesPageModel {
    /// The one mapping from a series to its part of the Series page, its members' states in
    /// the words of `labels`.
    init(_ series: SeriesView, labels: StateLabels) {
        self.init(
            id: series.id, title: series.definition.title,
            cadence: "\(series.cadence) (\(series.cadence.adjective ?? "custom"))",
            nextDue: "\(Wording.ordinal(series.nextDue.number)) update, \(Wording.longDate(series.nextDue.date))",
            overdue: series.isOverdue,
            members: series.members.map {
                Member($0, stateLabel: labels.label(of: $0.state, in: series.definition.workflow))
            })
    }
}

extension SeriesPageModel.Member {
    /// The one mapping from a series member to a row of its series.
    init(_ member: SeriesMember, stateLabel: String) {
        self.init(
            number: member.number.map(Wording.ordinal) ?? "—", reference: member.reference, title: member.title,
            state: stateLabel, due: member.due?.description ?? "—", sent: member.dispatchedOn?.description ?? "—")
    }
}

/// The Meetings page: the list, and the form to add one (refilled after a refusal).
struct MeetingsModel: Sendable {
    /// The new-meeting form's fields, by name.
    static let fields = ["board", "date", "time", "venue"]
    /// The form as first shown: the board most meetings are of.
    static let blank = FormBody.untyped(fields).merging(["board": "Best Value Programme Board"]) { $1 }

    var meetings: [MeetingRow]
    /// What was typed, by field name (every field present, empty when nothing was typed).
    var typed: [String: String]
    var error: String?
}

struct MeetingPageModel: Sendable {
    struct Item: Sendable {
        var number: Int
        var title: String
        var reference: String?
        var notes: String
        /// Its report was edited after publication: the pack's differs from the archived one.
        var reportChanged = false
    }

    /// A submission the user may put on this meeting's agenda now.
    struct Candidate: Sendable {
        var reference: String
        var title: String
        var sequence: Int
    }

    var id: String
    var board: String
    var date: String
    var time: String?
    var venue: String?
    var reportDeadline: String
    var publicationDeadline: String
    var published: Bool
    /// "2 item(s) waiting for publication", or nil (Mustache treats 0 as true).
    var waiting: String?
    var items: [Item]
    var order: String
    var logLength: Int
    /// What the publish form does now: the first agenda, a supplementary one with the new
    /// items, or (nothing new) archiving reports changed since publication.
    var publishTitle: String
    var publishExplanation: String
    /// The submissions the user may schedule for this meeting now (none for those who may not).
    var candidates: [Candidate] = [] {
        didSet { hasCandidates = !candidates.isEmpty }
    }
    /// Mustache treats an empty list as false but sees only stored properties.
    var hasCandidates = false
    /// The meeting has taken place (minutes can be drafted).
    var held = false
    var minutes: MinutesRow?
    /// The user may draft (or redraft) the minutes now.
    var canDraftMinutes = false
    /// What was recorded of the meeting held, as the user may read it (nil before it is held).
    var record: MeetingRecordModel?
    /// The user may record attendance and decisions (the meeting held).
    var canRecord = false
}

/// Where a meeting's minutes stand, on its page.
struct MinutesRow: Sendable {
    var reference: String
    var stateLabel: String
    var approvedAt: String?
    var signedBy: String?

    init(_ status: MinutesStatus) {
        reference = status.reference
        stateLabel = status.stateLabel
        approvedAt = status.approvedAt
        signedBy = status.signedBy
    }
}

extension MeetingPageModel {
    /// Marks the items whose report was edited after publication (the library says which).
    mutating func markReportsChanged(_ references: Set<String>) {
        for index in items.indices {
            items[index].reportChanged = items[index].reference.map(references.contains) ?? false
        }
    }
}

extension MeetingPageModel.Candidate {
    /// The one mapping from a scheduling candidate to a line of the meeting page's form.
    init(_ candidate: SchedulingCandidate) {
        self.init(reference: candidate.reference, title: candidate.title, sequence: candidate.sequence)
    }
}

extension MeetingPageModel {
    /// The one mapping from a meeting to its page.
    init(_ meeting: MeetingView) {
        self.init(
            id: meeting.id, board: meeting.definition.board, date: Wording.longDate(meeting.definition.date),
            time: meeting.definition.time, venue: meeting.definition.venue,
            reportDeadline: meeting.reportDeadline.description,
            publicationDeadline: meeting.publicationDeadline.description, published: meeting.publications > 0,
            waiting: meeting.unpublishedCount > 0 ? "\(meeting.unpublishedCount) item(s) waiting for publication" : nil,
            items: meeting.items.map {
                .init(
                    number: $0.number, title: $0.title, reference: $0.reference, notes: $0.notes.joined(separator: ", ")
                )
            },
            order: meeting.items.compactMap(\.reference).joined(separator: " "), logLength: meeting.logLength,
            publishTitle: Self.publishTitle(meeting), publishExplanation: Self.publishExplanation(meeting))
    }

    static func publishTitle(_ meeting: MeetingView) -> String {
        if meeting.publications == 0 { return "Publish the agenda" }
        if meeting.unpublishedCount > 0 {
            return "Publish a supplementary agenda (\(meeting.unpublishedCount) new item(s))"
        }
        return "Archive the reports changed since publication"
    }

    static func publishExplanation(_ meeting: MeetingView) -> String {
        if meeting.publications == 0 || meeting.unpublishedCount > 0 {
            return "Publishing fixes the items' numbers and archives each item's Board report as it stands now; "
                + "the agenda is then public. A later change needs a supplementary agenda."
        }
        return "Every item is published. A report edited since then differs from the one archived: archiving "
            + "keeps the new one as a new version beside the old."
    }
}
