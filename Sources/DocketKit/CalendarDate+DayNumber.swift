import Workflow

extension CalendarDate {
    /// The Julian day number (days since 1 January 4713 BC, proleptic Julian calendar): plain
    /// integer arithmetic for counting days, with no calendar object in the loop.
    public var dayNumber: Int {
        let a = (14 - month) / 12
        let y = year + 4800 - a
        let m = month + 12 * a - 3
        return day + (153 * m + 2) / 5 + 365 * y + y / 4 - y / 100 + y / 400 - 32045
    }

    /// The date of a Julian day number.
    public init(dayNumber: Int) {
        let b = dayNumber + 32044
        let c = (4 * b + 3) / 146097
        let d = b - 146097 * c / 4
        let e = (4 * d + 3) / 1461
        let f = d - 1461 * e / 4
        let g = (5 * f + 2) / 153
        self.init(
            year: 100 * c + e - 4800 + g / 10, month: g + 3 - 12 * (g / 10), day: f - (153 * g + 2) / 5 + 1)!
    }

    /// The date `days` days later (earlier when negative).
    public func adding(days: Int) -> CalendarDate {
        CalendarDate(dayNumber: dayNumber + days)
    }

    /// 0 for Sunday, 1 for Monday … 6 for Saturday.
    public var weekday: Int { (dayNumber + 1) % 7 }
}
