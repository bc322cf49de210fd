import Archive
import DocketKit
import Foundation
import HTTPTypes
import Hummingbird
import Workflow

/// The pages about submissions: the dashboard, the list, starting one, one submission with its
/// events and documents, and its workflow's picture.
struct SubmissionPagesController: Sendable {
    typealias Context = DocketRequestContext

    let docket: DocketArchive
    let pages: Pages
    /// The largest document an upload may carry.
    let uploadLimit: Int

    /// The most of a document's text a preview page shows (a long PDF would make a page of
    /// megabytes; the file is a click away).
    static let previewCharacters = 200_000

    var routes: RouteCollection<Context> {
        RouteCollection(context: Context.self)
            .get("/", use: dashboard)
            .get("submissions", use: list)
            .get("submissions/new", use: newForm)
            .post("submissions", use: create)
            .get("submissions/:reference", use: show)
            .post("submissions/:reference/events", use: fire)
            .post("submissions/:reference/documents", use: upload)
            .post("submissions/:reference/documents/:sha256/removal", use: removeDocument)
            .get("submissions/:reference/documents/:sha256", use: download)
            .get("submissions/:reference/documents/:sha256/preview", use: preview)
            .get("workflows/:name/picture.svg", use: workflowPicture)
    }

    // MARK: - Handlers

    @Sendable func dashboard(_ request: Request, context: Context) async throws -> Response {
        let user = try context.requireUser()
        let (waiting, counts, due, meetings, series, actions) = try await blocking { [docket] in
            let waiting = try docket.waiting(for: user, limit: 25).map(SubmissionRow.init)
            let labels = try docket.stateLabels()
            let counts = try docket.stateCounts().map {
                DashboardPage.StateCount(state: $0.state, label: labels.label(of: $0.state), count: $0.count)
            }
            let due = try docket.due(within: 14, limit: 30).map(DueRow.init)
            let meetings = try docket.upcomingMeetings().map(MeetingRow.init)
            let series = try docket.seriesIDs().map { try SeriesRow(docket.series($0)) }
            let permissions = try docket.permissions(for: user)
            // A summary, like what is due: an exempt item's action text stays for the Actions
            // page, where a cleared reader's view of it is recorded.
            let actions = try docket.actions(owner: user).map {
                ActionRow($0, user: user, permissions: permissions)
            }
            return (waiting, counts, due, meetings, series, actions)
        }
        return pages.render(
            "dashboard",
            DashboardPage(
                chrome: await Chrome("Dashboard", context, docket: docket), waiting: waiting, states: counts, due: due,
                meetings: meetings, series: series, actions: actions))
    }

    @Sendable func list(_ request: Request, context: Context) async throws -> Response {
        _ = try context.requireUser()
        let state = request.uri.queryParameters.get("state").flatMap { $0.isEmpty ? nil : $0 }
        let (rows, stateLabel) = try await blocking { [docket] in
            (
                try docket.submissionLines(inState: state, limit: 100).map(SubmissionRow.init),
                try state.map { try docket.stateLabels().label(of: $0) }
            )
        }
        return pages.render(
            "submissions",
            SimplePage(
                chrome: await Chrome("Submissions", context, docket: docket),
                model: ListModel(state: state, stateLabel: stateLabel, rows: rows)))
    }

    @Sendable func newForm(_ request: Request, context: Context) async throws -> Response {
        let user = try context.requireUser()
        return try await newSubmissionPage(
            FormBody.untyped(NewSubmissionModel.fields), error: nil, as: user, context: context)
    }

    @Sendable func create(_ request: Request, context: Context) async throws -> Response {
        let (user, form) = try await context.signedInForm(request)
        let typed = form.typed(NewSubmissionModel.fields)
        do {
            let reference = try await blocking { [docket] in
                try docket.newSubmission(
                    workflow: form.text("workflow") ?? "", title: form["title"] ?? "", series: form.text("series"),
                    service: form.text("service"), as: user)
            }
            return DocketWebApp.redirect("/submissions/\(reference)?done=started")
        } catch let error as WebError where error.isCorrectableInput {
            // Shown beside the form, which keeps what was typed.
            return try await newSubmissionPage(typed, error: error, as: user, context: context)
        }
    }

