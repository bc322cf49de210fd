import DocketKit
import Foundation
import Hummingbird
import Workflow

/// The Actions page: the actions of the Board's decisions (the user's own; everyone's for a
/// clerk or an administrator, unless they ask for their own), open, done or all, with forms to
/// mark one done or reopen it.
struct ActionsController: Sendable {
    typealias Context = DocketRequestContext

    let docket: DocketArchive
    let pages: Pages

    var routes: RouteCollection<Context> {
        RouteCollection(context: Context.self)
            .get("actions", use: list)
            .post("actions/:meeting/:action/done", use: markDone)
            .post("actions/:meeting/:action/reopen", use: reopen)
    }

    // MARK: - Handlers

    @Sendable func list(_ request: Request, context: Context) async throws -> Response {
        let user = try context.requireUser()
        let query = request.uri.queryParameters
        let owner = query.get("owner")
        let status = ["open", "done", "all"].contains(query.get("status") ?? "") ? query.get("status")! : "open"
        let meeting = query.get("meeting").flatMap { $0.isEmpty ? nil : $0 }
        let done = query.get("done")
        let address = context.clientAddress
        let model = try await blocking { [docket] in
            let permissions = try docket.permissions(for: user)
            // A clerk or an administrator sees everyone's unless they ask for their own.
            let everyone = permissions.mayUpdateAnyAction && owner != "mine"
            let filter = ActionsPageModel.Filter(everyone: everyone, status: status, meeting: meeting)
            let lines = try docket.actions(
                owner: everyone ? nil : user, includeDone: status != "open", meeting: meeting, for: user,
                from: address
            )
            .filter { status != "done" || $0.isDone }
            return ActionsPageModel(
                rows: lines.map { ActionRow($0, user: user, permissions: permissions) }, filter: filter,
                mayChooseOwner: permissions.mayUpdateAnyAction, showsEveryone: everyone)
        }
        let flash: String? =
            switch done {
            case "done": "The action is marked done."
            case "reopened": "The action is open again."
            default: nil
            }
        return pages.render(
            "actions", SimplePage(chrome: await Chrome("Actions", context, docket: docket, flash: flash), model: model))
    }

    @Sendable func markDone(_ request: Request, context: Context) async throws -> Response {
        try await update(request, context: context, reopening: false)
    }

    @Sendable func reopen(_ request: Request, context: Context) async throws -> Response {
        try await update(request, context: context, reopening: true)
    }

    /// Marks done or reopens the action the path names, on the view the form was shown with
    /// (its `log` field): a change made meanwhile is refused (412) rather than acted on blind.
    func update(_ request: Request, context: Context, reopening: Bool) async throws -> Response {
        let (user, form) = try await context.signedInForm(request)
        let meeting = try context.parameters.require("meeting")
        let action = try context.parameters.require("action")
        let note = form["note"] ?? ""
        let expected = form["log"].flatMap(Int.init)
        try await blocking { [docket] in
            if reopening {
                try docket.reopenAction(
                    meeting: meeting, action: action, note: note, as: user, expectedLogSequence: expected)
            } else {
                try docket.completeAction(
                    meeting: meeting, action: action, note: note, as: user, expectedLogSequence: expected)
            }
        }
        // Back to the list the form was on (its filters ride in the form).
        var query = ["done=\(reopening ? "reopened" : "done")"]
        for name in ["owner", "status", "meeting"] {
            if let value = form.text(name) { query.append("\(name)=\(Self.encoded(value))") }
        }
        return DocketWebApp.redirect("/actions?" + query.joined(separator: "&"))
    }

    static func encoded(_ value: String) -> String {
        var allowed = CharacterSet.alphanumerics
        allowed.insert(charactersIn: "-._~")
        return value.addingPercentEncoding(withAllowedCharacters: allowed) ?? ""
    }
}

/// The Actions page.
struct ActionsPageModel: Sendable {
    /// What the list shows: whose actions, which, of which meeting.
    struct Filter: Sendable {
        var everyone: Bool
        /// `open`, `done` or `all`.
        var status: String
        var meeting: String?
        var owner: String { everyone ? "all" : "mine" }
        var isOpen: Bool { status == "open" }
        var isDone: Bool { status == "done" }
        var isAll: Bool { status == "all" }
    }

    var rows: [ActionRow]
    var filter: Filter
    var mayChooseOwner: Bool
    var showsEveryone: Bool
    /// Mustache treats an empty list as false but sees only stored properties.
    var isEmpty: Bool

    init(rows: [ActionRow], filter: Filter, mayChooseOwner: Bool, showsEveryone: Bool) {
        self.rows = rows
        self.filter = filter
        self.mayChooseOwner = mayChooseOwner
        self.showsEveryone = showsEveryone
        isEmpty = rows.isEmpty
    }
}

/// One action, as a row of the Actions page and of the dashboard.
struct ActionRow: Sendable {
    /// The action's id and text (the text withheld from a reader not cleared for it).
    var id: String
    var text: String
    var owner: String
    var due: String
    var overdue: Bool
    var done: Bool
    /// "done 2016-11-02 10:00:00 by olivia: note", or the reopening's note.
    var statusNote: String?
    /// Its meeting (id, board, long date), the item's number and its submission.
    var meeting: String
    var board: String
    var meetingDate: String
    var item: Int
    var reference: String?
    /// The meeting log's length on this view: the forms send it back.
    var log: Int
    /// The user may mark it done or reopen it.
    var mayUpdate: Bool
}

extension ActionRow {
    /// The one mapping from an action of the register to a row seen by `user`.
    init(_ line: ActionLine, user: String, permissions: Permissions) {
        var note: String?
        switch line.status {
        case .done(let mark):
            note =
                "done \(Wording.londonTime(mark.time)) by \(mark.user)"
                + (mark.note.isEmpty ? "" : ": \(mark.note)")
        case .open(let reopened):
            note = reopened.map { "reopened by \($0.user): \($0.note)" }
        }
        self.init(
            id: line.id, text: line.text, owner: line.owner, due: line.due.description, overdue: line.isOverdue,
            done: line.isDone, statusNote: note, meeting: line.meeting, board: line.board,
            meetingDate: Wording.longDate(line.meetingDate), item: line.item, reference: line.reference,
            log: line.logLength, mayUpdate: line.owner == user || permissions.mayUpdateAnyAction)
    }
}
