import Foundation
import Workflow

/// Business dates in England and Wales: the Europe/London calendar date of an instant, and
/// counting working days (Monday to Friday, less the bank holidays it is given).
public struct WorkingCalendar: Sendable {
    /// Bank holidays to skip.
    public let holidays: Set<CalendarDate>
    /// The first and last year the holiday list covers (nil: no list); counting outside it
    /// treats every weekday as a working day, which `covers(_:)` lets callers warn about.
    public let coveredYears: ClosedRange<Int>?

    /// The day numbers of the holidays that fall on weekdays, sorted (the ones that cost a
    /// working day).
    private let weekdayHolidayNumbers: [Int]

    public init(holidays: Set<CalendarDate> = [], coveredYears: ClosedRange<Int>? = nil) {
        self.holidays = holidays
        self.coveredYears = coveredYears
        weekdayHolidayNumbers = holidays.filter { $0.weekday != 0 && $0.weekday != 6 }.map(\.dayNumber).sorted()
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

    /// Europe/London: where the council's business dates and meeting times are.
    public static let londonTimeZone = TimeZone(identifier: "Europe/London")!

    /// The Gregorian calendar in London.
    static let london: Calendar = {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = londonTimeZone
        return calendar
    }()

    /// The calendar date in London at `instant`.
    public func londonDate(of instant: Date) -> CalendarDate {
        let parts = Self.london.dateComponents([.year, .month, .day], from: instant)
        return CalendarDate(year: parts.year!, month: parts.month!, day: parts.day!)!
    }

    /// Whether `date` is a working day.
    public func isWorkingDay(_ date: CalendarDate) -> Bool {
        let weekday = date.weekday
        return weekday != 0 && weekday != 6 && !holidays.contains(date)
    }

    /// The date `count` working days after `date` (the start day itself does not count).
    public func adding(workingDays count: Int, to date: CalendarDate) -> CalendarDate {
        var current = date
        var remaining = count
        while remaining > 0 {
            current = current.adding(days: 1)
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
            current = current.adding(days: -1)
            if isWorkingDay(current) { remaining -= 1 }
        }
        return current
    }

    /// Working days from `start` to `end` (positive when `end` is later; the start day does
    /// not count, the end day does). Counted in closed form — weekdays by whole weeks, bank
    /// holidays by binary search — so a deadline years away costs the same as tomorrow's.
    public func workingDays(from start: CalendarDate, to end: CalendarDate) -> Int {
        let (low, high) = (start.dayNumber, end.dayNumber)
        return low <= high ? workingDaysAfter(low, upTo: high) : -workingDaysAfter(high, upTo: low)
    }

    /// Working days with day numbers in `(low, high]`.
    private func workingDaysAfter(_ low: Int, upTo high: Int) -> Int {
        // Weekdays among day numbers below n: day n is weekday (n + 1) % 7, so shift by 2 and
        // count Mondays to Fridays (residues 1 to 5) in whole and partial weeks.
        func weekdaysBefore(_ shifted: Int) -> Int {
            5 * (shifted / 7) + max(0, min(shifted % 7 - 1, 5))
        }
        let weekdays = weekdaysBefore(high + 2) - weekdaysBefore(low + 2)
        return weekdays - (countWeekdayHolidays(upTo: high) - countWeekdayHolidays(upTo: low))
    }

    /// How many bank holidays falling on a weekday have day numbers up to `number`.
    private func countWeekdayHolidays(upTo number: Int) -> Int {
        var low = 0
        var high = weekdayHolidayNumbers.count
        while low < high {
            let middle = (low + high) / 2
            if weekdayHolidayNumbers[middle] <= number { low = middle + 1 } else { high = middle }
        }
        return low
    }

    /// The instant a London day begins.
    public func startOfLondonDay(_ date: CalendarDate) -> Date {
        Self.london.date(from: DateComponents(year: date.year, month: date.month, day: date.day)) ?? Date.distantPast
    }

    /// Today's date in London.
    public func today(_ now: Date) -> CalendarDate { londonDate(of: now) }
}
