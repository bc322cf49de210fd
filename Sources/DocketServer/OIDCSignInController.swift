import Archive
import DocketKit
import Foundation
import Hummingbird
import OpenIDConnect

/// Signing in through the council's OpenID provider: `GET /sign-in/oidc` sends the browser to
/// the provider; `GET /sign-in/oidc/callback` takes it back, has the library check everything
/// the provider sent, and starts a session exactly as a password sign-in does.
struct OIDCSignInController: Sendable {
    typealias Context = DocketRequestContext

    let docket: DocketArchive
    let sessions: SessionStore
    let client: OpenIDClient
    let configuration: WebConfiguration

    /// Binds a pending sign-in to the browser that started it (the state itself is server-side).
    static let bindingCookie = "docket_oidc"

    var routes: RouteCollection<Context> {
        RouteCollection(context: Context.self)
            .get("sign-in/oidc", use: start)
            .get("sign-in/oidc/callback", use: callback)
    }

    // MARK: - Handlers

    @Sendable func start(_ request: Request, context: Context) async throws -> Response {
        let next = DocketWebApp.safeNext(request.uri.queryParameters.get("next"))
        let authorization: OpenIDClient.Authorization
        do {
            authorization = try await client.start(returnTo: next)
        } catch {
            throw WebError(status: .badGateway, code: "identity-provider", message: "\(error)")
        }
        var response = DocketWebApp.redirect(authorization.url.absoluteString)
        response.setCookie(
            Cookie(
                name: Self.bindingCookie, value: authorization.browserBinding, maxAge: 600, path: "/sign-in/oidc",
                secure: configuration.secureCookies, httpOnly: true, sameSite: .lax))
        return response
    }

    @Sendable func callback(_ request: Request, context: Context) async throws -> Response {
        let query = request.uri.queryParameters
        let identity: SignedInIdentity
        let returnTo: String
        do {
            (identity, returnTo) = try await client.finish(
                state: query.get("state"), code: query.get("code"), error: query.get("error"),
                errorDescription: query.get("error_description"),
                browserBinding: request.cookies[Self.bindingCookie]?.value)
        } catch {
            // Refusals are in the access log like wrong passwords: the reason, never a token.
            try await record(
                .signInRefused(name: nil, method: .oidc, reason: "\(error)", address: context.clientAddress))
            throw Self.webError(error)
        }
        // The library's refusal is kept typed (not turned into a page by `blocking`) so that a
        // disabled account gets a 403 that does not show the reason an administrator wrote.
        let outcome = try await blocking { [docket] in
            Result { () throws(DocketError) in try docket.signIn(withProvider: identity) }
        }
        let signedIn: ProviderSignIn
        switch outcome {
        case .success(let result):
            signedIn = result
        case .failure(.accountDisabled(let user, _, _)):
            try await record(
                .signInRefused(
                    name: user, method: .oidc, reason: "the account is disabled", address: context.clientAddress))
            throw WebError(
                status: .forbidden, code: "account-disabled",
                message: "Sign-in refused: the account \(user) is disabled; ask an administrator.")
        case .failure(let error):
            throw WebError(error)
        }
        // Recorded before the session exists, as for passwords: a sign-in the log cannot hold does not happen.
        try await record(.signIn(user: signedIn.user, method: .oidc, address: context.clientAddress))
        // A new session id at every sign-in, as for passwords: an id planted before is worthless.
        if let old = request.cookies[DocketWebApp.sessionCookie]?.value { await sessions.end(old) }
        let session = await sessions.create(
            for: signedIn.user, generation: signedIn.generation, address: context.clientAddress, method: .oidc)
        var response = DocketWebApp.redirect(DocketWebApp.safeNext(returnTo))
        response.setCookie(SignInController.sessionCookie(session.id, configuration: configuration))
        response.setCookie(Cookie(name: Self.bindingCookie, value: "", maxAge: 0, path: "/sign-in/oidc"))
        return response
    }

    /// Records an access event in the archive's access log (off the event loop).
    func record(_ event: AccessEvent) async throws {
        try await blocking { [docket] in _ = try docket.recordAccess(event) }
    }

    /// A refusal as a plain page naming the problem (never a token): the provider's own
    /// refusal or a bad callback is 400, a token or state that fails a check is 403, an
    /// unreachable provider 502.
    static func webError(_ error: OIDCError) -> WebError {
        let status: HTTPResponse.Status =
            switch error {
            case .configuration, .provider: .badGateway
            case .providerRefused, .tokenExchange: .badRequest
            case .unknownState, .invalidToken: .forbidden
            }
        return WebError(status: status, code: "sign-in-refused", message: "Sign-in refused: \(error)")
    }
}
