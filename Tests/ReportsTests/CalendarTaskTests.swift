import Foundation
import Reports
import TestSupport
import Testing

@Suite("CalendarTask: VTODOs folded and escaped as the events are")
struct CalendarTaskTests {
    static let tasks = [
        CalendarTask(
            uid: "action-BVPB-2016-10-19-A4.1@docket", due: (2017, 3, 20),
            summary: "Action A4.1: " + String(repeating: "Prepare the fourth update; answer points, \\ all ", count: 3),
            description: "Best Value Programme Board, 19th October 2016\nitem 4 (BVP-2016-02)", categories: ["Action"]),
        CalendarTask(
            uid: "action-BVPB-2016-10-19-A4.2@docket", due: (2016, 11, 2), summary: "Action A4.2: Publish",
            completed: Date(timeIntervalSince1970: 1_477_994_400)),
    ]

    @Test("Python's icalendar reads back every to-do: due day, status, completion, escapes")
    func parsedBack() throws {
        let bytes = ICalendarWriter.write([], tasks: Self.tasks, name: "Docket", stamp: Date(timeIntervalSince1970: 0))
        let text = try #require(String(bytes: bytes, encoding: .utf8))
        #expect(text.components(separatedBy: "\r\n").allSatisfy { $0.utf8.count <= 75 })
        #expect(text.contains("DUE;VALUE=DATE:20170320\r\n") && text.contains("STATUS:NEEDS-ACTION\r\n"))
        let directory = try TemporaryDirectory("ics-tasks")
        defer { directory.remove() }
        let path = try directory.write(bytes, to: "tasks.ics")
        let script = """
            import sys, json, icalendar
            cal = icalendar.Calendar.from_ical(open(sys.argv[1], "rb").read())
            print(json.dumps([{"summary": str(t["SUMMARY"]), "description": str(t.get("DESCRIPTION", "")),
                "due": t["DUE"].dt.isoformat(), "status": str(t["STATUS"]),
                "completed": t["COMPLETED"].dt.isoformat() if "COMPLETED" in t else ""} for t in cal.walk("VTODO")]))
            """
        let output = try ExternalTool.pythonWithICalendar().runSucceeding(["-c", script, path]).standardOutput
        let todos = try JSONDecoder().decode([[String: String]].self, from: Data(output.utf8))
        #expect(todos.count == 2)
        #expect(todos[0]["summary"] == Self.tasks[0].summary && todos[0]["description"] == Self.tasks[0].description)
        #expect(todos[0]["due"] == "2017-03-20" && todos[0]["status"] == "NEEDS-ACTION" && todos[0]["completed"] == "")
        #expect(todos[1]["status"] == "COMPLETED" && todos[1]["completed"] == "2016-11-01T10:00:00+00:00")
    }
}
