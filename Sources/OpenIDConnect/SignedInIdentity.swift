/// Who the provider says signed in, after every check passed: what Docket links and names the
/// account by, and the Docket role names the configured mapping grants.
public struct SignedInIdentity: Sendable, Equatable {
    /// The account is linked by (issuer, subject), never by a name: names change, and the
    /// provider's are not Docket's.
    public var issuer: String
    public var subject: String
    /// The configured name claim's value (then `email`, then `sub`): what a new Docket user
    /// name is derived from.
    public var nameHint: String
    public var fullName: String?
    public var email: String?
    /// Every role name the mapping grants for every value of every role claim.
    public var roleNames: Set<String>

    public init(
        issuer: String, subject: String, nameHint: String, fullName: String?, email: String?, roleNames: Set<String>
    ) {
        self.issuer = issuer
        self.subject = subject
        self.nameHint = nameHint
        self.fullName = fullName
        self.email = email
        self.roleNames = roleNames
    }

    /// The identity a verified token's claims give under a configuration.
    public init(claims: [String: ClaimValue], configuration: OIDCConfiguration) {
        let subject = claims["sub"]?.text ?? ""
        issuer = claims["iss"]?.text ?? configuration.issuer
        self.subject = subject
        email = claims["email"]?.text
        fullName = claims["name"]?.text
        nameHint =
            [claims[configuration.nameClaim]?.text, email, subject].compactMap { $0 }.first { !$0.isEmpty } ?? subject
        var roles: Set<String> = []
        for claim in configuration.roleClaims {
            for value in claims[claim]?.strings ?? [] {
                roles.formUnion(configuration.roleMapping[value] ?? [])
            }
        }
        roleNames = roles
    }
}
