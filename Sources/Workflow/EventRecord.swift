import Foundation

/// One fired transition, as recorded forever in the archive.
public struct EventRecord: Sendable, Hashable {
    /// 1, 2, 3 … within the submission.
    public var sequence: Int
    public var event: String
    public var fromState: String
    public var toState: String
    /// The Docket user who acted.
    public var actor: String
    /// The user whose delegated role was used, if any.
    public var onBehalfOf: String?
    public var role: Role
    /// A UTC instant, supplied by the caller (the engine reads no clock).
    public var time: Date
    public var comment: String?
    public var fields: [String: String]
    /// The pack as it stood when the event fired, for events that bind or check it.
    public var documents: [PackDocument]

    public init(
        sequence: Int, event: String, fromState: String, toState: String, actor: String, onBehalfOf: String?,
        role: Role, time: Date, comment: String?, fields: [String: String], documents: [PackDocument]
    ) {
        self.sequence = sequence
        self.event = event
        self.fromState = fromState
        self.toState = toState
        self.actor = actor
        self.onBehalfOf = onBehalfOf
        self.role = role
        self.time = time
        self.comment = comment
        self.fields = fields
        self.documents = documents
    }
}

/// What someone asks the engine to do.
public struct FireRequest: Sendable, Hashable {
    public var event: String
    public var actor: Actor
    public var fields: [String: String]
    public var comment: String?
    public var time: Date
    /// The documents in the submission's pack now.
    public var pack: [PackDocument]
    /// The calendar date of `time` where the archive keeps its dates (Europe/London for
    /// Docket): what a `past-date` field may not be after. Nil means the UTC date of `time`.
    public var today: CalendarDate?

    public init(
        event: String, actor: Actor, fields: [String: String] = [:], comment: String? = nil, time: Date,
        pack: [PackDocument] = [], today: CalendarDate? = nil
    ) {
        self.event = event
        self.actor = actor
        self.fields = fields
        self.comment = comment
        self.time = time
        self.pack = pack
        self.today = today
    }

    /// `today`, or the UTC date of `time` when none was given.
    var dateToday: CalendarDate {
        if let today { return today }
        var utc = Calendar(identifier: .gregorian)
        utc.timeZone = TimeZone(identifier: "UTC")!
        let parts = utc.dateComponents([.year, .month, .day], from: time)
        return CalendarDate(year: parts.year!, month: parts.month!, day: parts.day!)!
    }
}
