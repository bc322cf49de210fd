import Foundation
import TestSupport
import Testing

/// The model case to the end, through the built binary: the demo's Board of 19 October 2016
/// notes the third update, its minutes carry the item under its agenda number, approved at the
/// next meeting and signed by the chair; the submission's thread shows all of it.
@Suite(.serialized) struct MinutesCommandTests {
    let meeting = "BVPB-2016-10-19"

    func demo(_ label: String) throws -> ScratchArchive {
        let archive = try ScratchArchive(label)
        let built = try archive.run(["demo", "--archive", archive.path])
        try #require(built.status == 0, "docket demo: \(built.standardError)")
        return archive
    }

    func flattened(_ text: String) -> String {
        text.split(whereSeparator: { $0 == " " || $0 == "\n" || $0 == "\u{0C}" }).joined(separator: " ")
    }

    /// The minutes' stored file of a format (the pack holds one of each).
    func stored(_ archive: ScratchArchive, _ reference: String, _ suffix: String) throws -> String {
        let directory = "\(archive.path)/submissions/\(reference)/documents"
        let shown = try archive.show(reference)
        for document in shown.documents where document.title.hasSuffix("(\(suffix.uppercased()))") {
            let name = "\(document.sha256).\(suffix)"
            if FileManager.default.fileExists(atPath: "\(directory)/\(name)") { return "\(directory)/\(name)" }
        }
        throw TamperError.notFound(suffix, in: directory)
    }

    @Test func theDemoMinutesRecordTheDecisionAndAreSignedByTheChair() throws {
        let archive = try demo("minutes")
        defer { archive.remove() }
        let minutes = "MIN-\(meeting)"

        let status = try archive.ok("minutes", "show", meeting)
        #expect(status.contains("minutes: \(minutes), signed by the chair"), "\(status)")
        #expect(status.contains("approved at: BVPB-2016-12-14"))
        #expect(status.contains("signed by: carys"))

        // The thread is complete: the submission shows the item, decision, actions and minutes.
        let shown = try archive.ok("submission", "show", "BVP-2016-02")
        #expect(shown.contains("Board consideration"))
        #expect(shown.contains("item 4: Best Value Plan: third six-monthly progress update"))
        #expect(shown.contains("Decision: noted"))
        #expect(shown.contains("Action A4.1: Prepare the fourth six-monthly update"))
        #expect(shown.contains("Minutes: \(minutes), signed by the chair"))
        let thread = try archive.ok("submission", "show", "BVP-2016-02", "--thread")
        #expect(thread.contains("Minutes: Best Value Programme Board, 19th October 2016"), "\(thread)")

        // The chair's signature binds every document of the minutes' pack.
        let signed = try archive.show(minutes)
        #expect(signed.state == "signed")
        let signature = try #require(signed.transitions.last)
        #expect(signature.event == "sign")
        let eventFile =
            "\(archive.path)/submissions/\(minutes)/events/\(String(format: "%06d", signature.sequence)).xml"
        let eventText = try String(contentsOfFile: eventFile, encoding: .utf8)
        for document in signed.documents { #expect(eventText.contains(document.sha256)) }
        #expect(eventText.contains("role=\"chair\""))
        // The demo signs every record: the event in its envelope, valid with its signature.
        #expect(
            eventText.hasPrefix("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<signed xmlns=\"urn:docket:signed:1\""))
        _ = try ExternalTool.xmllint().runSucceeding([
            "--noout", "--schema", "\(archive.path)/schema/docket-signed-1.xsd", eventFile,
        ])

        // python-docx reads the item under its agenda number with its resolution.
        let docx = try stored(archive, minutes, "docx")
        let read = try ExternalTool.pythonWithDocx().run(
            [
                "-c",
                """
                import sys, docx
                d = docx.Document(sys.argv[1])
                for p in d.paragraphs: print(p.text)
                print("TITLE=" + d.core_properties.title)
                """, docx,
            ])
        #expect(read.status == 0, "python-docx: \(read.standardError)")
        let paragraphs = read.standardOutput.split(separator: "\n").map(String.init)
        let heading = try #require(paragraphs.firstIndex { $0.contains("Best Value Plan: third six-monthly") })
        #expect(paragraphs[heading].hasPrefix("4"), "\(paragraphs[heading])")
        #expect(paragraphs.dropFirst(heading).contains("Decision: Noted."))
        #expect(paragraphs.contains { $0.hasPrefix("That the progress reported") && $0.hasSuffix("be noted.") })
        #expect(paragraphs.last == "TITLE=Minutes: Best Value Programme Board, 19th October 2016")

        // LibreOffice prints it; pdftotext reads the PDF back.
        let pdf = try ExternalTool.convertToPDF(docx, outputDirectory: archive.directory.path)
        let printed = flattened(try ExternalTool.pdfText(pdf))
        for fact in [
            "Present", "Cllr Carys Powell (Chair)", "Apologies for absence", "Declarations of interest",
            "Best Value Plan: third six-monthly progress update", "be noted.", "A4.2",
        ] {
            #expect(printed.contains(flattened(fact)), "the PDF lacks: \(fact)")
        }
        #expect(try archive.verify().status == 0)
    }

