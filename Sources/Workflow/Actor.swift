/// Who fires an event, and the roles they may use: their own, and those delegated to them.
public struct Actor: Sendable, Hashable {
    /// A role the actor may use, held directly (`onBehalfOf == nil`) or by delegation.
    public struct Grant: Sendable, Hashable {
        public var role: Role
        /// The user the role was delegated by (e.g. the Mayor, for a deputy).
        public var onBehalfOf: String?

        public init(role: Role, onBehalfOf: String? = nil) {
            self.role = role
            self.onBehalfOf = onBehalfOf
        }
    }

    /// The Docket user name.
    public var user: String
    public var grants: [Grant]

    public init(user: String, grants: [Grant]) {
        self.user = user
        self.grants = grants
    }

    /// An actor acting only in their own roles.
    public init(user: String, roles: Set<Role>) {
        self.init(user: user, grants: roles.sorted().map { Grant(role: $0) })
    }

    /// The grant to use for an action open to `roles`: an own role before a delegated one.
    public func grant(for roles: Set<Role>) -> Grant? {
        grants.first { roles.contains($0.role) && $0.onBehalfOf == nil }
            ?? grants.first { roles.contains($0.role) }
    }
}

/// One document in a submission's pack, as the workflow sees it: enough to tell whether the
/// pack changed between sign-off and dispatch.
public struct PackDocument: Sendable, Hashable, Codable, Comparable {
    public var kind: DocumentKind
    /// What identifies the document across versions within its kind: its annex label or title.
    public var name: String
    /// SHA-256 of the file, lower-case hex.
    public var sha256: String

    public init(kind: DocumentKind, name: String, sha256: String) {
        self.kind = kind
        self.name = name
        self.sha256 = sha256
    }

    public static func < (lhs: PackDocument, rhs: PackDocument) -> Bool {
        (lhs.kind, lhs.name, lhs.sha256) < (rhs.kind, rhs.name, rhs.sha256)
    }
}
