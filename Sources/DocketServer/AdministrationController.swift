import Archive
import DocketKit
import Foundation
import Hummingbird
import Workflow

/// The administrator's pages: the users (add one, set a password, their mail and the
/// governance lead) and the archive's health (with the mail that was not delivered).
/// Who may see them is the library's answer: it refuses anyone else.
struct AdministrationController: Sendable {
    typealias Context = DocketRequestContext

    let docket: DocketArchive
    let pages: Pages

    var routes: RouteCollection<Context> {
        RouteCollection(context: Context.self)
            .get("users", use: users)
            .post("users", use: addUser)
            .post("users/:name/password", use: setPassword)
            .post("users/:name/mail", use: changeMail)
            .post("users/:name/disable", use: disable)
            .post("users/:name/enable", use: enable)
            .post("users/governance-lead", use: setGovernanceLead)
            .get("health", use: health)
    }

    // MARK: - Handlers

    @Sendable func users(_ request: Request, context: Context) async throws -> Response {
        let user = try context.requireUser()
        var model = try await usersModel(as: user)
        let parameters = request.uri.queryParameters
        if let added = parameters.get("added") {
            model.notice = "Added \(added). They can sign in with the password you gave."
        } else if let changed = parameters.get("password") {
            model.notice = "Set a new password for \(changed)."
        } else if let changed = parameters.get("mail") {
            model.notice = "Saved the mail settings of \(changed)."
        } else if let disabled = parameters.get("disabled") {
            model.notice = "Disabled \(disabled): their sessions and tokens have ended."
        } else if let enabled = parameters.get("enabled") {
            model.notice = "Enabled \(enabled): they can sign in again."
        } else if parameters.get("lead") != nil {
            model.notice = "Saved who receives escalations for series without a contact of their own."
        }
        return await usersPage(model, context)
    }

    @Sendable func addUser(_ request: Request, context: Context) async throws -> Response {
        let (user, form) = try await context.signedInForm(request)
        let name = form.text("name") ?? ""
        let roles = form.values["role", default: []].compactMap(Role.init(rawValue:))
        let password = form["password"] ?? ""
        let notify = try Self.notifyChoice(form)
        do {
            try await blocking { [docket] in
                _ = try docket.addUser(
                    name, roles: roles, fullName: form.text("full-name"), email: form.text("email"), notify: notify,
                    password: password, as: user)
            }
        } catch let error as WebError where [.badRequest, .unprocessableContent, .conflict].contains(error.status) {
            // Shown beside the form, which keeps what was typed (except the password).
            var model = try await usersModel(as: user)
            model.error = error.message
            model.name = name
            model.fullName = form.text("full-name") ?? ""
            model.roles = Role.allCases.map { .init(value: $0.rawValue, checked: roles.contains($0)) }
            model.email = form["email"] ?? ""
            model.choices = NotifyOption.all(selected: notify)
            return await usersPage(model, context, status: error.status)
        }
        return DocketWebApp.redirect("/users?added=\(name)")
    }

    @Sendable func setPassword(_ request: Request, context: Context) async throws -> Response {
        let (user, form) = try await context.signedInForm(request)
        let name = try context.parameters.require("name")
        let password = form["password"] ?? ""
        try await blocking { [docket] in try docket.setPassword(password, for: name, as: user) }
        return DocketWebApp.redirect("/users?password=\(name)")
    }

    /// Disables an account (its sessions and tokens end at once); the reason is recorded.
    @Sendable func disable(_ request: Request, context: Context) async throws -> Response {
        let (user, form) = try await context.signedInForm(request)
        let name = try context.parameters.require("name")
        let reason = form["reason"] ?? ""
        try await blocking { [docket] in try docket.disableUser(name, reason: reason, as: user) }
        return DocketWebApp.redirect("/users?disabled=\(name)")
    }

