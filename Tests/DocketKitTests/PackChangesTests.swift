import Archive
import DocketKit
import Foundation
import TestSupport
import Testing
import Workflow

/// A wrong document can be taken back: removed from the pack with a reason, or replaced by a
/// corrected one on upload. The pack changes; nothing archived is lost or rewritten.
@Suite struct PackChangesTests {
    let archive: TemporaryArchive
    var docket: DocketArchive { archive.docket }

    init() throws {
        archive = try TemporaryArchive()
        try docket.addUser("olivia", roles: [.officer])
        try docket.addUser("mayor", roles: [.mayor])
        try docket.addUser("clive", roles: [.clerk])
        try docket.addUser("victor", roles: [.viewer])
    }

    @discardableResult
    func add(
        _ kind: DocumentKind, _ text: String, to reference: String, annex: String? = nil, replacing: String? = nil
    ) throws -> DocumentMetadata {
        try docket.addDocument(
            to: reference, content: Array("\(text)\n".utf8),
            description: DocumentDescription(
                kind: kind, title: text, originalFileName: "\(kind.rawValue).txt", annex: annex,
                relations: replacing.map { [Relation(kind: .replaces, target: $0)] } ?? []),
            as: "olivia")
    }

    func eventFile(_ reference: String, _ sequence: Int) throws -> String {
        let name = String(format: "%06d.xml", sequence)
        return try String(contentsOfFile: "\(archive.path)/submissions/\(reference)/events/\(name)", encoding: .utf8)
    }

    /// The issue's case: after a return for redraft the officer uploads a corrected cover letter.
    /// Before, the pack held both and the Board report listed "Cover letter, Cover letter".
    @Test func aCorrectedCoverLetterReplacesTheWrongOneEndToEnd() throws {
        let reference = try docket.newSubmission(workflow: "best-value-submission", title: "Update", as: "olivia")
        try add(.submission, "Third six-month submission", to: reference, annex: "A")
        let wrong = try add(.coverLetter, "Cover letter (draft)", to: reference)
        try docket.fire("submit-for-sign-off", on: reference, as: "olivia")
        try docket.fire("return-for-redraft", on: reference, as: "mayor", comment: "Wrong date on the letter")
        let corrected = try add(.coverLetter, "Cover letter", to: reference, replacing: wrong.sha256)

        var view = try docket.submission(reference)
        #expect(view.documents.map(\.sha256).contains(corrected.sha256))
        #expect(!view.documents.map(\.sha256).contains(wrong.sha256), "the replaced letter left the pack")
        #expect(view.documents.filter { $0.kind == .coverLetter }.count == 1)
        let departed = try #require(view.departedDocuments.first)
        #expect(departed.metadata.sha256 == wrong.sha256)
        #expect(departed.departure.replacedBy == corrected.sha256)
        #expect(departed.departure.reason == nil)
        // The new document names what it replaced, in format 2; the old one is untouched.
        #expect(corrected.relations == [Relation(kind: .replaces, target: wrong.sha256)])
        let replacing = try eventFile(reference, view.sequence)
        #expect(replacing.contains("urn:docket:archive:2"))
        #expect(replacing.contains("replaces=\"\(wrong.sha256)\""))
        #expect(try eventFile(reference, 1).contains("urn:docket:archive:1"), "older events stay in format 1")
        let wrongFile = "\(archive.path)/submissions/\(reference)/documents/\(wrong.storedAs)"
        #expect(ArchiveStore.sha256(Array(try Data(contentsOf: URL(fileURLWithPath: wrongFile)))) == wrong.sha256)

        // Sign-off binds the corrected pack; the rest of the model case runs as before.
        try docket.fire("submit-for-sign-off", on: reference, as: "olivia")
        try docket.fire("sign-off", on: reference, as: "mayor")
        view = try docket.submission(reference)
        #expect(Set((view.signedPack ?? []).map(\.sha256)) == Set(view.documents.map(\.sha256)))
        try docket.fire("dispatch", on: reference, as: "olivia", fields: ["dispatched-on": "2016-09-20"])
        archive.advance(days: 20)
        try add(.response, "Commissioners' response", to: reference)
        try docket.fire("record-response", on: reference, as: "olivia", fields: ["received-on": "2016-10-05"])
        let meeting = try docket.newMeeting(
            board: "Best Value Programme Board", date: CalendarDate(iso: "2016-10-19")!, as: "clive")
        try docket.fire("schedule-for-board", on: reference, as: "clive", fields: ["meeting": meeting])
        let annexA = try #require(try docket.reportFacts(reference).annexes.first)
        #expect(annexA.parts == ["Cover letter", "Submission"], "one cover letter, not two")

        let problems = try docket.verify().filter { $0.severity == .problem }
        #expect(problems.isEmpty, "\(problems)")
        let copy = try archive.reopen().submission(reference)
        #expect(copy.departedDocuments.map(\.metadata.sha256) == [wrong.sha256], "read back from the files")
    }

