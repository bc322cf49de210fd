/// Why an OpenID Connect sign-in (or its set-up) was refused. The descriptions name the
/// problem for a log or an error page and never include a token.
public enum OIDCError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The configuration file is wrong (the text names the field).
    case configuration(String)
    /// The provider could not be reached or answered something unusable.
    case provider(String)
    /// The callback's `state` is unknown, used already, expired, or belongs to another browser.
    case unknownState
    /// The provider sent the browser back with an error (`error=` in the callback).
    case providerRefused(String)
    /// The token endpoint refused to exchange the code (a wrong PKCE verifier, an old code).
    case tokenExchange(String)
    /// The ID token failed a check (the text says which).
    case invalidToken(String)

    public var description: String {
        switch self {
        case .configuration(let text): "OpenID Connect configuration: \(text)"
        case .provider(let text): "the identity provider: \(text)"
        case .unknownState: "this sign-in is unknown, expired or already used; start again"
        case .providerRefused(let text): "the identity provider refused the sign-in: \(text)"
        case .tokenExchange(let text): "the identity provider would not complete the sign-in: \(text)"
        case .invalidToken(let text): "the identity provider's ID token was refused: \(text)"
        }
    }
}