    @Sendable func enable(_ request: Request, context: Context) async throws -> Response {
        let (user, _) = try await context.signedInForm(request)
        let name = try context.parameters.require("name")
        try await blocking { [docket] in try docket.enableUser(name, as: user) }
        return DocketWebApp.redirect("/users?enabled=\(name)")
    }

    @Sendable func changeMail(_ request: Request, context: Context) async throws -> Response {
        let (user, form) = try await context.signedInForm(request)
        let name = try context.parameters.require("name")
        let email = form["email"] ?? ""
        let notify = try Self.notifyChoice(form)
        do {
            try await blocking { [docket] in
                _ = try docket.changeMail(of: name, email: email, notify: notify, as: user)
            }
        } catch let error as WebError where [.badRequest, .unprocessableContent].contains(error.status) {
            // Shown in the user's row, whose form keeps what was typed.
            var model = try await usersModel(as: user)
            if let row = model.users.firstIndex(where: { $0.name == name }) {
                model.users[row].email = email
                model.users[row].choices = NotifyOption.all(selected: notify)
                model.users[row].mailError = error.message
            }
            return await usersPage(model, context, status: error.status)
        }
        return DocketWebApp.redirect("/users?mail=\(name)")
    }

    @Sendable func setGovernanceLead(_ request: Request, context: Context) async throws -> Response {
        let (user, form) = try await context.signedInForm(request)
        let lead = form.text("user")
        try await blocking { [docket] in try docket.setEscalationContact(series: nil, user: lead, as: user) }
        return DocketWebApp.redirect("/users?lead=saved")
    }

    @Sendable func health(_ request: Request, context: Context) async throws -> Response {
        let user = try context.requireUser()
        let (findings, undelivered) = try await blocking { [docket] in
            (try docket.verify(as: user).map(FindingRow.init), try docket.undeliveredMail(as: user).map(MailRow.init))
        }
        return pages.render(
            "health",
            SimplePage(
                chrome: await Chrome("Archive health", context, docket: docket),
                model: HealthModel(findings: findings, undelivered: undelivered))
        )
    }

    // MARK: - Helpers

    /// The Users page (again, with the status of a refusal shown on it).
    func usersPage(_ model: UsersModel, _ context: Context, status: HTTPResponse.Status = .ok) async -> Response {
        pages.render(
            "users", SimplePage(chrome: await Chrome("Users", context, docket: docket), model: model), status: status)
    }

    /// The users, if `user` is an administrator (the library refuses anyone else).
    func usersModel(as user: String) async throws -> UsersModel {
        let (records, contacts) = try await blocking { [docket] in
            (try docket.users(as: user), try docket.escalationContacts())
        }
        return UsersModel(
            users: records.map(UserRow.init), roles: Role.allCases.map { .init(value: $0.rawValue, checked: false) },
            choices: NotifyOption.all(selected: nil),
            leads: ContactOption.all(records.map(\.name), selected: contacts[""], none: "Nobody"))
    }

    /// The choice of mail a form names (`notify`); nil when it names none.
    static func notifyChoice(_ form: FormBody) throws -> NotifyChoice? {
        guard let text = form.text("notify") else { return nil }
        guard let choice = NotifyChoice(rawValue: text) else {
            throw WebError.badRequest("'\(text)' is not a choice of mail (immediate, digest or none)")
        }
        return choice
    }
}

// MARK: - Page models

struct UserRow: Sendable {
    var name: String
    var fullName: String
    var roles: String
    var email: String
    var choices: [NotifyOption]
    /// Why this row's change of mail settings was refused.
    var mailError: String?
    /// "Disabled by ada on …: reason", for a disabled account.
    var disabled: String?
    /// The identity provider's account it signs in as, if linked.
    var linked: Bool
}

