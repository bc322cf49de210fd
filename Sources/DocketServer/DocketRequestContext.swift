import Hummingbird

/// What the server knows about a request beyond HTTP: the signed-in user (by session cookie
/// or API token) and the session's CSRF token.
public struct DocketRequestContext: RequestContext {
    public var coreContext: CoreRequestContextStorage
    /// The browser session, when the request carried a live session cookie.
    var session: Session?
    /// The user an API token identified.
    var tokenUser: String?

    public init(source: ApplicationRequestContextSource) {
        coreContext = .init(source: source)
    }

    /// The acting Docket user, whichever way they signed in.
    var user: String? { session?.user ?? tokenUser }
}
