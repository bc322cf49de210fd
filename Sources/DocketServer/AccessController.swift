import Archive
import DocketKit
import Foundation
import Hummingbird
import Workflow

/// The administrator's view of access (under `/admin`): the access log, filtered, newest
/// first; and the live sessions, each of which (or all of a user's) can be ended. Who may see
/// them is the library's answer; every session ended is recorded in the access log.
struct AccessController: Sendable {
    typealias Context = DocketRequestContext

    let docket: DocketArchive
    let pages: Pages
    let sessions: SessionStore

    /// The most entries the audit page shows at once (the newest; the CLI lists them all).
    static let pageLimit = 500

    var routes: RouteCollection<Context> {
        RouteCollection(context: Context.self)
            .get("audit", use: audit)
            .get("sessions", use: list)
            .post("sessions/revoke", use: revoke)
            .post("sessions/revoke-user", use: revokeUser)
    }

    // MARK: - Handlers

    @Sendable func audit(_ request: Request, context: Context) async throws -> Response {
        let user = try context.requireUser()
        let parameters = request.uri.queryParameters
        let filter = AuditFilter(
            user: Self.field(parameters.get("user")), item: Self.field(parameters.get("item")),
            since: Self.field(parameters.get("since")))
        var model = AuditModel(filter: filter)
        var status = HTTPResponse.Status.ok
        let since = filter.since.flatMap(CalendarDate.init(iso:))
        if filter.since != nil, since == nil {
            // Refused beside the form, to those the library lets read the log; 403 to anyone else.
            let permissions = try await blocking { [docket] in try docket.permissions(for: user) }
            guard permissions.mayReadAccessLog else {
                throw WebError(
                    status: .forbidden, code: "not-permitted", message: "\(user) may not read the access log")
            }
            model.error = "'\(filter.since ?? "")' is not a date: give YYYY-MM-DD"
            status = .badRequest
        } else {
            let entries = try await blocking { [docket] in
                try docket.accessLog(user: filter.user, item: filter.item, since: since, as: user)
            }
            model.total = entries.count
            model.rows = entries.suffix(Self.pageLimit).reversed().map(AuditRow.init)
            model.limited = entries.count > Self.pageLimit
        }
        return pages.render(
            "audit", SimplePage(chrome: await Chrome("Access log", context, docket: docket), model: model),
            status: status)
    }

    @Sendable func list(_ request: Request, context: Context) async throws -> Response {
        let user = try context.requireUser()
        try await blocking { [docket] in try docket.requireSessionAdministrator(user) }
        var model = SessionsModel(rows: await sessions.live().map { SessionRow($0, current: context.session) })
        model.users = Array(Set(model.rows.map(\.user))).sorted()
        model.notice = request.uri.queryParameters.get("ended").map { "Ended \($0)." }
        return pages.render(
            "sessions", SimplePage(chrome: await Chrome("Sessions", context, docket: docket), model: model))
    }

    @Sendable func revoke(_ request: Request, context: Context) async throws -> Response {
        let (user, form) = try await context.signedInForm(request)
        try await blocking { [docket] in try docket.requireSessionAdministrator(user) }
        guard let handle = form.text("session"), let ended = await sessions.revoke(handle: handle) else {
            // Already over (signed out, idle, or ended by another administrator): nothing to record.
            return DocketWebApp.redirect("/admin/sessions?ended=nothing%20(the%20session%20was%20already%20over)")
        }
        let what =
            "a session signed in \(Wording.londonTime(ended.signedIn)) (\(ended.method.rawValue))"
            + (ended.address.map { " from \($0)" } ?? "")
        try await recordRevocation(of: ended.user, what: what, as: user, context: context)
        return DocketWebApp.redirect("/admin/sessions?ended=\(Self.query("a session of \(ended.user)"))")
    }

    @Sendable func revokeUser(_ request: Request, context: Context) async throws -> Response {
        let (user, form) = try await context.signedInForm(request)
        try await blocking { [docket] in try docket.requireSessionAdministrator(user) }
        guard let target = form.text("user") else { throw WebError.badRequest("name the user whose sessions to end") }
        let ended = await sessions.revokeAll(of: target)
        guard !ended.isEmpty else {
            return DocketWebApp.redirect("/admin/sessions?ended=\(Self.query("nothing (\(target) had no session)"))")
        }
        try await recordRevocation(
            of: target, what: "all \(ended.count) session\(ended.count == 1 ? "" : "s") of \(target)", as: user,
            context: context)
        return DocketWebApp.redirect("/admin/sessions?ended=\(Self.query("every session of \(target)"))")
    }

    // MARK: - Helpers

    func recordRevocation(of target: String, what: String, as user: String, context: Context) async throws {
        let address = context.clientAddress
        try await blocking { [docket] in
            _ = try docket.recordSessionRevocation(of: target, what: what, address: address, as: user)
        }
    }

    /// A query parameter's value, trimmed; nil when empty.
    static func field(_ value: String?) -> String? {
        guard let value = value?.trimmingCharacters(in: .whitespaces), !value.isEmpty else { return nil }
        return value
    }

    static func query(_ text: String) -> String {
        text.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? ""
    }
}

// MARK: - Page models

/// What the audit page was asked for (its form shows it again).
struct AuditFilter: Sendable {
    var user: String?
    var item: String?
    var since: String?
}

/// One access log entry as the audit page lists it.
struct AuditRow: Sendable {
    var time: String
    var who: String
    var action: String
    var outcome: String
    var refused: Bool
    var concerning: String
    var address: String
    var reason: String
}

extension AuditRow {
    /// The one mapping from an access log entry to a row of the audit page.
    init(_ entry: AccessLogEntry) {
        let record = entry.event
        let concerning = [
            record.what, record.item.map { "item \($0)" }, record.document.map { "document \($0.prefix(12))…" },
        ].compactMap { $0 }.joined(separator: "; ")
        self.init(
            time: Wording.londonTime(entry.at),
            who: record.user ?? record.attemptedName.map { "“\($0)” (no such user)" } ?? "—",
            action: record.action.rawValue + (record.method.map { " (\($0.rawValue))" } ?? ""),
            outcome: record.outcome.rawValue, refused: record.outcome == .refused, concerning: concerning,
            address: record.address ?? "", reason: record.reason ?? "")
    }
}

struct AuditModel: Sendable {
    var filter: AuditFilter
    var rows: [AuditRow] = []
    var total = 0
    /// More entries matched than the page shows.
    var limited = false
    var limit = AccessController.pageLimit
    var error: String?
}

/// One live session as the sessions page lists it: never its id or CSRF token, only a handle.
struct SessionRow: Sendable {
    var user: String
    var since: String
    var lastSeen: String
    var address: String
    var method: String
    var handle: String
    /// The administrator's own session (ending it signs them out).
    var isCurrent: Bool
}

extension SessionRow {
    /// The one mapping from a live session to a row of the sessions page.
    init(_ session: Session, current: Session?) {
        self.init(
            user: session.user, since: Wording.londonTime(session.signedIn),
            lastSeen: Wording.londonTime(session.lastSeen), address: session.address ?? "unknown",
            method: session.method.rawValue, handle: session.handle, isCurrent: session.id == current?.id)
    }
}

struct SessionsModel: Sendable {
    var rows: [SessionRow]
    var users: [String] = []
    var notice: String?
}
