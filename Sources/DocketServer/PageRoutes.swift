import Archive
import DocketKit
import Foundation
import HTTPTypes
import Hummingbird
import Index
import Workflow

struct SubmissionRow: Sendable {
    var reference: String
    var title: String
    var state: String
    var deadline: String?
    var overdue: Bool
}

extension SubmissionRow {
    /// The one mapping from the library's summary to a list row.
    init(_ summary: SubmissionSummary) {
        self.init(
            reference: summary.reference, title: summary.title, state: summary.state,
            deadline: summary.deadline?.description, overdue: summary.isOverdue)
    }
}

struct DashboardPage: Sendable {
    var chrome: Chrome
    var waiting: [SubmissionRow]
    var states: [StateCount]
    var due: [DueRow]
    var meetings: [MeetingRow]
    var series: [SeriesRow]

    struct StateCount: Sendable {
        var state: String
        var count: Int
    }
}

struct DueRow: Sendable {
    var date: String
    var what: String
    var subject: String
    var who: String
    var overdue: Bool
}

struct MeetingRow: Sendable {
    var id: String
    var board: String
    var date: String
    var published: Bool
    var items: Int
}

extension MeetingRow {
    /// The one mapping from a meeting to a row of a list of meetings.
    init(_ meeting: MeetingView) {
        self.init(
            id: meeting.id, board: meeting.definition.board, date: Wording.longDate(meeting.definition.date),
            published: meeting.publications > 0, items: meeting.items.filter { $0.kind == .submission }.count)
    }
}

struct SeriesRow: Sendable {
    var id: String
    var title: String
    var nextDue: String
    var nextNumber: String
    var overdue: Bool
}

struct SubmissionPage: Sendable {
    struct Step: Sendable {
        var state: String
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
            var name: String
            var label: String
            var inputType: String
            var id: String
        }

        var event: String
        var target: String
        var fields: [Field]
        var commentRequired: Bool
        /// Named apart from the page's `documents`: Mustache would find those when this is nil.
        var requiredDocuments: String?
        var formID: String
    }

    var chrome: Chrome
    var reference: String
    var title: String
    var service: String?
    var series: String?
    var workflow: String
    var state: String
    var deadline: String?
    var overdue: Bool
    var board: String?
    var steps: [Step]
    var documents: [DocumentRow]
    var history: [HistoryRow]
    var forms: [EventForm]
    var canUpload: Bool
    var kinds: [String]
    var sequence: Int
    var hasReport: Bool
}

struct SimplePage<Model: Sendable>: Sendable {
    var chrome: Chrome
    var model: Model
}

