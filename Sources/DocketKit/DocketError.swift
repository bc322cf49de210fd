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
    /// A series' or meeting's log changed after the caller read it (another user acted first).
    case boardLogChanged(kind: String, id: String, expected: Int, actual: Int)
    /// No series, meeting (…) has this id.
    case notFound(kind: String, id: String, known: [String])
    /// The search index refused a query or failed (never a reason to refuse archiving).
    case index(IndexError)
    /// `export --bagit` was given a directory that exists and is not empty (or not a directory).
    case bagDirectoryNotEmpty(path: String)
    /// The bag could not be written (full disk, permissions …); nothing was left at its place.
    case bagNotWritten(path: String, reason: String)
    /// An event was recorded while the submission was being exported.
    case changedDuringExport(reference: String)
    /// The submission is in a final state: its pack takes no more documents.
    case packClosed(reference: String, state: String)
    /// The account is disabled: it may not sign in or use a token.
    case accountDisabled(user: String, by: String, reason: String)
    /// Material the user is not cleared for: `what` names it without its content (e.g. "a
    /// document marked OFFICIAL-SENSITIVE"), `why` says which rule withholds it.
    case withheld(user: String, what: String, why: String)
    /// The submission is under a legal hold: its records may be neither destroyed nor transferred.
    case onHold(reference: String, hold: String, reason: String)
    /// The document's content was destroyed under a disposal list; its metadata and history remain.
    case destroyed(reference: String, sha256: String, list: String, on: String)

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
        case .boardLogChanged(let kind, let id, let expected, let actual):
            return
                "\(kind) \(id) changed since it was read (\(actual) entries, not \(expected)); look at it again and retry"
        case .notFound(let kind, let id, let known):
            let list = known.isEmpty ? "there are none yet" : "known: " + known.prefix(20).joined(separator: ", ")
            return "no \(kind) '\(id)' (\(list))"
        case .noSuchWorkflow(let name, let available):
            return "no workflow \(name); available: \(available.joined(separator: ", "))"
        case .index(let error): return "\(error)"
        case .bagDirectoryNotEmpty(let path):
            return "\(path) exists and is not empty; name a new directory for the bag (or an empty one)"
        case .bagNotWritten(let path, let reason):
            return "could not write the bag \(path): \(reason); nothing was left there"
        case .accountDisabled(let user, let by, let reason):
            return "the account \(user) is disabled (by \(by): \(reason)); ask an administrator"
        case .withheld(let user, let what, let why):
            return "\(what) is withheld from \(user): \(why)"
        case .packClosed(let reference, let state):
            return "\(reference) is \(state), a final state: its pack is closed and takes no more documents"
        case .changedDuringExport(let reference):
            return "\(reference) changed while it was being exported (an event was recorded); export it again"
        case .onHold(let reference, let hold, let reason):
            return "\(reference) is under hold \(hold) (\(reason)): its records may be neither destroyed nor "
                + "transferred until the hold is released"
        case .destroyed(let reference, let sha256, let list, let on):
            return "document \(sha256) of \(reference) was destroyed on \(on) under disposal list \(list) "
                + "(its retention period had run); its description and history remain"
        }
    }
}
