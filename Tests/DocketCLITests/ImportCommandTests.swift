import Foundation
import Testing

/// `docket import MANIFEST` through the real binary: checked before anything is written,
/// idempotent, restartable after a kill, and only for administrators.
@Suite(.serialized) struct ImportCommandTests {
    /// An archive with an administrator `ada`, an officer `olivia`, and a folder of files.
    func prepared(_ label: String) throws -> ScratchArchive {
        let archive = try ScratchArchive(label)
        try archive.ok("init")
        try archive.ok("user", "add", "ada", "--role", "admin")
        try archive.ok("user", "add", "olivia", "--role", "officer")
        try archive.ok(
            "series", "add", "bvp", "--title", "Best Value Plan updates", "--cadence", "P6M", "--first-due",
            "2015-09-30", "--workflow", "best-value-submission", "--as", "olivia")
        return archive
    }

    static let header = "file,reference,submission_title,state,series,kind,title,date,from,to,annex,relation"

    func modelCaseManifest(in archive: ScratchArchive) throws -> String {
        _ = try archive.write("Third six-month update: progress on grants and governance.", to: "legacy/update.txt")
        _ = try archive.write("Dear Secretary of State, I enclose our third update.", to: "legacy/cover.txt")
        _ = try archive.write("The Commissioners note the progress on the Mayor's office.", to: "legacy/reply.txt")
        _ = try archive.write("An unrelated letter about parking.", to: "legacy/parking.txt")
        return try archive.write(
            """
            \(Self.header)
            update.txt,BVP-2016-03,Third six-monthly update,response-received,bvp,submission,Third update,2016-09-19,John Biggs (LBTH),(Secretary of State),A,
            cover.txt,BVP-2016-03,Third six-monthly update,response-received,bvp,cover-letter,Cover letter,2016-09-20,John Biggs (LBTH),(Secretary of State),,
            reply.txt,BVP-2016-03,Third six-monthly update,response-received,bvp,response,"Commissioners' response, October",2016-10-05,Max Caller (Commissioners),John Biggs (LBTH),B,reply-to:cover.txt
            parking.txt,CORR-2015-01,Parking correspondence,considered,,correspondence,Parking letter,2015-03-02,(Residents' Association),,,

            """, to: "legacy/manifest.csv")
    }