extension UserRow {
    /// The one mapping from a user's record to a row of the Users page.
    init(_ user: UserRecord) {
        self.init(
            name: user.name, fullName: user.fullName ?? "", roles: user.roles.map(\.rawValue).joined(separator: ", "),
            email: user.email ?? "", choices: NotifyOption.all(selected: user.notify), mailError: nil,
            disabled: user.disabled.map { "Disabled by \($0.by) at \(Wording.londonTime($0.at)): \($0.reason)" },
            linked: user.identity != nil)
    }
}

/// One choice of mail in a form, in words, selected when it is the user's.
struct NotifyOption: Sendable {
    var value: String
    var label: String
    var selected: Bool

    /// Every choice, `selected` (nil: immediate, the library's default) marked.
    static func all(selected: NotifyChoice?) -> [NotifyOption] {
        NotifyChoice.allCases.map { choice in
            NotifyOption(value: choice.rawValue, label: label(choice), selected: choice == (selected ?? .immediate))
        }
    }

    static func label(_ choice: NotifyChoice) -> String {
        switch choice {
        case .immediate: "Each message as it is due"
        case .digest: "One summary a working day"
        case .none: "No mail"
        }
    }
}

/// One user who could receive escalations, in a form's list (the first option is none of them).
struct ContactOption: Sendable {
    var value: String
    var label: String
    var selected: Bool

    /// `none` (what having no contact means here), then each of `users`, the current contact marked.
    static func all(_ users: [String], selected: String?, none: String) -> [ContactOption] {
        [ContactOption(value: "", label: none, selected: selected == nil)]
            + users.map { ContactOption(value: $0, label: $0, selected: $0 == selected) }
    }
}

/// The Users page: the list, and the form to add one (refilled after a refusal).
struct UsersModel: Sendable {
    struct RoleOption: Sendable {
        var value: String
        var checked: Bool
    }
    var users: [UserRow]
    var roles: [RoleOption]
    var choices: [NotifyOption]
    /// Who receives escalations for series without a contact of their own.
    var leads: [ContactOption]
    var name = ""
    var fullName = ""
    var email = ""
    var minimumPasswordLength = DocketArchive.minimumPasswordLength
    var error: String?
    var notice: String?
}

struct FindingRow: Sendable {
    var severity: String
    var path: String
    var message: String
}

extension FindingRow {
    /// The one mapping from a verification finding to a row of the health page.
    init(_ finding: VerificationFinding) {
        self.init(severity: finding.severity.rawValue, path: finding.path, message: finding.message)
    }
}

/// A message the MTA refused, as the health page lists it.
struct MailRow: Sendable {
    var day: String
    var recipient: String
    var address: String
    var subject: String
    var status: String
    var lastFailure: String
}

extension MailRow {
    /// The one mapping from an undelivered outbox message to a row of the health page.
    init(_ message: OutboxMessage) {
        let status =
            if let retry = message.retryAfter {
                "Will be tried again after \(Wording.londonTime(retry)) "
                    + "(\(message.attempts) \(message.attempts == 1 ? "try" : "tries") so far)"
            } else {
                "Failed: Docket gave up after \(message.attempts) tries"
            }
        self.init(
            day: message.day, recipient: message.decided.recipient, address: message.decided.address,
            subject: message.decided.subject, status: status, lastFailure: message.lastFailure ?? "")
    }
}

struct HealthModel: Sendable {
    var findings: [FindingRow]
    /// Mail the MTA refused: given up on, or waiting to be tried again.
    var undelivered: [MailRow]
    var mailAttempts = DocketArchive.mailAttempts
    var problems: Int
    /// Mustache treats any number, 0 included, as true (and sees stored properties only):
    /// the template tests this instead.
    var hasProblems: Bool
}

extension HealthModel {
    /// The findings, with how many of them are problems.
    init(findings: [FindingRow], undelivered: [MailRow]) {
        self.init(
            findings: findings, undelivered: undelivered, problems: findings.filter { $0.severity == "problem" }.count,
            hasProblems: findings.contains { $0.severity == "problem" })
    }
}
