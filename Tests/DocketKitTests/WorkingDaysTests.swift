import DocketKit
import Foundation
import Testing
import Workflow

/// Working days in England and Wales from the bank holiday list the archive ships with.
@Suite struct WorkingDaysTests {
    let calendar: WorkingCalendar

    init() throws {
        calendar = try WorkingCalendar(
            bankHolidaysFile: TemporaryArchive.repositoryRoot.path
                + "/archive/calendar/bank-holidays-england-and-wales.csv")
    }

    func day(_ text: String) -> CalendarDate { CalendarDate(iso: text)! }

    @Test func theListCoversTwentyFourteenToTwentyThirty() {
        #expect(calendar.coveredYears == 2014...2030)
        for year in 2014...2030 {
            // Every year has New Year's Day (or its substitute), Good Friday and Christmas.
            #expect(calendar.holidays.filter { $0.year == year }.count >= 8, "year \(year)")
        }
    }

    @Test func knownHolidaysAndSubstituteDaysAreNotWorkingDays() {
        for holiday in [
            "2016-03-25", "2016-03-28",  // Good Friday, Easter Monday 2016
            "2016-12-27",  // Christmas Day on a Sunday: substitute Tuesday
            "2020-05-08",  // early May bank holiday moved to VE day
            "2020-12-28",  // Boxing Day on a Saturday: substitute Monday
            "2021-12-27", "2021-12-28",  // Christmas and Boxing Day on a weekend
            "2022-01-03",  // New Year's Day on a Saturday
            "2022-06-02", "2022-06-03",  // Platinum Jubilee
            "2022-09-19",  // State Funeral of Queen Elizabeth II
            "2023-05-08",  // Coronation of King Charles III
            "2026-12-28", "2027-03-29",
        ] {
            #expect(!calendar.isWorkingDay(day(holiday)), "\(holiday) is a bank holiday")
        }
        // The Monday the VE day holiday moved from was a working day.
        #expect(calendar.isWorkingDay(day("2020-05-04")))
        #expect(calendar.isWorkingDay(day("2016-10-19")))
        #expect(!calendar.isWorkingDay(day("2016-10-22")))  // a Saturday
    }

    @Test func countingSkipsWeekendsAndBankHolidays() {
        // Thursday before Easter 2016, plus one working day: Good Friday, the weekend and
        // Easter Monday are skipped.
        #expect(calendar.adding(workingDays: 1, to: day("2016-03-24")) == day("2016-03-29"))
        // Seven working days before the Board of Wednesday 19 October 2016.
        #expect(calendar.subtracting(workingDays: 7, from: day("2016-10-19")) == day("2016-10-10"))
        // Over Christmas 2020: 24th (Thu) + 1 = 29th (25th Fri, weekend, 28th substitute).
        #expect(calendar.adding(workingDays: 1, to: day("2020-12-24")) == day("2020-12-29"))
        #expect(calendar.workingDays(from: day("2016-03-24"), to: day("2016-03-29")) == 1)
        #expect(calendar.workingDays(from: day("2016-10-19"), to: day("2016-10-10")) == -7)
        // Weekends alone without the list: Easter Monday would count.
        #expect(WorkingCalendar().adding(workingDays: 1, to: day("2016-03-24")) == day("2016-03-25"))
    }

    @Test func aDamagedListIsRefusedNamingTheLine() {
        #expect(throws: DocketError.self) {
            try WorkingCalendar(
                bankHolidaysCSV: "date,title,notes\n2016-03-28,Easter Monday,\n28/03/2016,Oops,\n", source: "x.csv")
        }
        do {
            _ = try WorkingCalendar(bankHolidaysCSV: "date,title,notes\n2016-13-01,Bad,\n", source: "x.csv")
            Issue.record("a bad date was accepted")
        } catch {
            #expect("\(error)".contains("x.csv, line 2"), "\(error)")
        }
    }

    @Test func cadencesAreISODurationsWithoutDrift() throws {
        let sixMonths = try Cadence(iso: "P6M")
        #expect(sixMonths.months == 6 && sixMonths.adjective == "six-month")
        #expect(try Cadence(iso: "P1Y").adjective == "annual")
        #expect(try Cadence(iso: "P2W").date(1, periodsAfter: day("2016-12-26")) == day("2017-01-09"))
        // Month ends: computed from the start each time, so 31 August never drifts to the 28th.
        #expect(sixMonths.date(1, periodsAfter: day("2015-08-31")) == day("2016-02-29"))
        #expect(sixMonths.date(2, periodsAfter: day("2015-08-31")) == day("2016-08-31"))
        for bad in ["", "P", "6M", "PT1H", "P1M1Y", "P1X", "P-1M", "P1.5M", "P0M"] {
            #expect(throws: DocketError.self, "\(bad)") { try Cadence(iso: bad) }
        }
    }

    @Test func britishWording() {
        #expect(Wording.longDate(day("2016-09-20")) == "20th September 2016")
        #expect(Wording.longDate(day("2016-10-01")) == "1st October 2016")
        #expect(Wording.longDate(day("2016-10-22")) == "22nd October 2016")
        #expect(Wording.longDate(day("2016-10-23")) == "23rd October 2016")
        #expect(Wording.longDate(day("2016-10-11")) == "11th October 2016")
        #expect(Wording.longDate(day("2016-10-12")) == "12th October 2016")
        #expect(Wording.ordinal(3) == "third")
        #expect(Wording.ordinal(12) == "twelfth")
        #expect(Wording.ordinal(21) == "twenty-first")
        #expect(Wording.ordinal(40) == "fortieth")
        #expect(Wording.possessive("Commissioners") == "Commissioners\u{2019}")
        #expect(Wording.possessive("Council") == "Council\u{2019}s")
    }

    @Test func closedFormCountingAgreesWithCountingDayByDay() {
        // 2,000 seeded pairs of dates across the list's years and beyond, both directions.
        var state: UInt64 = 0x00C0_FFEE
        func next(_ bound: Int) -> Int {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return Int((state >> 33) % UInt64(bound))
        }
        let base = day("2013-06-01")
        for _ in 0..<2_000 {
            let start = base.adding(days: next(7_000))
            let end = start.adding(days: next(120) - 60 + (next(10) == 0 ? next(3_000) : 0))
            var expected = 0
            var current = start
            while current < end {
                current = current.adding(days: 1)
                if calendar.isWorkingDay(current) { expected += 1 }
            }
            while end < current {
                if calendar.isWorkingDay(current) { expected -= 1 }
                current = current.adding(days: -1)
            }
            #expect(calendar.workingDays(from: start, to: end) == expected, "\(start) to \(end)")
        }
        // Day numbers round-trip and weekdays agree with Foundation.
        var gregorian = Calendar(identifier: .gregorian)
        gregorian.timeZone = TimeZone(identifier: "UTC")!
        // From 1606 on: before 1582, Foundation's Gregorian calendar switches to the Julian one.
        for offset in stride(from: -150_000, through: 700_000, by: 997) {
            let date = day("2016-10-19").adding(days: offset)
            #expect(CalendarDate(iso: date.description) == date)
            let foundation = gregorian.date(from: DateComponents(year: date.year, month: date.month, day: date.day))!
            #expect(gregorian.component(.weekday, from: foundation) - 1 == date.weekday, "\(date)")
        }
    }
}