    /// The form to start a submission, filled with `typed` (and the refusal beside it, if any).
    func newSubmissionPage(_ typed: [String: String], error: WebError?, as user: String, context: Context)
        async throws -> Response
    {
        let (workflows, series) = try await blocking { [docket] in
            (try docket.workflows().map(\.name), docket.seriesIDs())
        }
        guard try await blocking({ [docket] in try docket.permissions(for: user).mayStartSubmissions }) else {
            throw WebError(
                status: .forbidden, code: "not-permitted",
                message: "\(user) may not start a submission: that needs the role officer")
        }
        return pages.render(
            "new-submission",
            SimplePage(
                chrome: await Chrome("New submission", context, docket: docket),
                model: NewSubmissionModel(workflows: workflows, series: series, typed: typed, error: error?.sentence)),
            status: error?.status ?? .ok)
    }

    @Sendable func show(_ request: Request, context: Context) async throws -> Response {
        let user = try context.requireUser()
        let reference = try context.parameters.require("reference")
        let page = try await submissionPage(
            reference, as: user, done: request.uri.queryParameters.get("done"), context: context)
        return pages.render("submission", page)
    }

    /// The page of a submission as `user` sees it, confirming the action `done` names.
    func submissionPage(_ reference: String, as user: String, done: String?, context: Context) async throws
        -> SubmissionPage
    {
        let chrome = await Chrome(reference, context, docket: docket)
        let uploadLimit = self.uploadLimit
        let address = context.clientAddress
        return try await blocking { [docket, chrome] in
            let view = try docket.submission(reference, for: user, from: address)
            var chrome = chrome
            chrome.flash = Self.confirmation(done, view)
            // A meeting named by an event but never recorded (imported history) must not hide the
            // submission: the page then shows no Board line.
            let board = (try? docket.boardSchedule(of: view)) ?? nil
            // The meetings an item can be scheduled for: those still to come.
            let schedules = DocketArchive.schedulingEvent(of: view) != nil
            var page = SubmissionPage(
                view, reference: reference, board: board,
                canUpload: try docket.permissions(for: user).mayAddDocuments(to: view),
                chrome: chrome, meetings: schedules ? try docket.upcomingMeetings() : [],
                approvingMeetings: try docket.approvingMeetings(forMinutes: view.record.reference),
                uploadLimit: uploadLimit)
            page.considerations = try docket.boardConsiderations(of: view.record.reference, for: user)
                .map(ConsiderationRow.init)
            if let meeting = try docket.minutedMeeting(of: view.record.reference) {
                page.minutesOf = MeetingLink(try docket.meeting(meeting))
            }
            return page
        }
    }

    /// What the page confirms after an action (`?done=N`, the event it recorded, or `started`):
    /// said from the record itself, never echoed from the address.
    static func confirmation(_ done: String?, _ view: SubmissionView) -> String? {
        if done == "started", view.events.isEmpty { return "Started \(view.record.reference)." }
        guard let number = done.flatMap(Int.init), let event = view.events.first(where: { $0.sequence == number })
        else { return nil }
        switch event.body {
        case .transition(let transition):
            let workflow = view.workflow
            return
                "Recorded “\(workflow.eventLabel(transition.name, from: transition.from))”. "
                + "\(view.record.reference) is now: \(workflow.stateLabel(transition.to))."
        case .documentAdded(let document, _, nil):
            return "Archived \(document.kind.rawValue) “\(document.name)” in the pack."
        case .documentAdded(let document, _, _?):
            return "Archived \(document.kind.rawValue) “\(document.name)” in the pack, replacing the one before."
        case .documentRemoved(let document, _):
            return "Took “\(document.name)” out of the pack; it stays archived."
        case .correspondenceFiled(let filing):
            return "Filed the email “\(filing.documents.first?.document.name ?? "")” to \(view.record.reference)."
        case .recordsDisposed(let disposal):
            return "Recorded: \(disposal.summary)."
        }
    }