extension DocketWebApp {
    func addPageRoutes(to router: Router<DocketRequestContext>) {
        router.get("/") { _, context -> Response in
            let user = try requireUser(context)
            let (waiting, counts, due, meetings, series) = try await blocking { [docket] in
                let waiting = try docket.waiting(for: user, limit: 25).map(SubmissionRow.init)
                let counts = try docket.stateCounts().map { DashboardPage.StateCount(state: $0.state, count: $0.count) }
                let due = try docket.due(within: 14, limit: 30).map {
                    DueRow(
                        date: $0.date.description, what: $0.what, subject: $0.subject,
                        who: $0.who.joined(separator: ", "), overdue: $0.isOverdue)
                }
                let meetings = try docket.upcomingMeetings().map(MeetingRow.init)
                let series = try docket.seriesIDs().map { id in
                    let view = try docket.series(id)
                    return SeriesRow(
                        id: id, title: view.definition.title, nextDue: view.nextDue.date.description,
                        nextNumber: Wording.ordinal(view.nextDue.number), overdue: view.isOverdue)
                }
                return (waiting, counts, due, meetings, series)
            }
            return pages.render(
                "dashboard",
                DashboardPage(
                    chrome: await chrome("Dashboard", context), waiting: waiting, states: counts, due: due,
                    meetings: meetings, series: series))
        }

        router.get("submissions") { request, context -> Response in
            _ = try requireUser(context)
            let state = request.uri.queryParameters.get("state").flatMap { $0.isEmpty ? nil : $0 }
            let rows = try await blocking { [docket] in
                try docket.submissionLines(inState: state, limit: 100).map(SubmissionRow.init)
            }
            return pages.render(
                "submissions",
                SimplePage(chrome: await chrome("Submissions", context), model: ListModel(state: state, rows: rows)))
        }

        router.get("submissions/new") { _, context -> Response in
            let user = try requireUser(context)
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
                    chrome: await chrome("New submission", context),
                    model: NewSubmissionModel(workflows: workflows, series: series)))
        }

        router.post("submissions") { request, context -> Response in
            let user = try requireUser(context)
            let form = try await FormBody.read(request)
            try requireCSRF(form, context)
            let reference = try await blocking { [docket] in
                try docket.newSubmission(
                    workflow: form.text("workflow") ?? "", title: form["title"] ?? "", series: form.text("series"),
                    service: form.text("service"), as: user)
            }
            return Self.redirect("/submissions/\(reference)")
        }

        router.get("submissions/:reference") { _, context -> Response in
            let user = try requireUser(context)
            let reference = try context.parameters.require("reference")
            let page = try await submissionPage(reference, user: user, chrome: await chrome(reference, context))
            return pages.render("submission", page)
        }

        router.post("submissions/:reference/events") { request, context -> Response in
            let user = try requireUser(context)
            let reference = try context.parameters.require("reference")
            let form = try await FormBody.read(request)
            try requireCSRF(form, context)
            var fields: [String: String] = [:]
            for (name, values) in form.values where name.hasPrefix("field.") {
                if let value = values.first, !value.isEmpty { fields[String(name.dropFirst(6))] = value }
            }
            let event = form["event"] ?? ""
            let expected = form["sequence"].flatMap(Int.init)
            _ = try await blocking { [docket, fields] in
                try docket.fire(
                    event, on: reference, as: user, fields: fields, comment: form.text("comment"),
                    expectedSequence: expected)
            }
            return Self.redirect("/submissions/\(reference)")
        }

        router.post("submissions/:reference/documents") { request, context -> Response in
            let user = try requireUser(context)
            let reference = try context.parameters.require("reference")
            let upload = try await MultipartUpload.read(request, limit: configuration.uploadLimit)
            guard let session = context.session, let token = upload.fields["csrf"],
                Self.constantTimeEqual(token, session.csrfToken)
            else { throw WebError.csrf }
            // The page's view of the submission: an upload from a page that is out of date
            // (another change recorded since it was shown) is refused, not added blind.
            let expected = upload.fields["sequence"].flatMap(Int.init)
            _ = try await blocking { [docket] in
                try docket.addDocument(to: reference, upload: upload, as: user, expectedSequence: expected)
            }
            return Self.redirect("/submissions/\(reference)")
        }

        router.get("submissions/:reference/documents/:sha256") { request, context -> Response in
            _ = try requireUser(context)
            let reference = try context.parameters.require("reference")
            let sha = try context.parameters.require("sha256")
            let inline = request.uri.queryParameters.get("inline") == "1"
            let (metadata, file) = try await blocking { [docket] in
                let (metadata, path) = try docket.document(reference, sha256: sha)
                guard let file = try? OpenFile(path) else { throw WebError.notFound("the document's file is missing") }
                return (metadata, file)
            }
            // Only formats a browser shows safely are previewed inline; the CSP header keeps
            // any script in an HTML document from running either way.
            let previewable = ["application/pdf", "text/plain"].contains(metadata.format)
            var response = Self.streamed(
                file, type: previewable || !inline ? metadata.format : "application/octet-stream",
                fileName: DocketArchive.safeFileName(metadata.originalFileName), inline: inline && previewable)
            response.headers[HTTPField.Name("Content-Security-Policy")!] = "sandbox; default-src 'none'"
            return response
        }

        router.get("submissions/:reference/documents/:sha256/preview") { _, context -> Response in
            _ = try requireUser(context)
            let reference = try context.parameters.require("reference")
            let sha = try context.parameters.require("sha256")
            let preview = try await blocking { [docket] in try docket.documentPreview(reference, sha256: sha) }
            let metadata = preview.metadata
            var text = preview.text
            var note = preview.reason.map { "No text to show: \($0)." }
            if let whole = text, whole.count > Self.previewCharacters {
                text = String(whole.prefix(Self.previewCharacters))
                note =
                    "The first \(Self.previewCharacters.formatted()) characters of \(whole.count.formatted()); download the file for the rest."
            }
            let model = PreviewModel(
                reference: reference, sha256: metadata.sha256, title: metadata.title, kind: metadata.kind.rawValue,
                date: metadata.date?.description, from: metadata.creator?.description,
                to: metadata.addressees.isEmpty ? nil : metadata.addressees.map(\.description).joined(separator: "; "),
                fileName: metadata.originalFileName, size: metadata.size.formatted(), format: metadata.format,
                opensInBrowser: ["application/pdf", "text/plain"].contains(metadata.format), text: text, note: note)
            return pages.render("preview", SimplePage(chrome: await chrome(metadata.title, context), model: model))
        }

        router.get("workflows/:name/picture.svg") { request, context -> Response in
            _ = try requireUser(context)
            let name = try context.parameters.require("name")
            let current = request.uri.queryParameters.get("state")
            let svg = try await blocking { [docket] in
                try WorkflowPicture.render(try docket.workflow(named: name).definition, current: current)
            }
            return Self.bytes(svg, type: "image/svg+xml")
        }

        router.get("search") { request, context -> Response in
            _ = try requireUser(context)
            let parameters = request.uri.queryParameters
            let model = try await searchModel(
                query: parameters.get("q") ?? "", kind: parameters.get("kind") ?? "",
                party: parameters.get("party") ?? "",
                state: parameters.get("state") ?? "", from: parameters.get("from") ?? "",
                to: parameters.get("to") ?? "",
                page: parameters.get("page").flatMap(Int.init) ?? 1)
            return pages.render("search", SimplePage(chrome: await chrome("Search", context), model: model))
        }

        router.get("users") { request, context -> Response in
            let user = try requireUser(context)
            var model = try await usersModel(as: user)
            let parameters = request.uri.queryParameters
            if let added = parameters.get("added") {
                model.notice = "Added \(added). They can sign in with the password you gave."
            } else if let changed = parameters.get("password") {
                model.notice = "Set a new password for \(changed)."
            }
            return pages.render("users", SimplePage(chrome: await chrome("Users", context), model: model))
        }

        router.post("users") { request, context -> Response in
            let user = try requireUser(context)
            let form = try await FormBody.read(request)
            try requireCSRF(form, context)
            let name = form.text("name") ?? ""
            let roles = form.values["role", default: []].compactMap(Role.init(rawValue:))
            let password = form["password"] ?? ""
            do {
                try await blocking { [docket] in
                    _ = try docket.addUser(
                        name, roles: roles, fullName: form.text("full-name"), password: password, as: user)
                }
            } catch let error as WebError
                where [.badRequest, .unprocessableContent, .conflict].contains(error.status)
            {
                // Shown beside the form, which keeps what was typed (except the password).
                var model = try await usersModel(as: user)
                model.error = error.message
                model.name = name
                model.fullName = form.text("full-name") ?? ""
                model.roles = Role.allCases.map { .init(value: $0.rawValue, checked: roles.contains($0)) }
                return pages.render(
                    "users", SimplePage(chrome: await chrome("Users", context), model: model),
                    status: error.status)
            }
            return Self.redirect("/users?added=\(name)")
        }

        router.post("users/:name/password") { request, context -> Response in
            let user = try requireUser(context)
            let name = try context.parameters.require("name")
            let form = try await FormBody.read(request)
            try requireCSRF(form, context)
            let password = form["password"] ?? ""
            try await blocking { [docket] in try docket.setPassword(password, for: name, as: user) }
            return Self.redirect("/users?password=\(name)")
        }

        router.get("health") { _, context -> Response in
            let user = try requireUser(context)
            let findings = try await blocking { [docket] in
                try docket.verify(as: user).map {
                    FindingRow(severity: $0.severity.rawValue, path: $0.path, message: $0.message)
                }
            }
            return pages.render(
                "health",
                SimplePage(
                    chrome: await chrome("Archive health", context),
                    model: HealthModel(
                        findings: findings, problems: findings.filter { $0.severity == "problem" }.count,
                        hasProblems: findings.contains { $0.severity == "problem" })
                ))
        }
    }

    func submissionPage(_ reference: String, user: String, chrome: Chrome) async throws -> SubmissionPage {
        try await blocking { [docket] in
            let view = try docket.submission(reference, for: user)
            // A meeting named by an event but never recorded (imported history) must not hide the
            // submission: the page then shows no Board line.
            let board = (try? docket.boardSchedule(of: view)) ?? nil
            let definition = view.workflow
            let order = definition.states.map(\.id)
            let currentIndex = order.firstIndex(of: view.state) ?? 0
            let steps = definition.states.filter { !$0.isFinal || $0.id == view.state }.map { state in
                SubmissionPage.Step(
                    state: state.id, current: state.id == view.state,
                    done: (order.firstIndex(of: state.id) ?? 0) < currentIndex)
            }
            let documents = view.documents.map { document in
                SubmissionPage.DocumentRow(
                    sha256: document.sha256, short: String(document.sha256.prefix(12)), kind: document.kind.rawValue,
                    title: document.title, date: document.date?.description, from: document.creator?.description,
                    to: document.addressees.isEmpty
                        ? nil : document.addressees.map(\.description).joined(separator: "; "),
                    size: document.size, fileName: document.originalFileName)
            }
            let history = view.events.map { event -> SubmissionPage.HistoryRow in
                var what = ""
                var fields: String?
                var comment: String?
                switch event.body {
                case .transition(let transition):
                    what = "\(transition.name): \(transition.from) → \(transition.to)"
                    comment = transition.comment
                    fields =
                        transition.fields.isEmpty
                        ? nil
                        : transition.fields.sorted { $0.key < $1.key }.map { "\($0.key) = \($0.value)" }.joined(
                            separator: ", ")
                case .documentAdded(let document, _):
                    what = "added \(document.kind.rawValue) “\(document.name)”"
                }
                return SubmissionPage.HistoryRow(
                    sequence: event.sequence, time: Wording.londonTime(event.time), user: event.actor.user,
                    onBehalfOf: event.actor.onBehalfOf, role: event.actor.role?.rawValue, what: what, comment: comment,
                    fields: fields)
            }
            let transitions = definition.state(view.state)?.transitions ?? []
            let forms = transitions.filter { view.allowedNow.contains($0.event) }.map { transition in
                SubmissionPage.EventForm(
                    event: transition.event, target: transition.target,
                    fields: transition.requiredFields.map { field in
                        SubmissionPage.EventForm.Field(
                            name: field.name, label: field.name.replacingOccurrences(of: "-", with: " ").capitalized,
                            inputType: field.type.rawValue == "date" ? "date" : "text",
                            id: "\(transition.event)-\(field.name)")
                    }, commentRequired: transition.commentRequired,
                    requiredDocuments: transition.requiredDocuments.isEmpty
                        ? nil : transition.requiredDocuments.map(\.rawValue).joined(separator: ", "),
                    formID: "event-\(transition.event)")
            }
            let boardLine = board.map { board in
                var line = "\(board.meeting.definition.board), \(Wording.longDate(board.meeting.definition.date))"
                if let item = board.item, item.isPublished { line += ", item \(item.number)" }
                if let due = board.reportDue { line += "; report due \(due)" }
                return line
            }
            return SubmissionPage(
                chrome: chrome, reference: reference, title: view.record.title, service: view.record.service,
                series: view.record.series, workflow: view.record.workflowName, state: view.state,
                deadline: view.deadline?.description, overdue: view.isOverdue, board: boardLine, steps: steps,
                documents: documents, history: history, forms: forms,
                canUpload: try docket.permissions(for: user).mayAddDocuments(to: view),
                kinds: DocumentKind.allCases.map(\.rawValue), sequence: view.sequence, hasReport: board != nil)
        }
    }
}

