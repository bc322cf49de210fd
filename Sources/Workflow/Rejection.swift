/// Why the engine refused an event. Each case says exactly what was wrong and what would do.
public enum Rejection: Error, Sendable, Hashable, CustomStringConvertible {
    /// The workflow has no event of this name.
    case unknownEvent(event: String, allowedNow: [String])
    /// The event exists but not from the current state; `allowedNow` lists what this actor may fire.
    case wrongState(event: String, state: String, allowedNow: [String])
    /// The actor holds none of the roles the transition is open to.
    case wrongRole(event: String, allowedRoles: [Role], actorRoles: [Role])
    /// Documents, fields or a comment the transition requires are missing or invalid.
    case unmetRequirements(event: String, [UnmetRequirement])
    /// The pack differs from the one bound at sign-off.
    case packChangedSinceSignOff(PackChange)
    /// The transition checks the signed pack but no sign-off is in force.
    case notSignedOff(event: String)
    /// The recorded history does not replay through this workflow (a broken archive).
    case historyDoesNotReplay(sequence: Int, reason: String)

    public var description: String {
        switch self {
        case .unknownEvent(let event, let allowed):
            return "unknown event '\(event)'; allowed now: \(Self.list(allowed))"
        case .wrongState(let event, let state, let allowed):
            return "'\(event)' cannot be fired in state '\(state)'; allowed now: \(Self.list(allowed))"
        case .wrongRole(let event, let roles, let actorRoles):
            let held = actorRoles.isEmpty ? "no roles" : actorRoles.map(\.rawValue).joined(separator: ", ")
            return
                "'\(event)' may be fired only by \(roles.map(\.rawValue).joined(separator: " or ")) (you have \(held))"
        case .unmetRequirements(let event, let unmet):
            return "'\(event)' needs: " + unmet.map(\.description).joined(separator: "; ")
        case .packChangedSinceSignOff(let change):
            return "the pack changed since sign-off: \(change)"
        case .notSignedOff(let event):
            return "'\(event)' needs a sign-off in force, and there is none"
        case .historyDoesNotReplay(let sequence, let reason):
            return "event \(sequence) does not replay through the workflow: \(reason)"
        }
    }

    private static func list(_ events: [String]) -> String {
        events.isEmpty ? "nothing" : events.joined(separator: ", ")
    }
}

/// One thing a transition requires that the request did not give.
public enum UnmetRequirement: Sendable, Hashable, CustomStringConvertible {
    case document(DocumentKind)
    case field(FieldRequirement)
    case invalidField(name: String, value: String, reason: String)
    case unexpectedField(name: String)
    case comment

    public var description: String {
        switch self {
        case .document(let kind): return "a \(kind.rawValue) document in the pack"
        case .field(let field): return "field \(field.name) (\(field.type.rawValue))"
        case .invalidField(let name, let value, let reason): return "field \(name) '\(value)' \(reason)"
        case .unexpectedField(let name): return "no field \(name) (this event does not take it)"
        case .comment: return "a comment"
        }
    }
}

/// How a pack differs from the one signed off.
public struct PackChange: Sendable, Hashable, CustomStringConvertible {
    public var added: [PackDocument]
    public var removed: [PackDocument]
    /// Same kind and name, different content: (as signed, as now).
    public var replaced: [Replacement]

    public struct Replacement: Sendable, Hashable {
        public var signed: PackDocument
        public var current: PackDocument
    }

    /// The difference from `signed` to `current`; empty when they hold the same documents.
    public init(from signed: [PackDocument], to current: [PackDocument]) {
        let signedSet = Set(signed)
        let currentSet = Set(current)
        let gone = signed.filter { !currentSet.contains($0) }.sorted()
        let new = current.filter { !signedSet.contains($0) }.sorted()
        var replaced: [Replacement] = []
        var added: [PackDocument] = []
        var removed = gone
        for document in new {
            if let index = removed.firstIndex(where: { $0.kind == document.kind && $0.name == document.name }) {
                replaced.append(Replacement(signed: removed.remove(at: index), current: document))
            } else {
                added.append(document)
            }
        }
        self.added = added
        self.removed = removed
        self.replaced = replaced
    }

    public var isEmpty: Bool { added.isEmpty && removed.isEmpty && replaced.isEmpty }

    public var description: String {
        func name(_ document: PackDocument) -> String {
            "\(document.kind.rawValue) '\(document.name)' (\(document.sha256.prefix(12)))"
        }
        var parts: [String] = []
        parts += added.map { "added \(name($0))" }
        parts += removed.map { "removed \(name($0))" }
        parts += replaced.map { "replaced \(name($0.signed)) by \($0.current.sha256.prefix(12))" }
        return parts.joined(separator: "; ")
    }
}