    @Sendable func fire(_ request: Request, context: Context) async throws -> Response {
        let (user, form) = try await context.signedInForm(request)
        let reference = try context.parameters.require("reference")
        var fields: [String: String] = [:]
        for (name, values) in form.values where name.hasPrefix("field.") {
            if let value = values.first, !value.isEmpty { fields[String(name.dropFirst(6))] = value }
        }
        let event = form["event"] ?? ""
        let expected = form["sequence"].flatMap(Int.init)
        do {
            let fired = try await blocking { [docket, fields] in
                try docket.fire(
                    event, on: reference, as: user, fields: fields, comment: form.text("comment"),
                    expectedSequence: expected)
            }
            return DocketWebApp.redirect("/submissions/\(reference)?done=\(fired.event.sequence)")
        } catch let error as WebError where error.isCorrectableInput {
            // Shown beside the event's form, which keeps what was typed.
            var page = try await submissionPage(reference, as: user, done: nil, context: context)
            page.refill(event: event, fields: fields, comment: form["comment"] ?? "", error: error.sentence)
            return pages.render("submission", page, status: error.status)
        }
    }

    @Sendable func upload(_ request: Request, context: Context) async throws -> Response {
        let user = try context.requireUser()
        let reference = try context.parameters.require("reference")
        let upload: MultipartUpload
        do {
            upload = try await MultipartUpload.read(request, limit: uploadLimit)
        } catch let error as WebError where error.status == .contentTooLarge {
            // Nothing of the form was read, so nothing can be kept; the page says why and the limit.
            var page = try await submissionPage(reference, as: user, done: nil, context: context)
            page.refillUpload([:], error: error.sentence)
            return pages.render("submission", page, status: error.status)
        }
        try context.requireCSRF(token: upload.fields["csrf"])
        // The page's view of the submission: an upload from a page that is out of date
        // (another change recorded since it was shown) is refused, not added blind.
        let expected = upload.fields["sequence"].flatMap(Int.init)
        do {
            _ = try await blocking { [docket] in
                try docket.addDocument(to: reference, upload: upload, as: user, expectedSequence: expected)
            }
        } catch let error as WebError where error.isCorrectableInput {
            // Shown beside the upload form, which keeps what was typed (a browser cannot be
            // given the file back: the message asks for it again).
            var page = try await submissionPage(reference, as: user, done: nil, context: context)
            page.refillUpload(upload.fields, error: error.sentence)
            return pages.render("submission", page, status: error.status)
        }
        // The add was refused unless the page's sequence was current, so it is the next event.
        return DocketWebApp.redirect("/submissions/\(reference)" + (expected.map { "?done=\($0 + 1)" } ?? ""))
    }

    @Sendable func removeDocument(_ request: Request, context: Context) async throws -> Response {
        let (user, form) = try await context.signedInForm(request)
        let reference = try context.parameters.require("reference")
        let sha = try context.parameters.require("sha256")
        let expected = form["sequence"].flatMap(Int.init)
        let event = try await blocking { [docket] in
            try docket.removeDocument(
                sha, from: reference, reason: form["reason"] ?? "", as: user, expectedSequence: expected)
        }
        return DocketWebApp.redirect("/submissions/\(reference)?done=\(event.sequence)")
    }

    @Sendable func download(_ request: Request, context: Context) async throws -> Response {
        let user = try context.requireUser()
        let address = context.clientAddress
        let reference = try context.parameters.require("reference")
        let sha = try context.parameters.require("sha256")
        let inline = request.uri.queryParameters.get("inline") == "1"
        return try await DocketWebApp.documentContent(
            docket, reference: reference, sha256: sha, for: user, from: address, inline: inline)
    }

