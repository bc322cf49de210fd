import Foundation
import Reports
import TestSupport
import Testing

@Suite("ICalendarWriter: RFC 5545 that calendar programs read")
struct ICalendarWriterTests {
    static let stamp = Date(timeIntervalSince1970: 1_476_900_000)

    static let entries = [
        CalendarEntry(
            uid: "meeting-BVPB-2016-10-19@docket",
            when: .instant(Date(timeIntervalSince1970: 1_476_898_200), minutes: 120),
            summary: "Best Value Programme Board; budget, grants & \\ \"quotes\"",
            description: "Agenda items:\n4. Best Value Plan Update\n5. Commissioners’ response — Annex B",
            location: "Committee Room One, Town Hall", categories: ["Meeting"]),
        CalendarEntry(
            uid: "due-report-BVP-2016-02@docket", when: .day(year: 2016, month: 12, day: 31),
            summary: String(repeating: "Überprüfung der Berichte ", count: 8), categories: ["Deadline", "Report"]),
    ]

    @Test("lines end in CRLF, are folded at 75 octets without splitting a character")
    func folding() throws {
        let bytes = ICalendarWriter.write(Self.entries, name: "Docket", stamp: Self.stamp)
        let text = try #require(String(bytes: bytes, encoding: .utf8), "the feed is not UTF-8 after folding")
        #expect(text.hasSuffix("END:VCALENDAR\r\n"))
        #expect(!text.replacingOccurrences(of: "\r\n", with: "").contains("\n"))
        let lines = text.components(separatedBy: "\r\n").dropLast()
        #expect(lines.allSatisfy { $0.utf8.count <= 75 })
        #expect(lines.contains { $0.hasPrefix(" ") }, "the long summary should have been folded")
        // A whole-day deadline ends the next day (DTEND is exclusive), across a year end.
        #expect(text.contains("DTSTART;VALUE=DATE:20161231\r\nDTEND;VALUE=DATE:20170101\r\n"))
        #expect(text.contains("DTSTART:20161019T173000Z\r\nDTEND:20161019T193000Z\r\n"))
    }

    @Test("Python's icalendar reads back every value exactly, escapes and all")
    func parsedBack() throws {
        let directory = try TemporaryDirectory("ics")
        defer { directory.remove() }
        let path = try directory.write(
            ICalendarWriter.write(Self.entries, name: "Docket", stamp: Self.stamp), to: "feed.ics")
        let script = """
            import sys, json, icalendar
            cal = icalendar.Calendar.from_ical(open(sys.argv[1], "rb").read())
            out = []
            for e in cal.walk("VEVENT"):
                out.append({"uid": str(e["UID"]), "summary": str(e["SUMMARY"]),
                            "description": str(e.get("DESCRIPTION", "")), "location": str(e.get("LOCATION", "")),
                            "start": e["DTSTART"].dt.isoformat()})
            print(json.dumps(out))
            """
        let output = try ExternalTool.pythonWithICalendar().runSucceeding(["-c", script, path]).standardOutput
        let events = try JSONDecoder().decode([[String: String]].self, from: Data(output.utf8))
        #expect(events.count == 2)
        #expect(events[0]["summary"] == Self.entries[0].summary)
        #expect(events[0]["description"] == Self.entries[0].description)
        #expect(events[0]["location"] == "Committee Room One, Town Hall")
        #expect(events[0]["start"] == "2016-10-19T17:30:00+00:00")
        #expect(events[1]["summary"] == Self.entries[1].summary)
        #expect(events[1]["start"] == "2016-12-31")
    }
}
