import Hummingbird

/// What the server knows about a request beyond HTTP: the signed-in user (by session cookie
/// or API token) and the session's CSRF token.
public struct DocketRequestContext: RequestContext {
    public var coreContext: CoreRequestContextStorage
    /// The browser session, when the request carried a live session cookie.
    var session: Session?
    /// The user an API token identified.
    var tokenUser: String?
    /// The connection's peer as the server's socket saw it (behind a proxy, the proxy). Nil
    /// when unknown (in-process tests).
    let peerAddress: String?
    /// The client's address, which the access log records: the peer, or, when the peer is a
    /// trusted proxy, what that proxy says in `X-Forwarded-For` (`ClientAddressMiddleware`,
    /// by the rule of `TrustedProxies`). Never a header from anyone else.
    var clientAddress: String?

    public init(source: ApplicationRequestContextSource) {
        coreContext = .init(source: source)
        peerAddress = source.channel.remoteAddress.flatMap { $0.ipAddress ?? $0.pathname }
        clientAddress = peerAddress
    }

    /// The acting Docket user, whichever way they signed in.
    var user: String? { session?.user ?? tokenUser }
}

extension DocketRequestContext {
    /// The signed-in user, or a redirect to the sign-in page (pages) / 401 (API).
    func requireUser() throws -> String {
        guard let user else { throw WebError.signInRequired }
        return user
    }

    /// Refuses a form whose CSRF token does not match the session's.
    func requireCSRF(_ form: FormBody) throws {
        try requireCSRF(token: form["csrf"])
    }

    /// Refuses a CSRF token (a form's `csrf` field, URL-encoded or multipart) that is not the session's.
    func requireCSRF(token: String?) throws {
        guard let session, let token, DocketWebApp.constantTimeEqual(token, session.csrfToken)
        else { throw WebError.csrf }
    }

    /// What every form a signed-in page posts starts with: the user, the form, its CSRF token checked.
    func signedInForm(_ request: Request) async throws -> (user: String, form: FormBody) {
        let user = try requireUser()
        let form = try await FormBody.read(request)
        try requireCSRF(form)
        return (user, form)
    }
}