    @Sendable func preview(_ request: Request, context: Context) async throws -> Response {
        let user = try context.requireUser()
        let reference = try context.parameters.require("reference")
        let sha = try context.parameters.require("sha256")
        let address = context.clientAddress
        let preview = try await blocking { [docket] in
            try docket.documentPreview(reference, sha256: sha, for: user, from: address)
        }
        let model = PreviewModel(reference: reference, preview: preview, limit: Self.previewCharacters)
        return pages.render(
            "preview", SimplePage(chrome: await Chrome(model.title, context, docket: docket), model: model))
    }

    @Sendable func workflowPicture(_ request: Request, context: Context) async throws -> Response {
        _ = try context.requireUser()
        let name = try context.parameters.require("name")
        let current = request.uri.queryParameters.get("state")
        let svg = try await blocking { [docket] in
            try WorkflowPicture.render(try docket.workflow(named: name).definition, current: current)
        }
        return DocketWebApp.bytes(svg, type: "image/svg+xml")
    }
}

// MARK: - Page models

struct DashboardPage: Sendable {
    var chrome: Chrome
    var waiting: [SubmissionRow]
    var states: [StateCount]
    var due: [DueRow]
    var meetings: [MeetingRow]
    var series: [SeriesRow]
    /// The user's open actions, soonest due first.
    var actions: [ActionRow]

    struct StateCount: Sendable {
        var state: String
        var label: String
        var count: Int
    }
}

struct SimplePage<Model: Sendable>: Sendable {
    var chrome: Chrome
    var model: Model
}

struct ListModel: Sendable {
    var state: String?
    var stateLabel: String?
    var rows: [SubmissionRow]
}

/// The form to start a submission (refilled after a refusal).
struct NewSubmissionModel: Sendable {
    /// The form's text fields, by name.
    static let fields = ["title", "workflow", "series", "service"]

    var workflows: [ChoiceOption]
    var series: [ChoiceOption]
    /// What was typed, by field name (every field present, empty when nothing was typed).
    var typed: [String: String]
    var error: String?
}

extension NewSubmissionModel {
    /// The form offering `workflows` and `series`, filled with `typed`.
    init(workflows: [String], series: [String], typed: [String: String], error: String?) {
        self.init(
            workflows: ChoiceOption.list(workflows, chosen: typed["workflow"] ?? ""),
            series: ChoiceOption.list(series, chosen: typed["series"] ?? ""), typed: typed, error: error)
    }
}

/// One value of a choice list, chosen again when a form comes back with what was typed.
struct ChoiceOption: Sendable {
    var value: String
    var selected: Bool

    static func list(_ values: [String], chosen: String) -> [ChoiceOption] {
        values.map { ChoiceOption(value: $0, selected: $0 == chosen) }
    }
}

struct SubmissionPage: Sendable {
    struct Step: Sendable {
        var state: String
        var label: String
        var current: Bool
        var done: Bool
    }

    struct DocumentRow: Sendable {
        var sha256: String
        var short: String
        var kind: String
        var title: String
        var date: String?
        var from: String?
        var to: String?
        var size: Int
        var fileName: String
        /// Set for a document destroyed under its retention schedule: what remains is its
        /// description and history, and this says when and under which list.
        var destroyed: String? = nil
    }

    /// A document that left the pack, with how it left.
    struct DepartedRow: Sendable {
        var sha256: String
        var short: String
        var kind: String
        var title: String
        var fileName: String
        var how: String
    }

    /// A document in the pack that an upload may replace.
    struct ReplaceOption: Sendable {
        var value: String
        var label: String
    }

