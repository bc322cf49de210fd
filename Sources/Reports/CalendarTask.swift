import Foundation

/// A to-do for a calendar feed (`VTODO`): something to be done by a day, open or completed.
public struct CalendarTask: Sendable, Hashable {
    /// Stable across exports, so that calendar programs update a to-do instead of adding one.
    public var uid: String
    /// The day it is due: year, month, day (a DATE value).
    public var dueYear: Int
    public var dueMonth: Int
    public var dueDay: Int
    public var summary: String
    public var description: String?
    /// When it was completed; nil while it is open.
    public var completed: Date?
    public var categories: [String]

    public init(
        uid: String, due: (year: Int, month: Int, day: Int), summary: String, description: String? = nil,
        completed: Date? = nil, categories: [String] = []
    ) {
        self.uid = uid
        dueYear = due.year
        dueMonth = due.month
        dueDay = due.day
        self.summary = summary
        self.description = description
        self.completed = completed
        self.categories = categories
    }
}

extension ICalendarWriter {
    /// The lines of one `VTODO`: STATUS NEEDS-ACTION, or COMPLETED with its UTC time.
    static func lines(of task: CalendarTask, stamp: Date) -> [String] {
        var lines = [
            "BEGIN:VTODO", "UID:\(escape(task.uid))", "DTSTAMP:\(utc(stamp))",
            "DUE;VALUE=DATE:\(pad(task.dueYear, 4))\(pad(task.dueMonth, 2))\(pad(task.dueDay, 2))",
            "SUMMARY:\(escape(task.summary))",
        ]
        if let description = task.description { lines.append("DESCRIPTION:\(escape(description))") }
        if let completed = task.completed {
            lines += ["STATUS:COMPLETED", "COMPLETED:\(utc(completed))"]
        } else {
            lines.append("STATUS:NEEDS-ACTION")
        }
        if !task.categories.isEmpty { lines.append("CATEGORIES:" + task.categories.map(escape).joined(separator: ",")) }
        lines.append("END:VTODO")
        return lines
    }
}
