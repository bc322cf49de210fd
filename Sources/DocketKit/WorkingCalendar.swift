import Foundation
import Workflow

/// Business dates in England and Wales: the Europe/London calendar date of an instant, and
/// counting working days (Monday to Friday, less the bank holidays it is given).
public struct WorkingCalendar: Sendable {
    /// Bank holidays to skip.
    public var holidays: Set<CalendarDate>
    /// The first and last year the holiday list covers (nil: no list); counting outside it
    /// treats every weekday as a working day, which `covers(_:)` lets callers warn about.
    public var coveredYears: ClosedRange<Int>?

    public init(holidays: Set<CalendarDate> = [], coveredYears: ClosedRange<Int>? = nil) {
        self.holidays = holidays
        self.coveredYears = coveredYears
    }

    /// Reads a bank holiday list: CSV lines `date,title,notes` under a header line, as shipped
    /// in `calendar/bank-holidays-england-and-wales.csv` (from the official GOV.UK list).
    ///
    /// - Throws: `DocketError.invalidInput` naming the line that is not `YYYY-MM-DD,…`.
    public init(bankHolidaysCSV text: String, source: String) throws(DocketError) {
        var holidays: Set<CalendarDate> = []
        for (index, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let trimmed = line.trimmingCharacters(in: .whitespacesAndNewlines)
            if index == 0 || trimmed.isEmpty { continue }
            guard let field = trimmed.split(separator: ",", maxSplits: 1).first,
                let date = CalendarDate(iso: String(field))
            else {
                throw .invalidInput("\(source), line \(index + 1): expected YYYY-MM-DD,title,notes")
            }
            holidays.insert(date)
        }
        let years = holidays.map(\.year)
        self.init(holidays: holidays, coveredYears: years.min().flatMap { low in years.max().map { low...$0 } })
    }

    /// Reads the bank holiday list at `path`.
    public init(bankHolidaysFile path: String) throws(DocketError) {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw .invalidInput("cannot read the bank holiday list \(path)")
        }
        try self.init(bankHolidaysCSV: String(decoding: data, as: UTF8.self), source: path)
    }

    /// Whether the holiday list covers `date`'s year.
    public func covers(_ date: CalendarDate) -> Bool {
        coveredYears?.contains(date.year) ?? false
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

    /// The date `count` working days before `date` (the day itself does not count): e.g. a
    /// report due 7 working days before a meeting.
    public func subtracting(workingDays count: Int, from date: CalendarDate) -> CalendarDate {
        var current = date
        var remaining = count
        while remaining > 0 {
            current = day(current, offset: -1)
            if isWorkingDay(current) { remaining -= 1 }
        }
        return current
    }

    /// Working days from `start` to `end` (positive when `end` is later; the start day does
    /// not count, the end day does).
    public func workingDays(from start: CalendarDate, to end: CalendarDate) -> Int {
        var count = 0
        var current = start
        while current < end {
            current = nextDay(current)
            if isWorkingDay(current) { count += 1 }
        }
        while end < current {
            if isWorkingDay(current) { count -= 1 }
            current = day(current, offset: -1)
        }
        return count
    }

    /// Today's date in London.
    public func today(_ now: Date) -> CalendarDate { londonDate(of: now) }

    private func nextDay(_ date: CalendarDate) -> CalendarDate {
        day(date, offset: 1)
    }

    private func day(_ date: CalendarDate, offset: Int) -> CalendarDate {
        let next = Self.utc.date(byAdding: .day, value: offset, to: midnight(date))!
        let parts = Self.utc.dateComponents([.year, .month, .day], from: next)
        return CalendarDate(year: parts.year!, month: parts.month!, day: parts.day!)!
    }

    private func midnight(_ date: CalendarDate) -> Date {
        Self.utc.date(from: DateComponents(year: date.year, month: date.month, day: date.day))!
    }
}