    struct HistoryRow: Sendable {
        var sequence: Int
        var time: String
        var user: String
        var onBehalfOf: String?
        var role: String?
        var what: String
        var comment: String?
        var fields: String?
    }

    struct EventForm: Sendable {
        struct Field: Sendable {
            struct Option: Sendable {
                var value: String
                var label: String
                var selected = false
            }

            var name: String
            var label: String
            var inputType: String
            var id: String
            /// The values to choose from (the meetings that can take the item), when the field
            /// names one of a known set; the page then offers a list instead of a text box.
            var options: [Option]
            /// Mustache treats an empty list as false but sees only stored properties.
            var hasOptions: Bool
            /// What was typed, when the form comes back with a refusal.
            var typed = ""
        }

        var event: String
        /// What the button says (`docket:label`); `event` is what the form posts.
        var label: String
        var target: String
        /// What a person reads for the state the event leads to.
        var targetLabel: String
        var fields: [Field]
        var commentRequired: Bool
        /// Named apart from the page's `documents`: Mustache would find those when this is nil.
        var requiredDocuments: String?
        var formID: String
        /// Why the event was refused, shown beside its form (named apart from the page's fields:
        /// Mustache would find those when this is nil).
        var formError: String?
        var typedComment = ""
    }

    /// The upload form's text fields kept when it comes back with a refusal (all but the file,
    /// which a browser cannot be given back).
    static let uploadFields = ["title", "date", "from", "to", "annex"]

    var chrome: Chrome
    var reference: String
    var title: String
    var service: String?
    var series: String?
    var workflow: String
    var state: String
    var stateLabel: String
    var deadline: String?
    var overdue: Bool
    var board: String?
    var steps: [Step]
    var documents: [DocumentRow]
    var departed: [DepartedRow]
    /// Documents the reader is not cleared for: kind and reason, no title or link.
    var withheld: [WithheldRow]
    var replaceable: [ReplaceOption]
    var history: [HistoryRow]
    var forms: [EventForm]
    var canUpload: Bool
    /// Said on the upload form before the upload, when a document added now would need the
    /// pack to be signed off again (nil otherwise).
    var signOffWarning: String?
    /// Said at the top of the actions when the pack changed after its sign-off, so that
    /// dispatch is refused: the way back (nil otherwise).
    var signOffBroken: String?
    var kinds: [ChoiceOption]
    var sequence: Int
    var hasReport: Bool
    /// The largest upload, for people ("64 MB").
    var uploadLimit: String
    /// What was typed into the upload form, by field name.
    var uploadTyped = FormBody.untyped(SubmissionPage.uploadFields)
    var uploadError: String?
    /// Email filed to the submission, threaded (see `setCorrespondence`).
    var correspondence: [MailRow] = []
    /// Whether the state takes a response and the user may record it from an attachment.
    var canRecordResponse = false
    /// The end of the thread: each meeting that considered it, its decision and minutes.
    var considerations: [ConsiderationRow] = []
    /// The meeting these minutes record, when the submission is a set of minutes.
    var minutesOf: MeetingLink?
}

