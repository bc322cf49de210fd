import Workflow

/// How often a recurring obligation falls due: an ISO 8601 duration in whole years, months,
/// weeks and days (`P6M`, `P1Y`, `P2W`, `P1M15D`). Times of day (`PT…`) mean nothing for a
/// business date and are refused.
public struct Cadence: Sendable, Hashable, CustomStringConvertible {
    public var years = 0
    public var months = 0
    public var weeks = 0
    public var days = 0

    /// Parses an ISO 8601 duration, or explains what is wrong with it.
    public init(iso text: String) throws(DocketError) {
        let problem = DocketError.invalidInput(
            "cadence '\(text)' is not an ISO 8601 duration of years, months, weeks or days (e.g. P6M, P1Y, P2W)")
        guard text.hasPrefix("P"), text.count > 1, !text.contains("T") else { throw problem }
        var number = ""
        var seen = ""
        for character in text.dropFirst() {
            if character.isASCII, character.isNumber {
                number.append(character)
                continue
            }
            // Units must come in the order Y, M, W, D, each at most once, each after a number.
            guard let value = Int(number), value <= 10_000, let unit = "YMWD".firstIndex(of: character),
                seen.allSatisfy({ "YMWD".firstIndex(of: $0)! < unit })
            else { throw problem }
            switch character {
            case "Y": years = value
            case "M": months = value
            case "W": weeks = value
            default: days = value
            }
            seen.append(character)
            number = ""
        }
        guard number.isEmpty, years + months + weeks + days > 0 else { throw problem }
    }

    /// The canonical text, e.g. `P6M`.
    public var description: String {
        var text = "P"
        if years > 0 { text += "\(years)Y" }
        if months > 0 { text += "\(months)M" }
        if weeks > 0 { text += "\(weeks)W" }
        if days > 0 { text += "\(days)D" }
        return text
    }

    /// The date `count` periods after `start`, computed from the start each time so that
    /// month ends do not drift (31 January + 1 month is the last day of February, + 2 months is
    /// 31 March).
    public func date(_ count: Int, periodsAfter start: CalendarDate) -> CalendarDate {
        let totalMonths = (start.month - 1) + (years * 12 + months) * count
        let year = start.year + totalMonths / 12
        let month = totalMonths % 12 + 1
        var day = start.day
        while CalendarDate(year: year, month: month, day: day) == nil { day -= 1 }
        var date = CalendarDate(year: year, month: month, day: day)!
        let extraDays = (weeks * 7 + days) * count
        if extraDays > 0 { date = date.adding(days: extraDays) }
        return date
    }

    /// Words for reports: "six-month" for P6M, "annual" for P1Y, "monthly" … (nil when there
    /// is no usual phrase).
    public var adjective: String? {
        switch (years, months, weeks, days) {
        case (1, 0, 0, 0): return "annual"
        case (0, 1, 0, 0): return "monthly"
        case (0, 3, 0, 0): return "quarterly"
        case (0, let months, 0, 0) where months > 1: return "\(Wording.cardinal(months))-month"
        case (0, 0, let weeks, 0) where weeks > 1: return "\(Wording.cardinal(weeks))-week"
        default: return nil
        }
    }
}
