import Archive
import DocketKit
import Foundation
import Hummingbird
import Workflow

/// The administrator's pages: the users (add one, set a password) and the archive's health.
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
        }
        return pages.render("users", SimplePage(chrome: await Chrome("Users", context, docket: docket), model: model))
    }

    @Sendable func addUser(_ request: Request, context: Context) async throws -> Response {
        let (user, form) = try await context.signedInForm(request)
        let name = form.text("name") ?? ""
        let roles = form.values["role", default: []].compactMap(Role.init(rawValue:))
        let password = form["password"] ?? ""
        do {
            try await blocking { [docket] in
                _ = try docket.addUser(
                    name, roles: roles, fullName: form.text("full-name"), password: password, as: user)
            }
        } catch let error as WebError where [.badRequest, .unprocessableContent, .conflict].contains(error.status) {
            // Shown beside the form, which keeps what was typed (except the password).
            var model = try await usersModel(as: user)
            model.error = error.message
            model.name = name
            model.fullName = form.text("full-name") ?? ""
            model.roles = Role.allCases.map { .init(value: $0.rawValue, checked: roles.contains($0)) }
            return pages.render(
                "users", SimplePage(chrome: await Chrome("Users", context, docket: docket), model: model),
                status: error.status)
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

    @Sendable func health(_ request: Request, context: Context) async throws -> Response {
        let user = try context.requireUser()
        let findings = try await blocking { [docket] in try docket.verify(as: user).map(FindingRow.init) }
        return pages.render(
            "health",
            SimplePage(
                chrome: await Chrome("Archive health", context, docket: docket), model: HealthModel(findings: findings))
        )
    }

    // MARK: - Helpers

    /// The users, if `user` is an administrator (the library refuses anyone else).
    func usersModel(as user: String) async throws -> UsersModel {
        let users = try await blocking { [docket] in try docket.users(as: user).map(UserRow.init) }
        return UsersModel(users: users, roles: Role.allCases.map { .init(value: $0.rawValue, checked: false) })
    }
}

// MARK: - Page models

struct UserRow: Sendable {
    var name: String
    var fullName: String
    var roles: String
}

extension UserRow {
    /// The one mapping from a user's record to a row of the Users page.
    init(_ user: UserRecord) {
        self.init(
            name: user.name, fullName: user.fullName ?? "", roles: user.roles.map(\.rawValue).joined(separator: ", "))
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
    var name = ""
    var fullName = ""
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

struct HealthModel: Sendable {
    var findings: [FindingRow]
    var problems: Int
    /// Mustache treats any number, 0 included, as true (and sees stored properties only):
    /// the template tests this instead.
    var hasProblems: Bool
}

extension HealthModel {
    /// The findings, with how many of them are problems.
    init(findings: [FindingRow]) {
        self.init(
            findings: findings, problems: findings.filter { $0.severity == "problem" }.count,
            hasProblems: findings.contains { $0.severity == "problem" })
    }
}
