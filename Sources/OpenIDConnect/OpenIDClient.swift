import Foundation

/// Docket as an OpenID Connect relying party: the authorization code flow with PKCE (S256),
/// `state` and `nonce`.
///
/// `start` makes the URL to send the browser to; `finish` takes the provider's callback,
/// exchanges the code (sending the PKCE verifier and the client secret with HTTP Basic
/// authentication, `client_secret_basic`), verifies the ID token and returns who signed in.
/// Discovery runs at the first sign-in and is kept once it succeeds, so Docket starts even
/// while the provider is unreachable.
public actor OpenIDClient {
    public let configuration: OIDCConfiguration
    private let http: ProviderHTTP
    private let pending: PendingSignIns
    private let now: @Sendable () -> Date
    private var discovered: (metadata: ProviderMetadata, verifier: IDTokenVerifier)?

    /// A sign-in to send the browser off with.
    public struct Authorization: Sendable {
        /// The provider's authorization endpoint with the request's parameters.
        public var url: URL
        /// The value to set in the browser-binding cookie (see `finish`).
        public var browserBinding: String
    }

    /// - Parameter now: The clock for ID token times and pending sign-ins (tests move it on).
    public init(configuration: OIDCConfiguration, now: @escaping @Sendable () -> Date = { Date() }) {
        self.configuration = configuration
        self.http = ProviderHTTP()
        self.pending = PendingSignIns(now: now)
        self.now = now
    }

    /// Begins a sign-in.
    ///
    /// - Parameter returnTo: The local path to return to afterwards.
    /// - Throws: `OIDCError.provider` when discovery fails.
    public func start(returnTo: String) async throws(OIDCError) -> Authorization {
        let metadata = try await provider().metadata
        let (state, sign) = await pending.begin(returnTo: returnTo)
        guard var components = URLComponents(url: metadata.authorizationEndpoint, resolvingAgainstBaseURL: false)
        else { throw .provider("the authorization endpoint is not a URL") }
        components.queryItems =
            (components.queryItems ?? []) + [
                URLQueryItem(name: "response_type", value: "code"),
                URLQueryItem(name: "client_id", value: configuration.clientID),
                URLQueryItem(name: "redirect_uri", value: configuration.redirectURL.absoluteString),
                URLQueryItem(name: "scope", value: configuration.scopes.joined(separator: " ")),
                URLQueryItem(name: "state", value: state),
                URLQueryItem(name: "nonce", value: sign.nonce),
                URLQueryItem(name: "code_challenge", value: PendingSignIns.codeChallenge(for: sign.codeVerifier)),
                URLQueryItem(name: "code_challenge_method", value: "S256"),
            ]
        // `+` is a space to form decoders: encode it (URLComponents leaves it as is).
        components.percentEncodedQuery = components.percentEncodedQuery?.replacingOccurrences(of: "+", with: "%2B")
        guard let url = components.url else { throw .provider("the authorization endpoint is not a URL") }
        return Authorization(url: url, browserBinding: sign.browserBinding)
    }

    /// Completes a sign-in from the provider's callback.
    ///
    /// - Parameters:
    ///   - state: The callback's `state`: must be a pending sign-in's, unused, unexpired.
    ///   - code: The callback's `code`.
    ///   - error: The callback's `error` (with `errorDescription`), when the provider refused.
    ///   - browserBinding: The browser-binding cookie's value.
    /// - Returns: Who signed in, and the local path they first asked for.
    /// - Throws: `OIDCError` saying which step refused.
    public func finish(
        state: String?, code: String?, error: String? = nil, errorDescription: String? = nil, browserBinding: String?
    ) async throws(OIDCError) -> (identity: SignedInIdentity, returnTo: String) {
        // The pending sign-in is used up whatever happens next: a state is good for one try.
        guard let state, let sign = await pending.take(state: state, browserBinding: browserBinding) else {
            throw .unknownState
        }
        if let error {
            throw .providerRefused(Self.printable(errorDescription.map { "\(error): \($0)" } ?? error))
        }
        guard let code, !code.isEmpty else { throw .providerRefused("the callback carries no code") }
        let (metadata, verifier) = try await provider()
        let idToken = try await exchange(code: code, verifier: sign.codeVerifier, at: metadata.tokenEndpoint)
        let claims = try await verifier.verify(idToken, nonce: sign.nonce)
        return (SignedInIdentity(claims: claims, configuration: configuration), sign.returnTo)
    }

    /// The discovered endpoints and the verifier over the provider's keys (discovered once).
    private func provider() async throws(OIDCError) -> (metadata: ProviderMetadata, verifier: IDTokenVerifier) {
        if let discovered { return discovered }
        let metadata = try await ProviderMetadata.discover(issuer: configuration.issuer, http: http)
        let keys = JWKSCache(
            url: metadata.jwksURI, refetchInterval: configuration.keySetRefetchInterval, now: now)
        let verifier = IDTokenVerifier(
            issuer: configuration.issuer, clientID: configuration.clientID, keys: keys, now: now)
        discovered = (metadata, verifier)
        return (metadata, verifier)
    }

    /// The token request (RFC 6749 §4.1.3 with RFC 7636's verifier); returns the ID token.
    private func exchange(code: String, verifier: String, at endpoint: URL) async throws(OIDCError) -> String {
        let credentials =
            "\(ProviderHTTP.formEncode(configuration.clientID)):\(ProviderHTTP.formEncode(configuration.clientSecret))"
        let (status, body) = try await http.postForm(
            endpoint,
            fields: [
                ("grant_type", "authorization_code"), ("code", code),
                ("redirect_uri", configuration.redirectURL.absoluteString), ("code_verifier", verifier),
            ],
            headers: ["Authorization": "Basic " + Data(credentials.utf8).base64EncodedString()],
            what: "the token endpoint")
        guard status == 200 else {
            let answer = try? http.decode(body, as: TokenError.self, what: "the token endpoint's error")
            throw .tokenExchange(Self.printable(answer.map { "\($0.error)" } ?? "HTTP \(status)"))
        }
        let answer = try http.decode(body, as: TokenAnswer.self, what: "the token endpoint's answer")
        guard let idToken = answer.idToken else { throw .tokenExchange("the answer has no ID token") }
        return idToken
    }

    /// A provider's text cut short and stripped of anything but plain printable characters.
    static func printable(_ text: String) -> String {
        String(text.unicodeScalars.filter { $0.value >= 0x20 && $0.value < 0x7F }.prefix(200).map(Character.init))
    }

    private struct TokenAnswer: Decodable {
        var idToken: String?
        enum CodingKeys: String, CodingKey { case idToken = "id_token" }
    }

    private struct TokenError: Decodable {
        var error: String
    }
}
