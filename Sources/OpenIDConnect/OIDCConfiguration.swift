import Foundation

/// How Docket signs people in through an OpenID provider: who the provider is, who Docket is
/// to it, and which of the provider's groups or roles become which Docket roles.
///
/// Read from a JSON file (`docket serve --oidc CONFIG`), or the same object as the `oidc`
/// section of Docket's configuration file:
///
/// ```json
/// {
///   "issuer": "https://login.microsoftonline.com/TENANT/v2.0",
///   "client_id": "…",
///   "client_secret_file": "/etc/docket/oidc-secret",
///   "redirect_url": "https://docket.example.gov.uk/sign-in/oidc/callback",
///   "role_mapping": {"GROUP-OBJECT-ID": ["officer"], "…": ["clerk", "viewer"]}
/// }
/// ```
public struct OIDCConfiguration: Sendable, Equatable {
    /// The provider's issuer identifier: discovery must report exactly this, and every ID
    /// token must carry it as `iss`.
    public var issuer: String
    public var clientID: String
    /// Read from `client_secret_file`, surrounding white space trimmed; sent to the token
    /// endpoint with HTTP Basic authentication (`client_secret_basic`).
    public var clientSecret: String
    /// Where the provider sends the browser back: Docket's `/sign-in/oidc/callback`.
    public var redirectURL: URL
    public var scopes: [String]
    /// The claim the Docket user name is derived from at first sign-in (then `email`, then
    /// `sub`, when the token does not carry it).
    public var nameClaim: String
    /// The claims whose values (a string or a list of strings) are looked up in `roleMapping`:
    /// every value of every one of them, not the first.
    public var roleClaims: [String]
    /// A claim value (a group's object id, an app role's value) → the Docket role names it grants.
    public var roleMapping: [String: [String]]
    /// The label of the sign-in button: "Sign in with <displayName>".
    public var displayName: String
    /// The least time between two fetches of the provider's key set that tokens signed with
    /// unknown keys cause (`jwks_refetch_seconds`, default 30).
    public var keySetRefetchInterval: TimeInterval

    /// A configuration given field by field (tests; `load` reads the file form).
    public init(
        issuer: String, clientID: String, clientSecret: String, redirectURL: URL,
        scopes: [String] = ["openid", "profile", "email"], nameClaim: String = "preferred_username",
        roleClaims: [String] = ["groups", "roles"], roleMapping: [String: [String]] = [:],
        displayName: String = "council sign-in", keySetRefetchInterval: TimeInterval = 30
    ) {
        self.keySetRefetchInterval = keySetRefetchInterval
        self.issuer = issuer
        self.clientID = clientID
        self.clientSecret = clientSecret
        self.redirectURL = redirectURL
        self.scopes = scopes
        self.nameClaim = nameClaim
        self.roleClaims = roleClaims
        self.roleMapping = roleMapping
        self.displayName = displayName
    }

