import Archive
import Foundation
import Workflow

/// British English for reports: long dates ("20th September 2016"), ordinal words ("third"),
/// numbers in words, possessives.
public enum Wording {
    private static let units = [
        "zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven", "twelve",
        "thirteen", "fourteen", "fifteen", "sixteen", "seventeen", "eighteen", "nineteen",
    ]
    private static let tens = ["", "", "twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety"]
    private static let unitOrdinals = [
        "zeroth", "first", "second", "third", "fourth", "fifth", "sixth", "seventh", "eighth", "ninth", "tenth",
        "eleventh", "twelfth", "thirteenth", "fourteenth", "fifteenth", "sixteenth", "seventeenth", "eighteenth",
        "nineteenth",
    ]
    private static let tenOrdinals = [
        "", "", "twentieth", "thirtieth", "fortieth", "fiftieth", "sixtieth", "seventieth", "eightieth", "ninetieth",
    ]
    private static let months = [
        "January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
        "November", "December",
    ]

    /// "six", "twenty-one"; digits from 100 up.
    public static func cardinal(_ number: Int) -> String {
        switch number {
        case 0..<20: return units[number]
        case 20..<100: return tens[number / 10] + (number % 10 == 0 ? "" : "-" + units[number % 10])
        default: return String(number)
        }
    }

    /// "first", "third", "twenty-first"; "101st" from 100 up.
    public static func ordinal(_ number: Int) -> String {
        switch number {
        case 0..<20: return unitOrdinals[number]
        case 20..<100:
            return number % 10 == 0 ? tenOrdinals[number / 10] : tens[number / 10] + "-" + unitOrdinals[number % 10]
        default: return "\(number)\(suffix(number))"
        }
    }

    /// "st", "nd", "rd" or "th" for a number written in digits.
    public static func suffix(_ number: Int) -> String {
        if (11...13).contains(number % 100) { return "th" }
        switch number % 10 {
        case 1: return "st"
        case 2: return "nd"
        case 3: return "rd"
        default: return "th"
        }
    }

    /// "20th September 2016".
    public static func longDate(_ date: CalendarDate) -> String {
        "\(date.day)\(suffix(date.day)) \(months[date.month - 1]) \(date.year)"
    }

    /// "September 2016".
    public static func monthAndYear(_ date: CalendarDate) -> String {
        "\(months[date.month - 1]) \(date.year)"
    }

    /// "Commissioners’" or "Council’s": the possessive with a typographic apostrophe.
    public static func possessive(_ name: String) -> String {
        name.hasSuffix("s") ? name + "\u{2019}" : name + "\u{2019}s"
    }

    /// "2016-09-20 11:00:00": an archived instant as a clock in London showed it (events are
    /// recorded in UTC and shown in Europe/London time).
    public static func londonTime(_ date: Date) -> String {
        Date.ISO8601FormatStyle(timeZone: WorkingCalendar.londonTimeZone)
            .year().month().day().dateSeparator(.dash).time(includingFractionalSeconds: false)
            .timeSeparator(.colon).format(date).replacingOccurrences(of: "T", with: " ")
    }
}

extension FilingRule {
    /// How the message came to be filed, as the history says it.
    public var wording: String {
        switch self {
        case .subjectReference: "filed by the reference in its subject"
        case .plusAddress: "filed by the address it was sent to"
        case .reply: "filed as a reply to a message of this submission"
        case .named: "filed to the submission named when it was delivered"
        case .officer: "filed by an officer"
        }
    }
}