struct ListModel: Sendable {
    var state: String?
    var rows: [SubmissionRow]
}

struct NewSubmissionModel: Sendable {
    var workflows: [String]
    var series: [String]
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

struct UserRow: Sendable {
    var name: String
    var fullName: String
    var roles: String
}

/// The Users page: the list, and the form to add one (refilled after a refusal).
struct UsersModel: Sendable {
    struct RoleOption: Sendable {
        var value: String
        var checked: Bool
    }
    var users: [UserRow]
    var roles: [RoleOption]
    var name = ""
    var fullName = ""
    var minimumPasswordLength = DocketArchive.minimumPasswordLength
    var error: String?
    var notice: String?
}

extension DocketWebApp {
    /// The most of a document's text a preview page shows (a long PDF would make a page of
    /// megabytes; the file is a click away).
    static let previewCharacters = 200_000

    /// The users, if `user` is an administrator (the library refuses anyone else).
    func usersModel(as user: String) async throws -> UsersModel {
        let users = try await blocking { [docket] in
            try docket.users(as: user).map {
                UserRow(
                    name: $0.name, fullName: $0.fullName ?? "", roles: $0.roles.map(\.rawValue).joined(separator: ", "))
            }
        }
        return UsersModel(users: users, roles: Role.allCases.map { .init(value: $0.rawValue, checked: false) })
    }
}

struct FindingRow: Sendable {
    var severity: String
    var path: String
    var message: String
}

struct HealthModel: Sendable {
    var findings: [FindingRow]
    var problems: Int
    /// Mustache treats any number, 0 included, as true (and sees stored properties only):
    /// the template tests this instead.
    var hasProblems: Bool
}

extension DocketArchive {
    /// Archives an uploaded document as described by its form.
    func addDocument(
        to reference: String, upload: MultipartUpload, as user: String, expectedSequence: Int?
    ) throws -> DocumentMetadata {
        guard let file = upload.file else { throw WebError.badRequest("choose a file to upload") }
        guard let kind = upload.fields["kind"].flatMap(DocumentKind.init(rawValue:)) else {
            throw WebError.badRequest("choose the document's kind")
        }
        let date = try upload.fields["date"].flatMap { text -> CalendarDate? in
            guard !text.isEmpty else { return nil }
            guard let date = CalendarDate(iso: text) else { throw WebError.badRequest("the date must be YYYY-MM-DD") }
            return date
        }
        let title = (upload.fields["title"] ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
        return try addDocument(
            to: reference, content: file.bytes,
            description: DocumentDescription(
                kind: kind, title: title.isEmpty ? file.fileName : title, originalFileName: file.fileName, date: date,
                creator: upload.fields["from"].flatMap { Party(parsing: $0) },
                addressees: upload.fields["to"].flatMap { Party(parsing: $0) }.map { [$0] } ?? []),
            as: user, expectedSequence: expectedSequence)
    }
}