extension SubmissionPage {
    /// The page of a submission as `view` shows it (under the `reference` it was asked by), with
    /// its Board schedule if it has one.
    init(
        _ view: SubmissionView, reference: String,
        board: (meeting: MeetingView, item: AgendaItem?, reportDue: CalendarDate?)?, canUpload: Bool, chrome: Chrome,
        meetings: [MeetingView] = [], approvingMeetings: [MeetingView] = [], uploadLimit: Int
    ) {
        let definition = view.workflow
        let order = definition.states.map(\.id)
        let currentIndex = order.firstIndex(of: view.state) ?? 0
        let steps = definition.states.filter { !$0.isFinal || $0.id == view.state }.map { state in
            Step(
                state: state.id, label: state.label, current: state.id == view.state,
                done: (order.firstIndex(of: state.id) ?? 0) < currentIndex)
        }
        let transitions = definition.state(view.state)?.transitions ?? []
        // What each document was called in the pack, for history lines that name it by digest.
        var packNames: [String: String] = [:]
        for event in view.events {
            if case .documentAdded(let document, _, _) = event.body { packNames[document.sha256] = document.name }
        }
        let boardLine = board.map { board in
            var line = "\(board.meeting.definition.board), \(Wording.longDate(board.meeting.definition.date))"
            if let item = board.item, item.isPublished { line += ", item \(item.number)" }
            if let due = board.reportDue { line += "; report due \(due)" }
            return line
        }
        self.init(
            chrome: chrome, reference: reference, title: view.record.title, service: view.record.service,
            series: view.record.series, workflow: view.record.workflowName, state: view.state,
            stateLabel: definition.stateLabel(view.state), deadline: view.deadline?.description,
            overdue: view.isOverdue, board: boardLine, steps: steps,
            documents: view.documents.map { DocumentRow($0, disposal: view.disposals[$0.sha256]) },
            departed: view.departedDocuments.map { DepartedRow($0, in: view) },
            withheld: view.withheld.map {
                WithheldRow(kind: $0.kind.rawValue, what: $0.withholding.what, why: $0.withholding.why)
            },
            replaceable: view.documents.map {
                ReplaceOption(
                    value: $0.sha256, label: "\($0.packEntry.name) (\($0.kind.rawValue), \($0.originalFileName))")
            },
            history: [HistoryRow(created: view.record)]
                + view.events.map { HistoryRow($0, workflow: definition, names: packNames) },
            forms: transitions.filter { view.allowedNow.contains($0.event) }.map {
                EventForm(
                    $0, targetLabel: definition.stateLabel($0.target), meetings: meetings,
                    approvingMeetings: approvingMeetings, missingDocuments: view.missingDocuments(for: $0.event))
            },
            canUpload: canUpload, signOffWarning: Self.signOffWarning(view), signOffBroken: Self.signOffBroken(view),
            kinds: ChoiceOption.list(DocumentKind.allCases.map(\.rawValue), chosen: ""),
            sequence: view.sequence, hasReport: board != nil, uploadLimit: Wording.megabytes(uploadLimit))
        setCorrespondence(view)
    }
}

extension SubmissionPage {
    /// Shows the refusal of `event` beside its form, with what was typed into it.
    mutating func refill(event: String, fields: [String: String], comment: String, error: String) {
        guard let index = forms.firstIndex(where: { $0.event == event }) else {
            // The event is not offered now (the page is out of date): say so above the forms.
            chrome.error = error
            return
        }
        forms[index].formError = error
        forms[index].typedComment = comment
        for (number, field) in forms[index].fields.enumerated() {
            let typed = fields[field.name] ?? ""
            forms[index].fields[number].typed = typed
            for option in field.options.indices {
                forms[index].fields[number].options[option].selected = field.options[option].value == typed
            }
        }
    }

    /// Shows the refusal of an upload beside its form, with what was typed into it (none when
    /// the upload was refused unread).
    mutating func refillUpload(_ fields: [String: String], error: String) {
        uploadError = fields.isEmpty ? error : "\(error) Choose the file again (a browser cannot keep it)."
        uploadTyped = Dictionary(uniqueKeysWithValues: Self.uploadFields.map { ($0, fields[$0] ?? "") })
        kinds = ChoiceOption.list(kinds.map(\.value), chosen: fields["kind"] ?? "")
    }
}

extension SubmissionPage {
    /// What the upload form says when an upload would undo the sign-off in force, and the way
    /// back (the events that release it).
    static func signOffWarning(_ view: SubmissionView) -> String? {
        guard view.addingADocumentBreaksTheSignOff else { return nil }
        let signer = view.signingRoles.map(\.rawValue).joined(separator: " or ")
        var warning =
            "This pack has been signed off. Adding a document changes it: it will need the \(signer)'s sign-off "
            + "again before it can be dispatched."
        if let back = view.eventsReleasingTheSignOff.first {
            warning +=
                " The way back: \(view.workflow.eventLabel(back, from: view.state)) (above), change the pack, then "
                + "submit it for sign-off again."
        }
        return warning
    }
}