    @Test func approvalKilledPartWayLeavesTheOldStateOrTheNewNeverHalf() throws {
        let archive = try demo("minutes-kill")
        defer { archive.remove() }
        let held = "BVPB-2016-11-16"
        try archive.ok(
            "meeting", "new", "--board", "Best Value Programme Board", "--date", "2016-11-16", "--as", "clara")
        // The meeting that approves them meets today, after they are circulated.
        var london = Calendar(identifier: .gregorian)
        london.timeZone = TimeZone(identifier: "Europe/London")!
        let day = london.dateComponents([.year, .month, .day], from: Date())
        let today = String(format: "%04d-%02d-%02d", day.year!, day.month!, day.day!)
        let approving = try archive.ok(
            "meeting", "new", "--board", "Best Value Programme Board", "--date", today, "--as", "clara")
        // Minutes need a meeting held with its attendance; drafting one still to come is refused.
        let early = try archive.run(["minutes", "draft", held, "--as", "clara"])
        #expect(early.status != 0 && early.standardError.contains("record who attended"), "\(early.standardError)")
        try archive.ok("meeting", "attend", held, "--present", "Cllr Carys Powell|carys", "--as", "clara")
        #expect(try archive.ok("minutes", "draft", held, "--as", "clara") == "MIN-\(held)")
        #expect(try archive.ok("minutes", "circulate", held, "--as", "clara") == "circulated")
        // Not at the meeting itself, and not by the chair.
        #expect(try archive.run(["minutes", "approve", held, "--at", held, "--as", "clara"]).status != 0)
        #expect(try archive.run(["minutes", "approve", held, "--at", approving, "--as", "carys"]).status != 0)

        let timing = try archive.copy(as: "timing")
        let started = Date()
        try timing.ok("minutes", "approve", held, "--at", approving, "--as", "clara")
        let uninterrupted = Date().timeIntervalSince(started)

        var random = SeededGenerator(seed: 0x0A11_0FED)
        for trial in 0..<6 {
            let copy = try archive.copy(as: "trial-\(trial)")
            let running = try copy.start(["minutes", "approve", held, "--at", approving, "--as", "clara"])
            usleep(UInt32(Double.random(in: 0.2...1.0, using: &random) * uninterrupted * 1_000_000))
            running.kill()
            _ = try running.wait()
            let state = try copy.show("MIN-\(held)").state
            #expect(state == "circulated" || state == "approved", "trial \(trial): \(state)")
            #expect(try copy.verify().status == 0, "trial \(trial)")
            if state == "circulated" {
                try copy.ok("minutes", "approve", held, "--at", approving, "--as", "clara")
            }
            #expect(try copy.ok("minutes", "sign", held, "--as", "carys") == "signed", "trial \(trial)")
            #expect(try copy.verify().status == 0, "trial \(trial)")
            try? FileManager.default.removeItem(atPath: copy.path)
        }
    }
}