    @Test func aRemovalKeepsTheFileAndItsReasonAndNeedsASignOffAgain() throws {
        let reference = try docket.newSubmission(workflow: "best-value-submission", title: "Update", as: "olivia")
        try add(.submission, "Submission", to: reference)
        try add(.coverLetter, "Cover letter", to: reference)
        let stray = try add(.annex, "Annex sent by mistake", to: reference, annex: "C")
        try docket.fire("submit-for-sign-off", on: reference, as: "olivia")
        try docket.fire("sign-off", on: reference, as: "mayor")
        let signedSequence = try docket.submission(reference).sequence

        let removal = try docket.removeDocument(
            stray.sha256, from: reference, reason: "Not part of this update\r\nsee the Mayor's note", as: "olivia")
        guard case .documentRemoved(let entry, let reason) = removal.body else {
            Issue.record("expected a removal event, got \(removal.body)")
            return
        }
        #expect(entry.sha256 == stray.sha256)
        #expect(reason == "Not part of this update\nsee the Mayor's note", "line endings normalised")
        let view = try docket.submission(reference)
        #expect(!view.documents.contains { $0.sha256 == stray.sha256 })
        #expect(view.departedDocuments.first?.departure.reason == reason)
        #expect(view.sequence == signedSequence + 1)
        // The document itself is still there to read, and the sign-off event still names it.
        #expect(try docket.document(reference, sha256: stray.sha256).metadata.title == "Annex sent by mistake")
        guard case .transition(let signOff) = view.events[signedSequence - 1].body else {
            Issue.record("event \(signedSequence) should be the sign-off")
            return
        }
        #expect(signOff.documents.contains { $0.sha256 == stray.sha256 }, "what the Mayor signed is unchanged")

        // The pack changed since sign-off: dispatch is refused until it is signed again.
        #expect(
            failure {
                try docket.fire("dispatch", on: reference, as: "olivia", fields: ["dispatched-on": "2016-09-20"])
            }
                != nil)
        try docket.fire("reopen", on: reference, as: "olivia", comment: "Annex C removed")
        try docket.fire("submit-for-sign-off", on: reference, as: "olivia")
        try docket.fire("sign-off", on: reference, as: "mayor")
        try docket.fire("dispatch", on: reference, as: "olivia", fields: ["dispatched-on": "2016-09-20"])
        #expect(try docket.verify().filter { $0.severity == .problem }.isEmpty)
    }

    @Test func refusalsNameTheProblemAndWriteNothing() throws {
        let reference = try docket.newSubmission(workflow: "best-value-submission", title: "Update", as: "olivia")
        let letter = try add(.coverLetter, "Cover letter", to: reference)
        let annex = try add(.annex, "Annex", to: reference, annex: "B")
        let before = try docket.submission(reference).sequence
        let absent = String(repeating: "0", count: 64)

        let cases: [(String, () throws -> Any)] = [
            ("empty reason", { try docket.removeDocument(annex.sha256, from: reference, reason: " \n", as: "olivia") }),
            ("not in the pack", { try docket.removeDocument(absent, from: reference, reason: "x", as: "olivia") }),
            ("viewer", { try docket.removeDocument(annex.sha256, from: reference, reason: "x", as: "victor") }),
            (
                "stale view",
                {
                    try docket.removeDocument(
                        annex.sha256, from: reference, reason: "x", as: "olivia", expectedSequence: before - 1)
                }
            ),
            ("replace another kind", { try add(.annex, "New annex", to: reference, replacing: letter.sha256) }),
            ("replace what is not there", { try add(.coverLetter, "New letter", to: reference, replacing: absent) }),
        ]
        for (name, attempt) in cases {
            #expect(failure(of: attempt) != nil, "\(name) must be refused")
        }
        let messages = [
            failure { try docket.removeDocument(annex.sha256, from: reference, reason: "", as: "olivia") },
            failure { try add(.annex, "New annex", to: reference, replacing: letter.sha256) },
        ].map { "\($0.map { "\($0)" } ?? "")" }
        #expect(messages[0].contains("say why"))
        #expect(messages[1].contains("cannot replace a cover-letter"))
        #expect(try docket.submission(reference).sequence == before, "no refusal recorded anything")

        // A document that left the pack cannot join it again: its metadata is cited as it was.
        try docket.removeDocument(annex.sha256, from: reference, reason: "wrong annex", as: "olivia")
        let again = failure { try add(.annex, "Annex", to: reference, annex: "B") }
        #expect("\(again.map { "\($0)" } ?? "")".contains("cannot be added again"))
        #expect(try docket.verify().filter { $0.severity == .problem }.isEmpty)
    }

    /// Format 1's schema refuses a line break in a comment, so a Mayor's two-line reason for
    /// returning a draft could not be recorded; format 2 holds it, and only such events use it.
    @Test func aCommentOfSeveralLinesIsRecordedInFormatTwo() throws {
        let reference = try docket.newSubmission(workflow: "best-value-submission", title: "Update", as: "olivia")
        try add(.submission, "Submission", to: reference)
        try add(.coverLetter, "Cover letter", to: reference)
        try docket.fire("submit-for-sign-off", on: reference, as: "olivia", comment: "Ready")
        let comment = "Two points:\n1. the date on the letter\n2. Annex B is missing"
        let returned = try docket.fire("return-for-redraft", on: reference, as: "mayor", comment: comment)
        #expect(try eventFile(reference, returned.event.sequence).contains("urn:docket:archive:2"))
        #expect(try eventFile(reference, returned.event.sequence - 1).contains("urn:docket:archive:1"))
        let view = try archive.reopen().submission(reference)
        guard case .transition(let transition) = view.events.last?.body else {
            Issue.record("the last event should be the return")
            return
        }
        #expect(transition.comment == comment)
        #expect(view.state == "drafting")
        #expect(try docket.verify().filter { $0.severity == .problem }.isEmpty)
    }

    /// A bag of the submission carries the documents that left the pack too: its events cite them.
    @Test func anExportedBagKeepsWhatLeftThePack() throws {
        let reference = try docket.newSubmission(workflow: "best-value-submission", title: "Update", as: "olivia")
        let first = try add(.coverLetter, "Cover letter", to: reference)
        let second = try add(.coverLetter, "Cover letter, corrected", to: reference, replacing: first.sha256)
        let bag = FileManager.default.temporaryDirectory.appendingPathComponent("docket-bag-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: bag) }
        try docket.exportBag(reference, to: bag)
        let documents = try FileManager.default.contentsOfDirectory(
            atPath: "\(bag)/data/submissions/\(reference)/documents")
        #expect(Set(documents) == [first.storedAs, "\(first.sha256).xml", second.storedAs, "\(second.sha256).xml"])
        let manifest = try String(contentsOfFile: "\(bag)/manifest-sha256.txt", encoding: .utf8)
        #expect(manifest.contains("\(first.sha256)  data/submissions/\(reference)/documents/\(first.storedAs)"))
    }

    @Test func aClosedPackTakesNoRemovals() throws {
        let reference = try docket.newSubmission(workflow: "best-value-submission", title: "Update", as: "olivia")
        let letter = try add(.coverLetter, "Cover letter", to: reference)
        try docket.fire("withdraw", on: reference, as: "olivia", comment: "Superseded")
        let refusal = failure { try docket.removeDocument(letter.sha256, from: reference, reason: "x", as: "olivia") }
        guard case .packClosed = refusal else {
            Issue.record("expected packClosed, got \(String(describing: refusal))")
            return
        }
    }

    /// An archive made before format 2 refuses removals and replacements, with the way to add
    /// the schema, and writes nothing; after `init --upgrade` both work.
    @Test func anArchiveWithoutFormatTwoRefusesUntilUpgraded() throws {
        let reference = try docket.newSubmission(workflow: "best-value-submission", title: "Update", as: "olivia")
        let letter = try add(.coverLetter, "Cover letter", to: reference)
        // An archive made before format 2 has neither it nor the files that import it (formats 3
        // and 4, correspondence).
        for family in [SchemaFamily.archiveFormat2, .archiveFormat3, .archiveFormat4, .correspondence] {
            let schema = "\(archive.path)/\(family.file)"
            chmod(schema, 0o644)
            try FileManager.default.removeItem(atPath: schema)
        }
        let old = try archive.reopen()
        let documentsBefore = try FileManager.default.contentsOfDirectory(
            atPath: "\(archive.path)/submissions/\(reference)/documents")

        let removal = failure { try old.removeDocument(letter.sha256, from: reference, reason: "x", as: "olivia") }
        #expect("\(removal.map { "\($0)" } ?? "")".contains("docket init --upgrade"))
        let replacement = failure {
            try old.addDocument(
                to: reference, content: Array("new letter\n".utf8),
                description: DocumentDescription(
                    kind: .coverLetter, title: "New", originalFileName: "new.txt",
                    relations: [Relation(kind: .replaces, target: letter.sha256)]),
                as: "olivia")
        }
        #expect("\(replacement.map { "\($0)" } ?? "")".contains("docket init --upgrade"))
        #expect(try old.submission(reference).sequence == 1)
        #expect(
            try FileManager.default.contentsOfDirectory(atPath: "\(archive.path)/submissions/\(reference)/documents")
                == documentsBefore, "nothing stored for a refused replacement")

        try ArchiveStore.addMissingDistributionFiles(
            to: archive.path, from: "\(TemporaryArchive.repositoryRoot.path)/archive")
        let upgraded = try archive.reopen()
        try upgraded.removeDocument(letter.sha256, from: reference, reason: "wrong letter", as: "olivia")
        #expect(try upgraded.submission(reference).documents.isEmpty)
        #expect(try upgraded.verify().filter { $0.severity == .problem }.isEmpty)
    }

    /// Every file an archive holds after removals and replacements validates, without Docket,
    /// against format 2's schema, which covers format 1's files too.
    @Test func xmllintChecksBothFormatsWithTheFormatTwoSchema() throws {
        let reference = try docket.newSubmission(workflow: "best-value-submission", title: "Update", as: "olivia")
        let first = try add(.coverLetter, "Cover letter", to: reference)
        try add(.coverLetter, "Cover letter, corrected", to: reference, replacing: first.sha256)
        let annex = try add(.annex, "Annex", to: reference, annex: "A")
        try docket.removeDocument(annex.sha256, from: reference, reason: "Not needed", as: "olivia")
        let directory = "\(archive.path)/submissions/\(reference)"
        let files =
            try FileManager.default.contentsOfDirectory(atPath: "\(directory)/events").map {
                "\(directory)/events/\($0)"
            }
            + (try FileManager.default.contentsOfDirectory(atPath: "\(directory)/documents")
                .filter { $0.hasSuffix(".xml") }.map { "\(directory)/documents/\($0)" })
            + ["\(directory)/submission.xml", "\(directory)/head.xml"]
        let xmllint = try ExternalTool.locate("xmllint", package: "libxml2-utils")
        let result = try xmllint.run(
            ["--noout", "--schema", "\(archive.path)/schema/docket-archive-2.xsd"] + files, timeout: 60)
        #expect(result.status == 0, "\(result.standardError)")
        #expect(result.standardError.components(separatedBy: " validates").count - 1 == files.count)
    }
}
