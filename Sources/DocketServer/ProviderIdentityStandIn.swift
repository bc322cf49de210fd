import DocketKit
import Workflow

// TEMPORARY: stands in for DocketKit's `ProviderIdentity` and `DocketArchive.signIn(with:)`
// (being added on main, "format 3") until that lands and is merged; it links no account and
// refuses every provider sign-in. Deleted by the merge.

struct ProviderIdentity: Sendable {
    var issuer: String
    var subject: String
    var nameHint: String?
    var fullName: String?
    var email: String?
    var roles: Set<Role>
}

extension DocketArchive {
    func signIn(with identity: ProviderIdentity) throws(DocketError) -> (user: String, generation: Int) {
        throw .invalidInput("signing in through an identity provider needs the archive format 3 (not merged yet)")
    }
}
