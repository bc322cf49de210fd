import Archive
import Index
import Workflow

/// Why a Docket use case refused or failed. Every case reads as a sentence a user can act on.
public enum DocketError: Error, Sendable, CustomStringConvertible {
    /// The workflow refused the event (wrong state, role, missing requirement, changed pack).
    case rejected(Rejection)
    /// The archive refused or failed (conflict, missing file, damaged record …).
    case archive(ArchiveError)
    /// A workflow definition is broken.
    case workflow(WorkflowDefinitionError)
    /// The role needed is held only through a delegation that has expired.
    case delegationExpired(user: String, role: Role, from: String, until: CalendarDate)
    /// The user's roles do not allow this action.
    case notPermitted(user: String, action: String, roles: [Role])
    /// Input that cannot be accepted, with the reason.
    case invalidInput(String)
    case noSuchWorkflow(name: String, available: [String])
    /// The search index refused a query or failed (never a reason to refuse archiving).
    case index(IndexError)

    public var description: String {
        switch self {
        case .rejected(let rejection): return "refused: \(rejection)"
        case .archive(let error): return "\(error)"
        case .workflow(let error): return "\(error)"
        case .delegationExpired(let user, let role, let from, let until):
            return "\(user)'s delegation of the \(role.rawValue) role from \(from) expired after \(until)"
        case .notPermitted(let user, let action, let roles):
            let list = roles.map(\.rawValue).joined(separator: " or ")
            return "\(user) may not \(action): that needs the role \(list)"
        case .invalidInput(let message): return message
        case .noSuchWorkflow(let name, let available):
            return "no workflow \(name); available: \(available.joined(separator: ", "))"
        case .index(let error): return "\(error)"
        }
    }
}