    @Test func aValidManifestImportsOnceAndIsSearchable() throws {
        let archive = try prepared("import-ok")
        defer { archive.remove() }
        let manifest = try modelCaseManifest(in: archive)
        let first = try archive.ok("import", manifest, "--as", "ada")
        #expect(first.contains("imported 4 document(s) into 2 submission(s)"), "\(first)")
        let shown = try archive.show("BVP-2016-03")
        #expect(shown.state == "response-received")
        #expect(shown.documents.map(\.kind) == ["submission", "cover-letter", "response"])
        #expect(shown.transitions.map(\.event) == ["docket.import"])
        #expect(shown.transitions.first?.comment == "Imported from manifest.csv")
        #expect(try archive.show("CORR-2015-01").state == "considered")

        // Again: nothing twice.
        let second = try archive.ok("import", manifest, "--as", "ada")
        #expect(second.contains("imported 0 document(s)") && second.contains("4 already present"), "\(second)")
        #expect(try archive.show("BVP-2016-03").sequence == shown.sequence)
        #expect(try archive.verify().status == 0)

        // Searchable, with the relation followed in the thread.
        let found = try archive.ok("search", "mayor's office", "--json")
        #expect(found.contains("\"reference\" : \"BVP-2016-03\""))
        let thread = try archive.ok("submission", "show", "BVP-2016-03", "--thread")
        #expect(thread.contains("reply-to Cover letter"), "\(thread)")
        // After an import the workflow carries on: the clerk's next step is open to a clerk.
        try archive.ok("user", "add", "clive", "--role", "clerk")
        #expect(
            try archive.ok(
                "meeting", "new", "--board", "Best Value Programme Board", "--date", "2016-10-19", "--as", "clive")
                == "BVPB-2016-10-19")
        try archive.ok(
            "submission", "fire", "BVP-2016-03", "schedule-for-board", "--field", "meeting=BVPB-2016-10-19", "--as",
            "clive")
    }

    @Test func everyProblemIsListedByRowAndNothingIsWritten() throws {
        let archive = try prepared("import-bad")
        defer { archive.remove() }
        _ = try archive.write("text", to: "in/ok.txt")
        _ = try archive.write("", to: "in/empty.txt")
        let manifest = try archive.write(
            """
            file,reference,submission_title,state,kind,title,date,from,relation
            ok.txt,BVP-2016-01,Good,dispatched,cover-letter,Fine,2016-01-02,John Biggs (LBTH),
            missing.txt,BVP-2016-02,Bad,dispatched,cover-letter,Missing,2016-01-02,,
            empty.txt,BVP-2016-03,Bad,dispatched,cover-letter,Empty,2016-01-02,,
            ok.txt,BVP 2016 04,Bad,nowhere,letter,,2016-02-30,(),reply-to:nothing.txt
            ok.txt,BVP-2016-05,,dispatched,annex,No title for a new submission,,,
            ok.txt,BVP-2016-01,Good,drafting,annex,Disagrees on state,,,

            """, to: "in/manifest.csv")
        let before = try FileManager.default.contentsOfDirectory(atPath: "\(archive.path)/submissions")
        let outcome = try archive.run(["import", manifest, "--as", "ada"])
        #expect(outcome.status == 1)
        let errors = outcome.standardError
        for expected in [
            "row 2 (state): rows of BVP-2016-01 disagree: dispatched / drafting",
            "row 3 (file): missing.txt does not exist",
            "row 4 (file): empty.txt is empty",
            "row 5 (reference): 'BVP 2016 04' must be letters",
            "row 5 (kind): 'letter' is not a kind",
            "row 5 (title): is empty",
            "row 5 (date): '2016-02-30' is not a date",
            "row 5 (from): '()' names nobody",
            "row 6 (submission_title): BVP-2016-05 is new: give its title",
            "nothing was imported",
        ] {
            #expect(errors.contains(expected), "missing: \(expected)\n\(errors)")
        }
        #expect(try FileManager.default.contentsOfDirectory(atPath: "\(archive.path)/submissions") == before)

        // With --skip-invalid only the sound rows go in (here: none but BVP-2016-01's are sound,
        // and BVP-2016-01's rows disagree, so nothing at all).
        let skipped = try archive.run(["import", manifest, "--as", "ada", "--skip-invalid"])
        #expect(skipped.status == 0)
        #expect(skipped.standardOutput.contains("imported 0 document(s)"), "\(skipped.standardOutput)")
        #expect(skipped.standardError.contains("skipping: row 3 (file)"))
    }

    @Test func skipInvalidImportsTheSoundRows() throws {
        let archive = try prepared("import-skip")
        defer { archive.remove() }
        _ = try archive.write("first letter", to: "in/a.txt")
        _ = try archive.write("second letter", to: "in/b.txt")
        let manifest = try archive.write(
            """
            file,reference,submission_title,state,kind,title
            a.txt,HR-2016-01,Staffing,drafting,correspondence,First
            nope.txt,HR-2016-01,Staffing,drafting,correspondence,Missing
            b.txt,HR-2016-02,More staffing,dispatched,correspondence,Second

            """, to: "in/manifest.csv")
        #expect(try archive.run(["import", manifest, "--as", "ada"]).status == 1)
        let output = try archive.ok("import", manifest, "--as", "ada", "--skip-invalid")
        #expect(output.contains("imported 2 document(s) into 2 submission(s)"), "\(output)")
        #expect(output.contains("1 row(s) skipped"))
        #expect(try archive.show("HR-2016-02").state == "dispatched")
        #expect(try archive.verify().status == 0)
    }

    @Test func onlyAnAdministratorMayImportAndUnknownColumnsAreRefused() throws {
        let archive = try prepared("import-role")
        defer { archive.remove() }
        let manifest = try modelCaseManifest(in: archive)
        let refused = try archive.run(["import", manifest, "--as", "olivia"])
        #expect(refused.status == 1)
        #expect(refused.standardError.contains("olivia may not import: that needs the role admin"))
        let typo = try archive.write("file,referance,kind,title\na.txt,X-1,annex,A\n", to: "legacy/typo.csv")
        let outcome = try archive.run(["import", typo, "--as", "ada"])
        #expect(outcome.status == 1)
        #expect(outcome.standardError.contains("unknown column 'referance'"))
        #expect(outcome.standardError.contains("missing column 'reference'"))
        #expect(!FileManager.default.fileExists(atPath: "\(archive.path)/submissions/BVP-2016-03"))
    }

    /// A long import killed at seeded random moments, then run again each time: in the end
    /// every document is in its submission exactly once, each submission has exactly one
    /// import event, and `verify` finds no problem.
    ///
    /// Each kill is told apart by what the archive holds after it: nothing new (it landed
    /// before the first write), everything (after the last), or part of the import. Only the
    /// last proves anything about restarting, so enough kills must land there. A delay alone
    /// cannot aim at the middle of an import on both a fast machine and a slow one, so each
    /// run is killed once it has stored a seeded random number more documents (and a seeded
    /// random fraction of a millisecond or a few more, to land at any point of a document's
    /// writes).
    @Test func anImportKilledPartWayIsFinishedByRunningItAgain() throws {
        let archive = try prepared("import-kill")
        defer { archive.remove() }
        var lines = ["file,reference,submission_title,state,kind,title,date"]
        for number in 0..<200 {
            let reference = "OLD-2015-\(String(format: "%02d", number / 12 + 1))"
            _ = try archive.write("Legacy letter \(number) about item \(number * 7).", to: "bulk/letter\(number).txt")
            lines.append(
                "letter\(number).txt,\(reference),Legacy file \(number / 12 + 1),response-received,correspondence,"
                    + "Letter \(number),2015-01-\(String(format: "%02d", number % 28 + 1))")
        }
        let manifest = try archive.write(lines.joined(separator: "\n") + "\n", to: "bulk/manifest.csv")

        var random = SeededGenerator(seed: 0x1A7B_0C5E)
        var kills = 0
        var landings: [String: Int] = [:]
        for _ in 0..<6 {
            let before = archive.allFileNames()
            let target = Self.importedDocuments(before) + Int.random(in: 1...30, using: &random)
            let running = try archive.start(["import", manifest, "--as", "ada"])
            let deadline = Date().addingTimeInterval(120)
            while running.isRunning && Self.importedDocuments(archive.allFileNames()) < target && Date() < deadline {
                usleep(500)
            }
            usleep(UInt32.random(in: 0...5_000, using: &random))
            running.kill()
            guard try running.wait().wasKilled else {
                landings["finished before the kill", default: 0] += 1
                continue
            }
            kills += 1
            let after = archive.allFileNames()
            let landing =
                after == before
                ? "before any write"
                : Self.importFinished(after) ? "after the last write" : "part-way"
            landings[landing, default: 0] += 1
        }
        let finished = try archive.ok("import", manifest, "--as", "ada")
        #expect(finished.contains("into 17 submission(s)"), "\(finished)")
        let distribution = landings.sorted { $0.key < $1.key }.map { "\($0.value) \($0.key)" }
        print("import killed \(kills) time(s) of 6 before the final run: \(distribution.joined(separator: ", "))")
        #expect(
            landings["part-way", default: 0] >= 3,
            "too few kills landed part-way through the import: \(distribution.joined(separator: ", "))")

        for number in 1...17 {
            let shown = try archive.show("OLD-2015-\(String(format: "%02d", number))")
            let expected = number == 17 ? 200 - 16 * 12 : 12
            #expect(shown.documents.count == expected)
            #expect(Set(shown.documents.map(\.sha256)).count == expected)
            #expect(shown.transitions.map(\.event) == ["docket.import"])
            #expect(shown.state == "response-received")
        }
        let verify = try archive.verify()
        #expect(verify.status == 0, "\(verify.standardOutput)")
        let again = try archive.ok("import", manifest, "--as", "ada")
        #expect(again.contains("imported 0 document(s)"), "\(again)")
    }

    /// Whether the archive's files (as `allFileNames`) hold the whole bulk import: 200 stored
    /// documents and one event in each of its 17 submissions.
    static func importFinished(_ names: Set<String>) -> Bool {
        let events = names.filter {
            $0.hasPrefix("submissions/OLD-2015-") && !$0.contains("/.") && $0.contains("/events/")
                && $0.hasSuffix(".xml")
        }
        return importedDocuments(names) == 200 && events.count == 17
    }

    /// How many of the bulk import's documents are stored (content files, not metadata).
    static func importedDocuments(_ names: Set<String>) -> Int {
        names.filter {
            $0.hasPrefix("submissions/OLD-2015-") && !$0.contains("/.") && $0.contains("/documents/")
                && !$0.hasSuffix(".xml")
        }.count
    }
}
