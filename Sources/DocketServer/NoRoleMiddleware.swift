import DocketKit
import Hummingbird

/// A signed-in user who holds no role (someone the provider let in whose groups map to no
/// Docket role) sees one page saying so, whatever they ask for, and may sign out. The roles
/// are the library's answer now (own or delegated), not a flag kept from sign-in.
struct NoRoleMiddleware: RouterMiddleware {
    typealias Context = DocketRequestContext
    let pages: Pages
    let docket: DocketArchive

    func handle(
        _ request: Request, context: Context, next: (Request, Context) async throws -> Response
    ) async throws -> Response {
        guard let session = context.session,
            try await blocking({ [docket] in try docket.permissions(for: session.user).roles.isEmpty })
        else { return try await next(request, context) }
        let path = request.uri.path
        if path == "/sign-out" || path.hasPrefix("/static/") || path.hasPrefix("/sign-in") {
            return try await next(request, context)
        }
        if path.hasPrefix("/api/") {
            throw WebError(status: .forbidden, code: "no-role", message: "this account has no role yet")
        }
        return pages.render(
            "no-role",
            NoRolePage(
                chrome: Chrome(
                    title: "No role yet", user: nil, roles: "", csrf: "", may: MayLinks(), flash: nil, error: nil),
                accountName: session.user, signOutToken: session.csrfToken),
            status: .forbidden)
    }
}

/// The page a user without a role sees. Its fields are not named `user` or `csrf`: the
/// header would find them in place of the chrome's and show the signed-in navigation.
struct NoRolePage: Sendable {
    var chrome: Chrome
    var accountName: String
    var signOutToken: String
}
