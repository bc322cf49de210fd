/// What a user may do in a workflow. A user can hold several roles.
public enum Role: String, Sendable, Hashable, CaseIterable, Codable, Comparable {
    case officer, mayor, clerk, admin, viewer
    /// The Board's chair, who signs approved minutes (archive format 5 records their events).
    case chair
    /// Keeps the retention schedule and proposes disposals.
    case recordsManager = "records-manager"

    /// Whether archive formats 1 and 2 name the role: events and user records of a role they
    /// do not name are written in a later format (users 3, events 5).
    public var isInFirstFormats: Bool {
        switch self {
        case .officer, .mayor, .clerk, .admin, .viewer: true
        case .chair, .recordsManager: false
        }
    }

    public static func < (lhs: Role, rhs: Role) -> Bool {
        allCases.firstIndex(of: lhs)! < allCases.firstIndex(of: rhs)!
    }
}

/// The kinds of document a submission's pack can hold.
public enum DocumentKind: String, Sendable, Hashable, CaseIterable, Codable, Comparable {
    case submission
    case coverLetter = "cover-letter"
    case annex
    case response
    case boardReport = "board-report"
    case minutes
    case correspondence

    public static func < (lhs: DocumentKind, rhs: DocumentKind) -> Bool {
        allCases.firstIndex(of: lhs)! < allCases.firstIndex(of: rhs)!
    }
}

/// The type of a field an event requires, and how a value is checked.
public enum FieldType: String, Sendable, Hashable, CaseIterable, Codable {
    /// A calendar date, `YYYY-MM-DD`, with no time or zone (a business date).
    case date
    /// A calendar date that cannot be after the day the event is recorded (a date something
    /// happened on: a letter cannot have been dispatched tomorrow).
    case pastDate = "past-date"
    /// Free text, not empty.
    case text
    /// A reference to another record, e.g. a submission (`BVP-2016-03`) or a meeting id.
    case reference

    /// Why `value` is not a valid value of this type, or nil when it is.
    ///
    /// - Parameter today: the date the event would be recorded on (what a `past-date` may not
    ///   be after), as the archive's calendar judges it.
    public func problem(with value: String, today: CalendarDate) -> String? {
        switch self {
        case .text:
            return value.allSatisfy(\.isWhitespace) ? "must not be empty" : nil
        case .date:
            return CalendarDate(iso: value) == nil ? "must be a calendar date written YYYY-MM-DD" : nil
        case .pastDate:
            guard let date = CalendarDate(iso: value) else { return "must be a calendar date written YYYY-MM-DD" }
            return date > today ? "is after today (\(today)): it must be the date it happened" : nil
        case .reference:
            let allowed = value.unicodeScalars.allSatisfy {
                ("A"..."Z").contains($0) || ("a"..."z").contains($0) || ("0"..."9").contains($0)
                    || "-_./".unicodeScalars.contains($0)
            }
            return !value.isEmpty && allowed && value.count <= 64
                ? nil : "must be a reference of letters, digits and - _ . / (at most 64)"
        }
    }
}

/// A required field of a transition: its name and type.
public struct FieldRequirement: Sendable, Hashable, Codable {
    public var name: String
    public var type: FieldType

    public init(name: String, type: FieldType) {
        self.name = name
        self.type = type
    }
}

/// What a transition does with the document pack.
public enum PackRule: String, Sendable, Hashable, Codable {
    /// Records the digest of every document in the pack (the Mayor's sign-off).
    case bind
    /// Refuses if the pack differs from the one bound at the last sign-off (dispatch).
    case unchangedSinceSignOff = "unchanged-since-sign-off"
    /// Cancels the last binding: the sign-off no longer counts (reopen).
    case release
}