extension SubmissionPage {
    /// What the page says when the pack changed after its sign-off (the library says when), and
    /// the way back: release the sign-off, put the pack right, have it signed again.
    static func signOffBroken(_ view: SubmissionView) -> String? {
        guard view.packChangeBlockingTheSignOff != nil else { return nil }
        let signer = view.signingRoles.map { $0.rawValue.capitalized }.joined(separator: " or ")
        let back = view.eventsReleasingTheSignOff.first ?? "reopen"
        return "The pack changed after the \(signer) signed it off: \(back) the submission, remove what should "
            + "not be there, and submit it for sign-off again."
    }
}

extension SubmissionPage.HistoryRow {
    /// The history's first line: who started the submission, and when.
    init(created record: SubmissionRecord) {
        self.init(
            sequence: 0, time: Wording.londonTime(record.created), user: record.createdBy.user,
            onBehalfOf: record.createdBy.onBehalfOf, role: record.createdBy.role?.rawValue,
            what: "started the submission (\(record.workflowName))", comment: nil, fields: nil)
    }
}

extension SubmissionPage.DocumentRow {
    /// The one mapping from a document's metadata to a row of the page's documents.
    init(_ document: DocumentMetadata, disposal: DocumentDisposal? = nil) {
        self.init(
            sha256: document.sha256, short: String(document.sha256.prefix(12)), kind: document.kind.rawValue,
            title: document.title, date: document.date?.description, from: document.creator?.description,
            to: document.addresseesLine, size: document.size, fileName: document.originalFileName,
            destroyed: disposal.flatMap { disposal in
                disposal.action == .destroy
                    ? "Destroyed on \(Wording.londonTime(disposal.time)) under disposal list \(disposal.list)" : nil
            })
    }
}

extension SubmissionPage.DepartedRow {
    /// A document that left the pack, saying how: replaced (by which) or removed (and why).
    init(_ departed: DepartedDocument, in view: SubmissionView) {
        let metadata = departed.metadata
        let how: String
        if let newer = departed.departure.replacedBy {
            let title = view.documents.first { $0.sha256 == newer }?.title ?? String(newer.prefix(12))
            how = "replaced by “\(title)”"
        } else {
            how = "removed: \(departed.departure.reason ?? "")"
        }
        self.init(
            sha256: metadata.sha256, short: String(metadata.sha256.prefix(12)), kind: metadata.kind.rawValue,
            title: metadata.title, fileName: metadata.originalFileName, how: how)
    }
}

extension SubmissionPage.HistoryRow {
    /// The one mapping from a recorded event to a line of the page's history, in the words of
    /// `workflow` (the definition the submission is pinned to); `names`: what each document was
    /// called in the pack, for a replacement, which records only a digest.
    init(_ event: StoredEvent, workflow: WorkflowDefinition, names: [String: String] = [:]) {
        var what = ""
        var fields: String?
        var comment: String?
        switch event.body {
        case .transition(let transition):
            what =
                "\(workflow.eventLabel(transition.name, from: transition.from)): "
                + "\(workflow.stateLabel(transition.from)) → \(workflow.stateLabel(transition.to))"
            comment = transition.comment
            fields =
                transition.fields.isEmpty
                ? nil
                : transition.fields.sorted { $0.key < $1.key }.map { "\($0.key) = \($0.value)" }.joined(
                    separator: ", ")
        case .documentAdded(let document, _, nil):
            what = "added \(document.kind.rawValue) “\(document.name)”"
        case .documentAdded(let document, _, let replaced?):
            let old = names[replaced].map { "“\($0)”" } ?? String(replaced.prefix(12))
            what = "added \(document.kind.rawValue) “\(document.name)”, replacing \(old), which left the pack"
        case .documentRemoved(let document, let reason):
            what = "took \(document.kind.rawValue) “\(document.name)” out of the pack"
            comment = reason
        case .correspondenceFiled(let filing):
            what = "filed the email “\(filing.documents.first?.document.name ?? "")” (outside the pack)"
            comment = filing.rule.wording
        case .recordsDisposed(let disposal):
            what = disposal.summary
        }
        self.init(
            sequence: event.sequence, time: Wording.londonTime(event.time), user: event.actor.user,
            onBehalfOf: event.actor.onBehalfOf, role: event.actor.role?.rawValue, what: what, comment: comment,
            fields: fields)
    }
}

