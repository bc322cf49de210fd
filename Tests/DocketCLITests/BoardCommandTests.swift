import Foundation
import TestSupport
import Testing

/// The demo archive through the built binary: its Board report in both formats checked against
/// the reference report's facts with LibreOffice, pdftotext and python-docx; the agenda, the
/// public pack and the calendar read back by other programs.
@Suite(.serialized) struct BoardCommandTests {
    /// The facts of `reference/board-report-2016-10-19.txt` a generated report must state.
    static let referenceFacts = [
        "Best Value Programme Board", "Best Value Plan Update", "Service Head, Corporate Strategy and Equality",
        "19th October 2016", "INTRODUCTION", "third six-month progress update",
        "submitted to the Secretary of State on 20th September 2016 (Annex A)",
        "the response from the Secretary of State’s Commissioners (Annex B)", "FOR THE BOARD TO CONSIDER",
        "The Board is asked to:", "BACKGROUND", "COMMENTS OF THE CHIEF FINANCE OFFICER", "LEGAL COMMENTS",
        "17 December 2014, 29 April 2015 and 6 May 2015",
        "Annex A: Council’s third 6-month submission to the Secretary of State", "Cover letter", "Submission",
        "Annex B: Commissioners’ response to the Council’s submission",
    ]

    func demo(_ label: String) throws -> ScratchArchive {
        let archive = try ScratchArchive(label)
        // The day before the Board met: the third update is still on its agenda, live.
        let built = try archive.run(["demo", "--before-the-meeting", "--archive", archive.path])
        try #require(built.status == 0, "docket demo: \(built.standardError)")
        #expect(built.standardOutput.contains("meeting: BVPB-2016-10-19"))
        return archive
    }

    /// Collapses runs of spaces and line breaks (pdftotext lays text out in columns).
    func flattened(_ text: String) -> String {
        text.split(whereSeparator: { $0 == " " || $0 == "\n" || $0 == "\u{0C}" }).joined(separator: " ")
    }

