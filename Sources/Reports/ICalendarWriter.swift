import Foundation

/// An event for a calendar feed: a meeting at a time, or a deadline on a day.
public struct CalendarEntry: Sendable, Hashable {
    /// When: a whole day (a deadline) or an instant with a length (a meeting).
    public enum When: Sendable, Hashable {
        /// Year, month, day.
        case day(year: Int, month: Int, day: Int)
        case instant(Date, minutes: Int)
    }

    /// Stable across exports, so that calendar programs update an event instead of adding one.
    public var uid: String
    public var when: When
    public var summary: String
    public var description: String?
    public var location: String?
    public var categories: [String]

    public init(
        uid: String, when: When, summary: String, description: String? = nil, location: String? = nil,
        categories: [String] = []
    ) {
        self.uid = uid
        self.when = when
        self.summary = summary
        self.description = description
        self.location = location
        self.categories = categories
    }
}

/// Writes an iCalendar (RFC 5545) feed that calendar programs can subscribe to: CRLF line
/// ends, lines folded at 75 octets without splitting a UTF-8 sequence, TEXT values escaped,
/// times in UTC (so the feed needs no VTIMEZONE), whole-day deadlines as DATE values.
public enum ICalendarWriter {
    /// - Parameters:
    ///   - tasks: to-dos (`VTODO`), after the events.
    ///   - name: the calendar's name (`X-WR-CALNAME`, shown by most programs).
    ///   - stamp: `DTSTAMP`, when the feed was produced.
    public static func write(
        _ entries: [CalendarEntry], tasks: [CalendarTask] = [], name: String, stamp: Date
    ) -> [UInt8] {
        var lines = [
            "BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//Docket//Board business//EN", "CALSCALE:GREGORIAN",
            "METHOD:PUBLISH", "X-WR-CALNAME:\(escape(name))",
        ]
        for entry in entries {
            lines += ["BEGIN:VEVENT", "UID:\(escape(entry.uid))", "DTSTAMP:\(utc(stamp))"]
            switch entry.when {
            case .day(let year, let month, let day):
                lines.append("DTSTART;VALUE=DATE:\(pad(year, 4))\(pad(month, 2))\(pad(day, 2))")
                // DTEND is exclusive: the next day.
                let next = Calendar.utc.date(
                    byAdding: .day, value: 1,
                    to: Calendar.utc.date(from: DateComponents(year: year, month: month, day: day))!)!
                let parts = Calendar.utc.dateComponents([.year, .month, .day], from: next)
                lines.append("DTEND;VALUE=DATE:\(pad(parts.year!, 4))\(pad(parts.month!, 2))\(pad(parts.day!, 2))")
                lines.append("TRANSP:TRANSPARENT")
            case .instant(let start, let minutes):
                lines.append("DTSTART:\(utc(start))")
                lines.append("DTEND:\(utc(start.addingTimeInterval(Double(minutes) * 60)))")
            }
            lines.append("SUMMARY:\(escape(entry.summary))")
            if let description = entry.description { lines.append("DESCRIPTION:\(escape(description))") }
            if let location = entry.location { lines.append("LOCATION:\(escape(location))") }
            if !entry.categories.isEmpty {
                lines.append("CATEGORIES:" + entry.categories.map(escape).joined(separator: ","))
            }
            lines.append("END:VEVENT")
        }
        for task in tasks { lines += Self.lines(of: task, stamp: stamp) }
        lines.append("END:VCALENDAR")
        var output: [UInt8] = []
        for line in lines { output += fold(line) }
        return output
    }

    /// RFC 5545 §3.3.11: backslash, semicolon, comma and newlines are escaped in TEXT.
    static func escape(_ text: String) -> String {
        var result = ""
        for character in text {
            switch character {
            case "\\": result += "\\\\"
            case ";": result += "\\;"
            case ",": result += "\\,"
            case "\n", "\r\n": result += "\\n"
            case "\r": continue
            default: result.append(character)
            }
        }
        return result
    }

    /// RFC 5545 §3.1: lines of at most 75 octets; a continuation starts with a space.
    static func fold(_ line: String) -> [UInt8] {
        var output: [UInt8] = []
        var width = 0
        for scalar in line.unicodeScalars {
            let bytes = Array(String(scalar).utf8)
            if width + bytes.count > 75 {
                output += [13, 10, 32]
                width = 1
            }
            output += bytes
            width += bytes.count
        }
        return output + [13, 10]
    }

    static func utc(_ date: Date) -> String {
        let parts = Calendar.utc.dateComponents([.year, .month, .day, .hour, .minute, .second], from: date)
        return "\(pad(parts.year!, 4))\(pad(parts.month!, 2))\(pad(parts.day!, 2))T"
            + "\(pad(parts.hour!, 2))\(pad(parts.minute!, 2))\(pad(parts.second!, 2))Z"
    }

    static func pad(_ number: Int, _ width: Int) -> String {
        let digits = String(number)
        return String(repeating: "0", count: max(0, width - digits.count)) + digits
    }
}

extension Calendar {
    fileprivate static let utc: Calendar = {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        return calendar
    }()
}