extension SubmissionPage.EventForm {
    /// The HTML input for a field type (a browser's date picker is a convenience: the library
    /// checks the value whatever the browser sent).
    static func inputType(_ type: FieldType) -> String {
        switch type {
        case .date, .pastDate: "date"
        case .text, .reference: "text"
        }
    }

    /// The one mapping from a workflow transition to the form that fires it; a field naming a
    /// meeting offers `meetings` to choose from (no one should have to type a meeting's id). The
    /// form says which of the documents it needs are still missing from the pack.
    init(
        _ transition: WorkflowDefinition.Transition, targetLabel: String, meetings: [MeetingView] = [],
        approvingMeetings: [MeetingView] = [], missingDocuments: [DocumentKind]
    ) {
        self.init(
            event: transition.event, label: transition.label, target: transition.target, targetLabel: targetLabel,
            fields: transition.requiredFields.map { field in
                let choices =
                    switch field.name {
                    case WorkflowField.meeting: meetings
                    case WorkflowField.approvedAt: approvingMeetings
                    default: [MeetingView]()
                    }
                let options = choices.map {
                    Field.Option(
                        value: $0.id,
                        label: "\($0.definition.board), \(Wording.longDate($0.definition.date)) (\($0.id))")
                }
                return Field(
                    name: field.name, label: field.name.replacingOccurrences(of: "-", with: " ").capitalized,
                    inputType: Self.inputType(field.type), id: "\(transition.event)-\(field.name)",
                    options: options, hasOptions: !options.isEmpty)
            }, commentRequired: transition.commentRequired,
            requiredDocuments: missingDocuments.isEmpty
                ? nil : missingDocuments.map(\.rawValue).joined(separator: ", "),
            formID: "event-\(transition.event)")
    }
}

/// A document read as text inside the app.
struct PreviewModel: Sendable {
    var reference: String
    var sha256: String
    var title: String
    var kind: String
    var date: String?
    var from: String?
    var to: String?
    var fileName: String
    var size: String
    var format: String
    var opensInBrowser: Bool
    var text: String?
    var note: String?
}

extension PreviewModel {
    /// A document's preview, its text cut at `limit` characters.
    init(reference: String, preview: DocumentPreview, limit: Int) {
        let metadata = preview.metadata
        var text = preview.text
        var note = preview.reason.map { "No text to show: \($0)." }
        if let whole = text, whole.count > limit {
            text = String(whole.prefix(limit))
            note =
                "The first \(limit.formatted()) characters of \(whole.count.formatted()); download the file for the rest."
        }
        self.init(
            reference: reference, sha256: metadata.sha256, title: metadata.title, kind: metadata.kind.rawValue,
            date: metadata.date?.description, from: metadata.creator?.description, to: metadata.addresseesLine,
            fileName: metadata.originalFileName, size: metadata.size.formatted(), format: metadata.format,
            opensInBrowser: ["application/pdf", "text/plain"].contains(metadata.format), text: text, note: note)
    }
}

/// A document withheld from the reader, as the submission page lists it.
struct WithheldRow: Sendable {
    var kind: String
    var what: String
    var why: String
}