    @Test func theDemoReportMatchesTheReferenceInHTMLAndDOCX() throws {
        let archive = try demo("board-report")
        defer { archive.remove() }
        #expect(try archive.ok("series", "show", "BVP").contains("3   BVP-2016-02  2016-09-30  2016-09-20"))
        #expect(try archive.verify().status == 0)

        let html = archive.directory.appendingPathComponent("report.html").path
        try archive.ok("report", "BVP-2016-02", "--format", "html", "-o", html)
        let htmlText = try String(contentsOfFile: html, encoding: .utf8)
        for fact in Self.referenceFacts {
            #expect(htmlText.contains(fact.replacingOccurrences(of: "&", with: "&amp;")), "HTML lacks: \(fact)")
        }
        for number in ["1.1", "3.1", "3.2", "3.3", "4.1", "5.1", "5.2", "5.3", "5.4"] {
            #expect(htmlText.contains(">\(number)<"), "HTML lacks paragraph \(number)")
        }

        let docx = archive.directory.appendingPathComponent("report.docx").path
        try archive.ok("report", "BVP-2016-02", "--format", "docx", "-o", docx)
        // LibreOffice opens it and prints it; pdftotext reads the PDF back.
        let pdf = try ExternalTool.convertToPDF(docx, outputDirectory: archive.directory.path)
        let printed = flattened(try ExternalTool.pdfText(pdf))
        // The header table's cells wrap in columns on the page; python-docx reads them below.
        let tableCells = [
            "Best Value Plan Update", "Service Head, Corporate Strategy and Equality", "19th October 2016",
        ]
        for fact in Self.referenceFacts where !tableCells.contains(fact) {
            #expect(printed.contains(flattened(fact)), "the PDF lacks: \(fact)\n\(printed)")
        }
        for paragraph in ["1.1 This report", "3.1 The third 6-month update", "5.4 In acting"] {
            #expect(printed.contains(paragraph), "the PDF lacks \(paragraph)")
        }
        // python-docx reads the header table and the numbered paragraphs in order.
        let read = try ExternalTool.pythonWithDocx().run(
            [
                "-c",
                """
                import sys, docx
                d = docx.Document(sys.argv[1])
                t = d.tables[0]
                print("|".join(c.text for c in t.rows[0].cells))
                print("|".join(c.text for c in t.rows[1].cells))
                for p in d.paragraphs:
                    if p.text[:4] in ("1.1\\t", "3.1\\t", "3.3\\t", "5.4\\t"): print(p.text.split("\\t")[0])
                print(d.core_properties.title)
                """, docx,
            ])
        #expect(read.status == 0, "python-docx: \(read.standardError)")
        let lines = read.standardOutput.split(separator: "\n").map(String.init)
        #expect(lines.first == "TITLE|SERVICE|ITEM NO|DATE")
        #expect(
            lines.dropFirst().first
                == "Best Value Plan Update|Service Head, Corporate Strategy and Equality|4|19th October 2016")
        #expect(Array(lines.dropFirst(2).prefix(4)) == ["1.1", "3.1", "3.3", "5.4"])
        #expect(lines.last == "Best Value Plan Update")
    }

    @Test func thePublicPackLeavesOutExemptItemsAndTheCalendarParses() throws {
        let archive = try demo("board-pack")
        defer { archive.remove() }
        let full = archive.directory.appendingPathComponent("full.zip").path
        try archive.ok("pack", "BVPB-2016-10-19", "-o", full)
        try archive.ok("meeting", "exempt", "BVPB-2016-10-19", "BVP-2016-02", "--paragraph", "3", "--as", "clara")
        let publicPack = archive.directory.appendingPathComponent("public.zip").path
        #expect(try archive.ok("pack", "BVPB-2016-10-19", "-o", publicPack, "--public").contains("1 exempt item"))
        let listing = try ExternalTool.pythonWithDocx().run(
            [
                "-c",
                """
                import sys, zipfile
                for name in sys.argv[1:]:
                    z = zipfile.ZipFile(name); assert z.testzip() is None
                    print(name.rsplit("/", 1)[1] + ": " + " ".join(z.namelist()))
                """, full, publicPack,
            ])
        #expect(listing.status == 0, "\(listing.standardError)")
        let lines = listing.standardOutput.split(separator: "\n").map(String.init)
        let fullNames = lines.first { $0.hasPrefix("full.zip") } ?? ""
        let publicNames = lines.first { $0.hasPrefix("public.zip") } ?? ""
        #expect(fullNames.contains("04-BVP-2016-02/report.docx"))
        #expect(fullNames.contains("04-BVP-2016-02/annex-A-1-bvp-update-3-cover-letter.txt"))
        #expect(fullNames.contains("04-BVP-2016-02/annex-B-1-bvp-update-3-commissioners-response.pdf"))
        #expect(publicNames == "public.zip: contents.txt 00-agenda.html 00-agenda.docx")
        let agenda = archive.directory.appendingPathComponent("agenda.html").path
        try archive.ok("agenda", "BVPB-2016-10-19", "-o", agenda, "--public")
        let agendaText = try String(contentsOfFile: agenda, encoding: .utf8)
        #expect(agendaText.contains("paragraph 3 of Part 1 of Schedule 12A"))
        #expect(agendaText.contains("Apologies for absence"))

        // Item numbers survive re-ordering after publication.
        try archive.ok("meeting", "order", "BVPB-2016-10-19", "BVP-2016-02", "--as", "clara")
        #expect(try archive.ok("meeting", "show", "BVPB-2016-10-19").contains("4   Best Value Plan: third"))

        let ics = archive.directory.appendingPathComponent("docket.ics").path
        try archive.ok("calendar", "-o", ics)
        let parsed = try ExternalTool.pythonWithICalendar().run(
            [
                "-c",
                """
                import sys, icalendar
                cal = icalendar.Calendar.from_ical(open(sys.argv[1], "rb").read())
                for e in cal.walk("VEVENT"):
                    print(str(e["UID"]) + " " + e["DTSTART"].dt.isoformat() + " " + str(e["SUMMARY"]))
                """, ics,
            ])
        #expect(parsed.status == 0, "icalendar: \(parsed.standardError)")
        let events = parsed.standardOutput
        #expect(
            events.contains(
                "meeting-BVPB-2016-10-19@docket 2016-10-19T17:30:00+00:00 Best Value Programme Board"))
        #expect(events.contains("meeting-BVPB-2015-11-18@docket 2015-11-18T18:30:00+00:00"))  // GMT in November
        #expect(events.contains("due-series-BVP@docket 2017-03-30 Due: fourth update"))
    }

    @Test func badInputIsRefusedWithItsReason() throws {
        let archive = try demo("board-refusals")
        defer { archive.remove() }
        for (arguments, phrase) in [
            (["meeting", "show", "NOPE"], "no meeting 'NOPE'"),
            (["series", "show", "NOPE"], "no series 'NOPE'"),
            (["report", "BVP-2015-01", "-o", "/dev/null", "--format", "pdf"], "pdf"),
            (["meeting", "publish", "BVPB-2016-10-19", "--as", "olivia"], "olivia may not publish an agenda"),
            (["meeting", "publish", "BVPB-2016-10-19", "--as", "clara"], "nothing new to publish"),
            (
                ["meeting", "new", "--board", "Board", "--date", "2016-10-19", "--time", "25:00", "--as", "clara"],
                "time '25:00' is not HH:MM"
            ),
            (
                [
                    "series", "add", "X", "--title", "t", "--cadence", "6 months", "--first-due", "2016-01-01",
                    "--workflow", "best-value-submission", "--as", "olivia",
                ],
                "cadence '6 months' is not an ISO 8601 duration"
            ),
            (["meeting", "exempt", "BVPB-2016-10-19", "BVP-2016-02", "--as", "clara"], "give --paragraph N"),
        ] {
            let outcome = try archive.run(arguments)
            #expect(outcome.status != 0, "\(arguments) was accepted")
            #expect(outcome.standardError.contains(phrase), "\(arguments): \(outcome.standardError)")
        }
        let edit = archive.directory.appendingPathComponent("bad.txt").path
        try "The {ordnial} update".write(toFile: edit, atomically: true, encoding: .utf8)
        let refused = try archive.run(
            ["report", "edit", "BVP-2016-02", "--section", "background", "--file", edit, "--as", "olivia"])
        #expect(refused.status == 1 && refused.standardError.contains("unknown placeholder {ordnial}"))
        #expect(try archive.verify().status == 0)
    }

    struct ShownMeeting: Decodable {
        struct Item: Decodable {
            var number: Int
            var published: Bool
            var reference: String?
        }
        var publications: Int
        var items: [Item]
    }

    /// `meeting publish` killed at seeded random moments on copies of one archive, then run
    /// again: the agenda is published once with the same numbers, each report archived once
    /// per format, and `verify` finds nothing wrong.
    ///
    /// Each kill is told apart by what the copy holds after it: nothing new (it landed before
    /// the first write), the agenda and both reports (after the last), or part of them. Only
    /// the last proves that publishing again finishes an interrupted publication, so enough
    /// kills must land there. Half the trials kill at a seeded random fraction of the time an
    /// uninterrupted publication takes here (measured on a copy); half once the publication
    /// shows in the meeting's log, and a seeded random part of that time later, so that kills
    /// land among the writes on a fast machine or a slow one.
    @Test func aPublicationKilledPartWayIsFinishedByPublishingAgain() throws {
        let archive = try demo("board-kill")
        defer { archive.remove() }
        try archive.ok(
            "meeting", "new", "--board", "Best Value Programme Board", "--date", "2016-11-16", "--as", "clara")
        try archive.ok("submission", "fire", "BVP-2016-02", "defer", "--comment", "Moved to November", "--as", "clara")
        try archive.ok(
            "submission", "fire", "BVP-2016-02", "schedule-for-board", "--field", "meeting=BVPB-2016-11-16", "--as",
            "clara")
        let reportsBefore = try archive.show("BVP-2016-02").documents.filter { $0.kind == "board-report" }.count
        #expect(reportsBefore == 2)

        let timing = try archive.copy(as: "timing")
        let started = Date()
        try timing.ok("meeting", "publish", "BVPB-2016-11-16", "--as", "clara")
        let uninterrupted = Date().timeIntervalSince(started)
        let filesBefore = archive.allFileNames()

        var random = SeededGenerator(seed: 0x5EED_B0A2)
        var landings: [String: Int] = [:]
        for trial in 0..<8 {
            let copy = try archive.copy(as: "trial-\(trial)")
            let log = "\(copy.path)/meetings/BVPB-2016-11-16"
            let logBefore = copy.names(in: log)
            let running = try copy.start(["meeting", "publish", "BVPB-2016-11-16", "--as", "clara"])
            if trial.isMultiple(of: 2) {
                usleep(UInt32(Double.random(in: 0.3...1.0, using: &random) * uninterrupted * 1_000_000))
            } else {
                let deadline = Date().addingTimeInterval(120)
                while running.isRunning && copy.names(in: log) == logBefore && Date() < deadline { usleep(200) }
                usleep(UInt32(Double.random(in: 0...0.5, using: &random) * uninterrupted * 1_000_000))
            }
            running.kill()
            let killed = try running.wait().wasKilled
            let interrupted = try copy.run(["meeting", "show", "BVPB-2016-11-16", "--json"])
            let published =
                try JSONDecoder().decode(ShownMeeting.self, from: Data(interrupted.standardOutput.utf8)).publications
            let reports = try copy.show("BVP-2016-02").documents.filter { $0.kind == "board-report" }.count
            let landing: String
            if !killed {
                landing = "finished before the kill"
            } else if copy.allFileNames() == filesBefore {
                landing = "before any write"
            } else if published == 1 && reports == reportsBefore + 2 {
                landing = "after the last write"
            } else {
                landing = "part-way"
            }
            landings[landing, default: 0] += 1

            let again = try copy.run(["meeting", "publish", "BVPB-2016-11-16", "--as", "clara"])
            #expect(
                again.status == 0 || again.standardError.contains("nothing new to publish"),
                "trial \(trial): \(again.standardError)")
            let shown = try copy.run(["meeting", "show", "BVPB-2016-11-16", "--json"])
            let meeting = try JSONDecoder().decode(ShownMeeting.self, from: Data(shown.standardOutput.utf8))
            #expect(meeting.publications == 1, "trial \(trial)")
            #expect(meeting.items.map(\.number) == [1, 2, 3, 4] && meeting.items.allSatisfy { $0.published })
            #expect(meeting.items.last?.reference == "BVP-2016-02")
            let final = try copy.show("BVP-2016-02").documents.filter { $0.kind == "board-report" }
            #expect(final.count == reportsBefore + 2, "trial \(trial): \(final.count) board reports")
            let verify = try copy.verify()
            #expect(verify.status == 0, "trial \(trial): \(verify.standardOutput)")
        }
        let distribution = landings.sorted { $0.key < $1.key }.map { "\($0.value) \($0.key)" }
        print(
            "publication killed in 8 trials (an uninterrupted one took \(Int(uninterrupted * 1000)) ms): "
                + distribution.joined(separator: ", "))
        #expect(
            landings["part-way", default: 0] >= 3,
            "too few kills landed part-way through publishing: \(distribution.joined(separator: ", "))")
    }

    /// An archive made before series and meetings existed: Docket says what to do, and
    /// `init --upgrade` adds the files without touching anything the archive has.
    @Test func anArchiveFromBeforeBoardBusinessIsUpgradedOnRequest() throws {
        let archive = try ScratchArchive("board-upgrade")
        defer { archive.remove() }
        try archive.ok("init")
        try archive.ok("user", "add", "olivia", "--role", "officer")
        for file in ["schema/docket-board-1.xsd", "calendar/bank-holidays-england-and-wales.csv"] {
            try FileManager.default.removeItem(atPath: "\(archive.path)/\(file)")
        }
        let workflowBefore = try Data(contentsOf: URL(fileURLWithPath: "\(archive.path)/schema/docket-archive-1.xsd"))
        let refused = try archive.run(
            [
                "series", "add", "BVP", "--title", "t", "--cadence", "P6M", "--first-due", "2016-03-31", "--workflow",
                "best-value-submission", "--as", "olivia",
            ])
        #expect(
            refused.status == 1 && refused.standardError.contains("docket init --upgrade"), "\(refused.standardError)")
        let notes = try archive.verify()
        #expect(
            notes.status == 0 && notes.standardOutput.contains("deadlines count weekends only"),
            "\(notes.standardOutput)")

        let upgraded = try archive.ok("init", "--upgrade")
        #expect(upgraded.contains("schema/docket-board-1.xsd") && upgraded.contains("calendar/"), "\(upgraded)")
        #expect(try archive.ok("init", "--upgrade").contains("has every distributed file"))
        #expect(
            try Data(contentsOf: URL(fileURLWithPath: "\(archive.path)/schema/docket-archive-1.xsd")) == workflowBefore)
        try archive.ok(
            "series", "add", "BVP", "--title", "t", "--cadence", "P6M", "--first-due", "2016-03-31", "--workflow",
            "best-value-submission", "--as", "olivia")
        #expect(!(try archive.verify().standardOutput.contains("missing")))
    }
}