    /// Reads and checks a configuration file.
    ///
    /// - Parameters:
    ///   - path: The JSON file.
    ///   - knownRoles: The role names the mapping may grant; any other name is refused here,
    ///     at start-up, rather than silently granting nothing at sign-in.
    /// - Throws: `OIDCError.configuration` naming the file and the field that is wrong.
    public static func load(from path: String, knownRoles: Set<String>) throws(OIDCError) -> OIDCConfiguration {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw .configuration("\(path): cannot be read")
        }
        return try decode(data, origin: path, knownRoles: knownRoles)
    }

    /// Checks a configuration given as the JSON a configuration file holds (the file's whole
    /// content, or a section of Docket's own configuration file).
    ///
    /// - Parameters:
    ///   - data: The JSON object.
    ///   - origin: Where it came from, to begin every message ("/etc/docket/docket.json: oidc").
    ///   - knownRoles: As for `load(from:knownRoles:)`.
    /// - Throws: `OIDCError.configuration` naming the origin and the field that is wrong.
    public static func decode(_ data: Data, origin: String, knownRoles: Set<String>) throws(OIDCError)
        -> OIDCConfiguration
    {
        func bad(_ problem: String) -> OIDCError { .configuration("\(origin): \(problem)") }
        let file: File
        do {
            file = try JSONDecoder().decode(File.self, from: data)
        } catch let DecodingError.keyNotFound(key, _) {
            throw bad("'\(key.stringValue)' is missing")
        } catch let DecodingError.typeMismatch(_, context) {
            throw bad("'\(context.codingPath.map(\.stringValue).joined(separator: "."))' has the wrong type")
        } catch {
            throw bad("is not a JSON object of the expected form (\(error))")
        }
        guard let issuerURL = URL(string: file.issuer), ["https", "http"].contains(issuerURL.scheme ?? ""),
            issuerURL.host != nil
        else { throw bad("'issuer' is not an http(s) URL") }
        guard !file.clientID.isEmpty else { throw bad("'client_id' is empty") }
        guard let redirect = URL(string: file.redirectURL), ["https", "http"].contains(redirect.scheme ?? ""),
            redirect.host != nil
        else { throw bad("'redirect_url' is not an http(s) URL") }
        let secret = try readSecret(file.clientSecretFile, bad: bad)
        let scopes = file.scopes ?? ["openid", "profile", "email"]
        guard scopes.contains("openid") else { throw bad("'scopes' must include openid") }
        let mapping = file.roleMapping ?? [:]
        for (value, roles) in mapping.sorted(by: { $0.key < $1.key }) {
            for role in roles where !knownRoles.contains(role) {
                throw bad(
                    "'role_mapping' gives '\(value)' the role '\(role)', which Docket does not have "
                        + "(it has \(knownRoles.sorted().joined(separator: ", ")))")
            }
        }
        let refetch = file.keySetRefetchSeconds ?? 30
        guard refetch >= 0, refetch <= 86_400 else { throw bad("'jwks_refetch_seconds' is not between 0 and 86400") }
        let roleClaims = file.roleClaims ?? ["groups", "roles"]
        if let empty = roleClaims.first(where: \.isEmpty) { throw bad("'role_claims' has an empty name '\(empty)'") }
        return OIDCConfiguration(
            issuer: file.issuer, clientID: file.clientID, clientSecret: secret, redirectURL: redirect,
            scopes: scopes, nameClaim: file.nameClaim ?? "preferred_username", roleClaims: roleClaims,
            roleMapping: mapping, displayName: file.displayName ?? "council sign-in",
            keySetRefetchInterval: refetch)
    }

    /// The secret, trimmed; refused when empty, or when anyone may read the file (the secret
    /// lets whoever holds it act as Docket towards the provider).
    private static func readSecret(_ path: String, bad: (String) -> OIDCError) throws(OIDCError) -> String {
        guard let attributes = try? FileManager.default.attributesOfItem(atPath: path),
            let data = FileManager.default.contents(atPath: path)
        else { throw bad("'client_secret_file' (\(path)) cannot be read") }
        if let permissions = attributes[.posixPermissions] as? Int, permissions & 0o004 != 0 {
            throw bad("'client_secret_file' (\(path)) is readable by everyone: chmod o-r it")
        }
        let secret = String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        guard !secret.isEmpty else { throw bad("'client_secret_file' (\(path)) is empty") }
        return secret
    }

    /// The file's form.
    private struct File: Decodable {
        var issuer: String
        var clientID: String
        var clientSecretFile: String
        var redirectURL: String
        var scopes: [String]?
        var nameClaim: String?
        var roleClaims: [String]?
        var roleMapping: [String: [String]]?
        var displayName: String?
        var keySetRefetchSeconds: Double?

        enum CodingKeys: String, CodingKey {
            case issuer, scopes
            case clientID = "client_id"
            case clientSecretFile = "client_secret_file"
            case redirectURL = "redirect_url"
            case nameClaim = "name_claim"
            case roleClaims = "role_claims"
            case roleMapping = "role_mapping"
            case displayName = "display_name"
            case keySetRefetchSeconds = "jwks_refetch_seconds"
        }
    }
}
