import DocketKit
import OpenIDConnect
import Workflow

/// The account a provider sign-in lands on.
struct ProviderSignInResult: Sendable {
    var user: String
    var generation: Int
    /// Whether the account holds any role (one with none sees only the "no role yet" page).
    var hasRole: Bool
}

extension DocketArchive {
    /// Signs in the person a verified ID token names: the library finds the account linked to
    /// (issuer, subject) or creates it, and makes its roles the ones the provider grants now.
    ///
    /// - Throws: `DocketError.accountDisabled` for a disabled account; archive errors.
    func signIn(withProvider identity: SignedInIdentity) throws(DocketError) -> ProviderSignInResult {
        // Role names were checked against `Role` when the configuration was loaded.
        let roles = Set(identity.roleNames.compactMap(Role.init(rawValue:)))
        let signedIn = try signIn(
            with: ProviderIdentity(
                issuer: identity.issuer, subject: identity.subject, nameHint: identity.nameHint,
                fullName: identity.fullName, email: identity.email, roles: roles))
        // Delegated roles count too: the answer is the library's, not the mapping's.
        let held = try permissions(for: signedIn.user).roles
        return ProviderSignInResult(user: signedIn.user, generation: signedIn.generation, hasRole: !held.isEmpty)
    }
}
