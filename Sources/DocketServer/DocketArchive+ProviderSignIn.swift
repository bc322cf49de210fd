import DocketKit
import OpenIDConnect
import Workflow

extension DocketArchive {
    /// Signs in the person a verified ID token names: the library finds the account linked to
    /// (issuer, subject) or creates it, and makes its roles the ones the provider grants now.
    ///
    /// - Throws: `DocketError.accountDisabled` for a disabled account; archive errors.
    func signIn(withProvider identity: SignedInIdentity) throws(DocketError) -> ProviderSignIn {
        // Role names were checked against `Role` when the configuration was loaded.
        let roles = Set(identity.roleNames.compactMap(Role.init(rawValue:)))
        return try signIn(
            with: ProviderIdentity(
                issuer: identity.issuer, subject: identity.subject, nameHint: identity.nameHint,
                fullName: identity.fullName, email: identity.email, roles: roles))
    }
}
