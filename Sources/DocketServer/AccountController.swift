import Archive
import DocketKit
import Foundation
import Hummingbird

/// The signed-in user's own settings: where their mail goes and which mail they want.
///
/// The user is always the session's: no form names whose settings it changes, so none can be
/// forged to change someone else's.
struct AccountController: Sendable {
    typealias Context = DocketRequestContext

    let docket: DocketArchive
    let pages: Pages

    var routes: RouteCollection<Context> {
        RouteCollection(context: Context.self)
            .get("account/notifications", use: notifications)
            .post("account/notifications", use: saveNotifications)
    }

    // MARK: - Handlers

    @Sendable func notifications(_ request: Request, context: Context) async throws -> Response {
        let user = try context.requireUser()
        let record = try await blocking { [docket] in try docket.mailSettings(of: user, as: user) }
        var model = NotificationsModel(record)
        if request.uri.queryParameters.get("saved") != nil {
            model.notice =
                record.email == nil
                ? "Saved. Without an e-mail address Docket sends you no mail."
                : "Saved. Docket's mail now follows your new settings."
        }
        return await render(model, context: context)
    }

    @Sendable func saveNotifications(_ request: Request, context: Context) async throws -> Response {
        let (user, form) = try await context.signedInForm(request)
        let email = form["email"] ?? ""
        let notify = try AdministrationController.notifyChoice(form)
        do {
            try await blocking { [docket] in
                _ = try docket.changeMail(of: user, email: email, notify: notify, as: user)
            }
        } catch let error as WebError where [.badRequest, .unprocessableContent].contains(error.status) {
            // Beside the form, which keeps what was typed.
            let model = NotificationsModel(
                email: email, choices: NotifyOption.all(selected: notify), error: error.message)
            return await render(model, context: context, status: error.status)
        }
        return DocketWebApp.redirect("/account/notifications?saved=1")
    }

    // MARK: - Helpers

    func render(_ model: NotificationsModel, context: Context, status: HTTPResponse.Status = .ok) async -> Response {
        pages.render(
            "notifications",
            SimplePage(chrome: await Chrome("My notifications", context, docket: docket), model: model),
            status: status)
    }
}

// MARK: - Page model

/// The My notifications page: the user's address and choice of mail, as a form.
struct NotificationsModel: Sendable {
    var email: String
    var choices: [NotifyOption]
    var error: String?
    var notice: String?
}

extension NotificationsModel {
    /// The one mapping from a user's record to their notifications form.
    init(_ user: UserRecord) {
        self.init(email: user.email ?? "", choices: NotifyOption.all(selected: user.notify))
    }
}
