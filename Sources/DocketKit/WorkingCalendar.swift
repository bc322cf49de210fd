import Foundation
import Workflow

/// Business dates in England and Wales: the Europe/London calendar date of an instant, and
/// counting working days (Monday to Friday, less the bank holidays it is given).
public struct WorkingCalendar: Sendable {
    /// Bank holidays to skip. (The official list arrives with the Board business work; until
    /// then callers pass what they know.)
    public var holidays: Set<CalendarDate>

    public init(holidays: Set<CalendarDate> = []) {
        self.holidays = holidays
    }

    private static let london: Calendar = {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "Europe/London")!
        return calendar
    }()

    private static let utc: Calendar = {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        return calendar
    }()

    /// The calendar date in London at `instant`.
    public func londonDate(of instant: Date) -> CalendarDate {
        let parts = Self.london.dateComponents([.year, .month, .day], from: instant)
        return CalendarDate(year: parts.year!, month: parts.month!, day: parts.day!)!
    }

    /// Whether `date` is a working day.
    public func isWorkingDay(_ date: CalendarDate) -> Bool {
        let weekday = Self.utc.component(.weekday, from: midnight(date))
        return weekday != 1 && weekday != 7 && !holidays.contains(date)
    }

    /// The date `count` working days after `date` (the start day itself does not count).
    public func adding(workingDays count: Int, to date: CalendarDate) -> CalendarDate {
        var current = date
        var remaining = count
        while remaining > 0 {
            current = nextDay(current)
            if isWorkingDay(current) { remaining -= 1 }
        }
        return current
    }

    private func nextDay(_ date: CalendarDate) -> CalendarDate {
        let next = Self.utc.date(byAdding: .day, value: 1, to: midnight(date))!
        let parts = Self.utc.dateComponents([.year, .month, .day], from: next)
        return CalendarDate(year: parts.year!, month: parts.month!, day: parts.day!)!
    }

    private func midnight(_ date: CalendarDate) -> Date {
        Self.utc.date(from: DateComponents(year: date.year, month: date.month, day: date.day))!
    }
}
