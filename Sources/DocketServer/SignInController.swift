import Archive
import DocketKit
import Foundation
import Hummingbird

/// Signing in and out: the form (protected by a double-submit token until there is a
/// session), the throttle on failed attempts, and a fresh session id at every sign-in.
struct SignInController: Sendable {
    typealias Context = DocketRequestContext

    let docket: DocketArchive
    let pages: Pages
    let sessions: SessionStore
    let throttle: SignInThrottle
    let configuration: WebConfiguration

    var routes: RouteCollection<Context> {
        RouteCollection(context: Context.self)
            .get("sign-in", use: form)
            .post("sign-in", use: signIn)
            .post("sign-out", use: signOut)
    }

    // MARK: - Handlers

    @Sendable func form(_ request: Request, context: Context) async throws -> Response {
        // Before there is a session, the form is protected by a double-submit token: a
        // cookie and a hidden field that must match (a cross-site page can set neither).
        let token = SessionStore.randomToken()
        let next = DocketWebApp.safeNext(request.uri.queryParameters.get("next"))
        var response = pages.render(
            "sign-in",
            SignInPage(
                chrome: await Chrome("Sign in", context, docket: docket), token: token, next: next, name: "",
                provider: providerButton(next: next), passwordSignIn: configuration.passwordSignIn))
        response.setCookie(signInCookie(token))
        return response
    }

    @Sendable func signIn(_ request: Request, context: Context) async throws -> Response {
        guard configuration.passwordSignIn else {
            throw WebError(
                status: .forbidden, code: "password-sign-in-off",
                message: "Passwords are not accepted here: sign in with the council's identity provider.")
        }
        let form = try await FormBody.read(request)
        guard let cookie = request.cookies[DocketWebApp.signInCookie]?.value, let token = form["token"],
            DocketWebApp.constantTimeEqual(cookie, token)
        else { throw WebError.csrf }
        let name = form.text("user") ?? ""
        let password = form["password"] ?? ""
        let next = DocketWebApp.safeNext(form["next"])
        let wait = await throttle.wait(for: name)
        if wait > 0 {
            try await record(
                .signInRefused(
                    name: name, method: .password, reason: "too many failed sign-ins for this name (throttled)",
                    address: context.clientAddress))
            var headers = HTTPFields()
            headers[.retryAfter] = "\(wait)"
            throw WebError(
                status: .tooManyRequests, code: "throttled",
                message: "Too many failed sign-ins for this name. Try again in \(wait / 60 + 1) minutes.",
                headers: headers)
        }
        let generation = await Task.detached { [docket] in docket.authenticate(name, password: password) }.value
        guard let generation else {
            await throttle.recordFailure(for: name)
            // The same words for an unknown name and a wrong password, here as on the page;
            // the typed name is kept, the password never.
            try await record(
                .signInRefused(
                    name: name, method: .password, reason: Self.notRecognised, address: context.clientAddress))
            let fresh = SessionStore.randomToken()
            var chrome = await Chrome("Sign in", context, docket: docket)
            chrome.error = "The user name or password is not right."
            var response = pages.render(
                "sign-in",
                SignInPage(
                    chrome: chrome, token: fresh, next: next, name: name, provider: providerButton(next: next),
                    passwordSignIn: true),
                status: .unauthorized)
            response.setCookie(signInCookie(fresh))
            return response
        }
        await throttle.recordSuccess(for: name)
        // Recorded before the session exists: a sign-in the log cannot hold does not happen.
        try await record(.signIn(user: name, method: .password, address: context.clientAddress))
        // A new session id at every sign-in: an id planted before sign-in is worthless.
        if let old = request.cookies[DocketWebApp.sessionCookie]?.value { await sessions.end(old) }
        let session = await sessions.create(
            for: name, generation: generation, address: context.clientAddress, method: .password)
        var response = DocketWebApp.redirect(next)
        response.setCookie(Self.sessionCookie(session.id, configuration: configuration))
        response.setCookie(Cookie(name: DocketWebApp.signInCookie, value: "", maxAge: 0, path: "/sign-in"))
        return response
    }

    @Sendable func signOut(_ request: Request, context: Context) async throws -> Response {
        let form = try await FormBody.read(request)
        try context.requireCSRF(form)
        if let session = context.session {
            await sessions.end(session.id)
            try await record(.signOut(user: session.user, address: context.clientAddress))
        }
        var response = DocketWebApp.redirect("/sign-in")
        response.setCookie(
            Cookie(
                name: DocketWebApp.sessionCookie, value: "", maxAge: 0, path: "/",
                secure: configuration.secureCookies, httpOnly: true, sameSite: .lax))
        return response
    }

    /// What a refused sign-in is told and the access log records, whichever of name or password was wrong.
    static let notRecognised = "name or password not recognised"

    /// Records an access event in the archive's access log (off the event loop).
    func record(_ event: AccessEvent) async throws {
        try await blocking { [docket] in _ = try docket.recordAccess(event) }
    }

    // MARK: - Cookies

    /// The provider's button, when one is configured: it starts at `/sign-in/oidc`.
    func providerButton(next: String) -> ProviderButton? {
        configuration.openID.map { openID in
            let query = next.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? "%2F"
            return ProviderButton(label: "Sign in with \(openID.displayName)", href: "/sign-in/oidc?next=\(query)")
        }
    }

    static func sessionCookie(_ id: String, configuration: WebConfiguration) -> Cookie {
        Cookie(
            name: DocketWebApp.sessionCookie, value: id, path: "/", secure: configuration.secureCookies,
            httpOnly: true, sameSite: .lax)
    }

    func signInCookie(_ token: String) -> Cookie {
        Cookie(
            name: DocketWebApp.signInCookie, value: token, maxAge: 3600, path: "/sign-in",
            secure: configuration.secureCookies, httpOnly: true, sameSite: .strict)
    }
}

struct SignInPage: Sendable {
    var chrome: Chrome
    var token: String
    var next: String
    var name: String
    var provider: ProviderButton?
    var passwordSignIn: Bool
}

struct ProviderButton: Sendable {
    var label: String
    var href: String
}

extension DocketWebApp {
    /// Only a path on this site (never `//evil.example` or `https://…`): no open redirect.
    public static func safeNext(_ next: String?) -> String {
        guard let next, next.hasPrefix("/"), !next.hasPrefix("//"), !next.contains("\\"), !next.contains("://") else {
            return "/"
        }
        return next
    }
}
