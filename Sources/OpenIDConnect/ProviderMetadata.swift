import Foundation

/// What discovery (`/.well-known/openid-configuration`) says about the provider: the three
/// endpoints Docket uses.
public struct ProviderMetadata: Sendable, Equatable, Decodable {
    public var issuer: String
    public var authorizationEndpoint: URL
    public var tokenEndpoint: URL
    public var jwksURI: URL

    enum CodingKeys: String, CodingKey {
        case issuer
        case authorizationEndpoint = "authorization_endpoint"
        case tokenEndpoint = "token_endpoint"
        case jwksURI = "jwks_uri"
    }

    /// Fetches the provider's discovery document.
    ///
    /// - Throws: `OIDCError.provider` when it cannot be fetched or read, or when the issuer it
    ///   reports is not exactly the configured one (OpenID Connect Discovery §4.3: a document
    ///   claiming another issuer could hand out another provider's keys).
    static func discover(issuer: String, http: ProviderHTTP) async throws(OIDCError) -> ProviderMetadata {
        let base = issuer.hasSuffix("/") ? String(issuer.dropLast()) : issuer
        guard let url = URL(string: base + "/.well-known/openid-configuration") else {
            throw .provider("the issuer '\(issuer)' does not make a discovery URL")
        }
        let metadata = try await http.getJSON(url, as: ProviderMetadata.self, what: "the discovery document")
        guard metadata.issuer == issuer else {
            throw .provider("the discovery document names the issuer '\(metadata.issuer)', not '\(issuer)'")
        }
        return metadata
    }
}
