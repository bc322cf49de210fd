import DocketKit
import Foundation
import Hummingbird

struct SignInPage: Sendable {
    var chrome: Chrome
    var token: String
    var next: String
    var name: String
}

extension DocketWebApp {
    func addStaticRoutes(to router: Router<DocketRequestContext>) {
        router.get("static/docket.css") { _, _ -> Response in
            guard let css = Pages.staticFile("docket.css") else { throw WebError.notFound("no such file") }
            var response = Self.bytes(css, type: "text/css; charset=utf-8")
            response.headers[.cacheControl] = "public, max-age=3600"
            return response
        }
    }

    func addSignInRoutes(to router: Router<DocketRequestContext>) {
        router.get("sign-in") { request, context -> Response in
            // Before there is a session, the form is protected by a double-submit token: a
            // cookie and a hidden field that must match (a cross-site page can set neither).
            let token = SessionStore.randomToken()
            let next = Self.safeNext(request.uri.queryParameters.get("next"))
            var response = pages.render(
                "sign-in",
                SignInPage(chrome: await chrome("Sign in", context), token: token, next: next, name: ""))
            response.setCookie(signInCookie(token))
            return response
        }

        router.post("sign-in") { request, context -> Response in
            let form = try await FormBody.read(request)
            guard let cookie = request.cookies[Self.signInCookie]?.value, let token = form["token"],
                Self.constantTimeEqual(cookie, token)
            else { throw WebError.csrf }
            let name = form.text("user") ?? ""
            let password = form["password"] ?? ""
            let next = Self.safeNext(form["next"])
            let wait = await throttle.wait(for: name)
            if wait > 0 {
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
                let fresh = SessionStore.randomToken()
                var chrome = await chrome("Sign in", context)
                chrome.error = "The user name or password is not right."
                var response = pages.render(
                    "sign-in", SignInPage(chrome: chrome, token: fresh, next: next, name: name), status: .unauthorized)
                response.setCookie(signInCookie(fresh))
                return response
            }
            await throttle.recordSuccess(for: name)
            // A new session id at every sign-in: an id planted before sign-in is worthless.
            if let old = request.cookies[Self.sessionCookie]?.value { await sessions.end(old) }
            let session = await sessions.create(for: name, generation: generation)
            var response = Self.redirect(next)
            response.setCookie(sessionCookie(session.id))
            response.setCookie(Cookie(name: Self.signInCookie, value: "", maxAge: 0, path: "/sign-in"))
            return response
        }

        router.post("sign-out") { request, context -> Response in
            let form = try await FormBody.read(request)
            try requireCSRF(form, context)
            if let session = context.session { await sessions.end(session.id) }
            var response = Self.redirect("/sign-in")
            response.setCookie(
                Cookie(
                    name: Self.sessionCookie, value: "", maxAge: 0, path: "/", secure: configuration.secureCookies,
                    httpOnly: true, sameSite: .lax))
            return response
        }
    }

    func sessionCookie(_ id: String) -> Cookie {
        Cookie(
            name: Self.sessionCookie, value: id, path: "/", secure: configuration.secureCookies, httpOnly: true,
            sameSite: .lax)
    }

    func signInCookie(_ token: String) -> Cookie {
        Cookie(
            name: Self.signInCookie, value: token, maxAge: 3600, path: "/sign-in", secure: configuration.secureCookies,
            httpOnly: true, sameSite: .strict)
    }

    /// Only a path on this site (never `//evil.example` or `https://…`): no open redirect.
    public static func safeNext(_ next: String?) -> String {
        guard let next, next.hasPrefix("/"), !next.hasPrefix("//"), !next.contains("\\"), !next.contains("://") else {
            return "/"
        }
        return next
    }
}
