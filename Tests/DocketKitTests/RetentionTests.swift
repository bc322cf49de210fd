import Archive
import DocketKit
import Foundation
import Index
import TestSupport
import Testing
import Workflow

/// The demo archive under the default retention schedule, on a clock the test sets: what comes
/// due, holds, the two approvers, and a disposal that leaves a history that still verifies and
/// nothing of what it destroyed — checked with xmllint, bagit.py and the index file's bytes.
final class RetentionDemo: @unchecked Sendable {
    let directory: TemporaryDirectory
    let path: String
    private let lock = NSLock()
    private var instant: Date
    private(set) var docket: DocketArchive!

    /// The demo built as it happened, then opened on `now`.
    init(_ label: String, now: String = "2026-12-01T10:00:00Z") throws {
        directory = try TemporaryDirectory(label)
        path = directory.path("archive")
        _ = try DemoArchive.build(at: path, from: Distribution(root: TemporaryArchive.repositoryRoot.path))
        instant = try Date.ISO8601FormatStyle().parse(now)
        docket = try DocketArchive(opening: path, clock: { [unowned self] in self.now })
    }

    var now: Date {
        lock.lock()
        defer { lock.unlock() }
        return instant
    }

    func set(_ iso: String) throws {
        let date = try Date.ISO8601FormatStyle().parse(iso)
        lock.lock()
        instant = date
        lock.unlock()
    }

    /// The content file of a document of a submission, by kind (the first).
    func contentPath(_ reference: String, kind: DocumentKind) throws -> (sha256: String, path: String) {
        let view = try docket.submission(reference)
        let filed = view.correspondence.flatMap { [$0.message] + $0.attachments }
        let metadata = try #require((view.documents + filed).first { $0.kind == kind })
        return (metadata.sha256, "\(path)/submissions/\(reference)/documents/\(metadata.storedAs)")
    }

    /// Proposes (rhona), approves (olivia) and carries out a list destroying cover letters and
    /// correspondence.
    @discardableResult
    func destroyCoverLettersAndMail() throws -> DisposalCertificate {
        let list = try docket.proposeDisposal(.destroy, classes: ["GOV-COVER-6", "GOV-CORR-6"], as: "rhona")
        try docket.approveDisposal(list.id, service: "Corporate Strategy", as: "olivia")
        return try docket.carryOutDisposal(list.id, as: "rhona")
    }

    deinit {
        // Archived files are read-only: made writable again so that the directory goes.
        _ = try? ExternalTool(path: "/bin/chmod").run(["-R", "u+w", directory.url.path])
        directory.remove()
    }
}

@Suite struct RetentionScheduleTests {
    @Test func periodsCountYearsAndMonthsThenDays() throws {
        #expect(RetentionPeriod(iso: "P6Y") == RetentionPeriod(years: 6))
        #expect(RetentionPeriod(iso: "P1Y6M10D") == RetentionPeriod(years: 1, months: 6, days: 10))
        for bad in ["", "P", "6Y", "PT6H", "P6W", "P1.5Y", "P6D1Y", "P1Y1Y", "PY"] {
            #expect(RetentionPeriod(iso: bad) == nil, "\(bad)")
        }
        let leap = try #require(CalendarDate(iso: "2016-02-29"))
        #expect(RetentionPeriod(years: 6).after(leap).description == "2022-02-28")
        #expect(RetentionPeriod(months: 11, days: 3).after(leap).description == "2017-02-01")
        #expect(RetentionPeriod(iso: "P6Y")?.description == "P6Y")
    }

    @Test func theDefaultScheduleMapsEachKindToTheMostSpecificRule() throws {
        let demo = try RetentionDemo("retention-classes")
        let schedule = try demo.docket.retentionSchedule()
        #expect(
            schedule.retentionClass(series: "BVP", workflow: "best-value-submission", kind: .coverLetter)?.id
                == "GOV-COVER-6")
        #expect(
            schedule.retentionClass(series: nil, workflow: "board-minutes", kind: .minutes)?.id
                == "GOV-BOARD-TRANSFER")
        // Every class names its authority and a source the schedule lists.
        let sources = Set(schedule.sources.map(\.id))
        for entry in schedule.classes {
            #expect(!entry.authority.isEmpty && entry.authoritySource.map(sources.contains) == true, "\(entry.id)")
        }
    }

    @Test func aScheduleImportedFromCSVIsValidAndABadOneChangesNothing() throws {
        let demo = try RetentionDemo("retention-csv")
        let csv = """
            id,description,trigger,period,action,authority,source,series,workflow,kinds\r
            lga,"Local Government Act 1972, s.224",source,,,https://www.legislation.gov.uk/ukpga/1972/70/section/224,,,,\r
            MAIL-2,"Email, ""filed"" to a matter
            over two lines",submission-closed,P2Y,destroy,Two years after closure,lga,,,correspondence\r
            KEEP,Reports kept,meeting-date,,keep-permanently,Permanent,lga,BVP,,board-report;minutes\r

            """
        let schedule = try demo.docket.importRetentionSchedule(csv: csv, title: "Test schedule", as: "rhona")
        #expect(schedule.classes.map(\.id) == ["MAIL-2", "KEEP"])
        #expect(schedule.classes[0].description == "Email, \"filed\" to a matter\nover two lines")
        #expect(schedule.rules.count == 3)
        #expect(schedule.sources.first?.citation == "Local Government Act 1972, s.224")
        let xmllint = try ExternalTool.xmllint()
        let checked = try xmllint.run([
            "--noout", "--nonet", "--schema", "\(demo.path)/schema/docket-retention-1.xsd",
            "\(demo.path)/retention/schedule.xml",
        ])
        #expect(checked.status == 0, "\(checked.standardError)")
        #expect(try demo.docket.retentionSchedule() == schedule)

        let before = try Data(contentsOf: URL(fileURLWithPath: "\(demo.path)/retention/schedule.xml"))
        let bad =
            "id,description,trigger,period,action,authority\nA,One,submission-closed,P1Y,destroy,x\nB,Two,whenever,P1Y,destroy,y\n"
        let refusal = failure { try demo.docket.importRetentionSchedule(csv: bad, title: "Bad", as: "rhona") }
        #expect("\(refusal.map { "\($0)" } ?? "")".contains("line 3: trigger must be one of"))
        let noPeriod = "id,description,trigger,period,action,authority\nA,One,submission-closed,,destroy,x\n"
        #expect(failure { try demo.docket.importRetentionSchedule(csv: noPeriod, title: "Bad", as: "rhona") } != nil)
        #expect(try Data(contentsOf: URL(fileURLWithPath: "\(demo.path)/retention/schedule.xml")) == before)
        // A spreadsheet's byte order mark is no problem; two rules that tie are.
        let withBOM =
            "\u{FEFF}"
            + "id,description,trigger,period,action,authority,kinds\nA,One,document-date,P1Y,destroy,x,annex\n"
        #expect(try demo.docket.importRetentionSchedule(csv: withBOM, title: "BOM", as: "rhona").classes.count == 1)
        let tie = """
            id,description,trigger,period,action,authority,series,workflow
            A,One,document-date,P1Y,destroy,x,BVP,
            B,Two,document-date,P2Y,destroy,y,,best-value-submission

            """
        let tied = failure { try demo.docket.importRetentionSchedule(csv: tie, title: "Tie", as: "rhona") }
        #expect("\(tied.map { "\($0)" } ?? "")".contains("neither more specific"))
        // Only a records manager or an administrator changes it.
        #expect(failure { try demo.docket.importRetentionSchedule(csv: csv, title: "T", as: "olivia") } != nil)
    }
}

@Suite struct RetentionTests {
    @Test func recordsComeDueWhenTheirPeriodRunsOut() throws {
        let demo = try RetentionDemo("retention-due", now: "2021-11-17T12:00:00Z")
        #expect(try demo.docket.retentionReview(as: "rhona").due.isEmpty)
        try demo.set("2021-11-18T09:00:00Z")
        let first = try demo.docket.retentionReview(as: "rhona").due
        #expect(Set(first.map(\.submission)) == ["BVP-2015-01"])
        #expect(first.contains { $0.kind == .coverLetter && $0.retentionClass.action == .destroy })
        #expect(first.contains { $0.kind == .submission && $0.retentionClass.action == .review })
        #expect(first.allSatisfy { $0.due.description == "2021-11-18" })
        try demo.set("2022-10-19T09:00:00Z")
        let later = try demo.docket.retentionReview(as: "rhona").due
        #expect(Set(later.map(\.submission)) == ["BVP-2015-01", "BVP-2016-01", "BVP-2016-02", "MIN-BVPB-2016-10-19"])
        // A viewer may not review retention.
        #expect(failure { try demo.docket.retentionReview(as: "victor") } != nil)
    }

    @Test func restrictedTitlesAreWithheldFromAReaderNotClearedAndEveryListingIsRecorded() throws {
        let demo = try RetentionDemo("retention-restricted")
        let docket = demo.docket!
        // Nothing open to all, and records managers not cleared: every due title is restricted.
        _ = try docket.setClearance(clearedRoles: ["officer", "admin"], openMarkings: ["PUBLIC"])
        let before = try docket.accessLog().count
        let seen = try docket.retentionReview(as: "rhona").due
        #expect(!seen.isEmpty && seen.allSatisfy { $0.title == WithheldDocument.placeholderName })
        let refused = try docket.accessLog(user: "rhona").filter { $0.event.outcome == .refused }
        #expect(Set(refused.compactMap(\.event.item)) == Set(seen.map(\.submission)))
        let cleared = try docket.retentionReview(as: "olivia").due
        #expect(cleared.contains { $0.title == "The Mayor’s covering letter to the Secretary of State" })
        let allowed = try docket.accessLog(user: "olivia").filter { $0.event.outcome == .allowed }
        #expect(Set(allowed.compactMap(\.event.item)) == Set(cleared.map(\.submission)))
        // Proposing shows nothing, so it records nothing.
        let recorded = try docket.accessLog().count
        #expect(recorded > before)
        try docket.proposeDisposal(.destroy, classes: ["GOV-COVER-6"], as: "rhona")
        #expect(try docket.accessLog().count == recorded)
    }

    @Test func aHoldStopsProposalApprovalAndDisposalWithItsReason() throws {
        let demo = try RetentionDemo("retention-hold")
        let docket = demo.docket!
        let reason = "FOI request 2026/114 asks for the third update's correspondence"
        let hold = try docket.placeHold(reason: reason, on: ["BVP-2016-02"], as: "rhona")
        guard
            case .onHold(let reference, let id, let why)? = failure(
                of: { try docket.proposeDisposal(.destroy, submissions: ["BVP-2016-02"], as: "rhona") })
        else {
            Issue.record("a held submission was proposed")
            return
        }
        #expect(reference == "BVP-2016-02" && id == hold.id && why == reason)
        // Proposing everything due leaves the held records out, and says so in the review.
        let list = try docket.proposeDisposal(.destroy, as: "rhona")
        #expect(!list.submissions.contains("BVP-2016-02") && !list.records.isEmpty)
        #expect(
            try docket.retentionReview(as: "rhona").due.filter { $0.submission == "BVP-2016-02" }
                .allSatisfy { $0.hold?.id == hold.id })

        // Held after proposal: approval refused; released: approved; held again: not carried out.
        let second = try docket.placeHold(reason: "Litigation: Smith v LBTH", on: ["BVP-2016-01"], as: "ada")
        guard
            case .onHold(_, second.id, _)? = failure(
                of: { try docket.approveDisposal(list.id, service: "Corporate Strategy", as: "olivia") })
        else {
            Issue.record("a list holding a held record was approved")
            return
        }
        try docket.releaseHold(second.id, reason: "Settled", as: "ada")
        try docket.approveDisposal(list.id, service: "Corporate Strategy", as: "olivia")
        let third = try docket.placeHold(reason: "Audit inquiry", on: ["BVP-2015-01"], as: "rhona")
        let cover = try demo.contentPath("BVP-2015-01", kind: .coverLetter)
        guard
            case .onHold(_, third.id, "Audit inquiry")? = failure(of: {
                try docket.carryOutDisposal(list.id, as: "rhona")
            })
        else {
            Issue.record("a held record was destroyed")
            return
        }
        #expect(FileManager.default.fileExists(atPath: cover.path), "nothing destroyed while held")
        // Holds are part of the history: both placed, one released, in the retention log.
        let holds = try docket.retentionLedger().holds
        #expect(holds.map(\.id) == [hold.id, second.id, third.id])
        #expect(holds.map(\.isInForce) == [true, false, true])
        #expect(failure { try docket.placeHold(reason: "x", on: ["BVP-2016-01"], as: "olivia") } != nil)
        #expect(failure { try docket.placeHold(reason: " ", on: ["BVP-2016-01"], as: "rhona") } != nil)
        #expect(failure { try docket.placeHold(reason: "x", on: ["NOPE-1"], as: "rhona") } != nil)
    }

    @Test func oneApproverAloneOrTheProposerApprovingIsRefused() throws {
        let demo = try RetentionDemo("retention-approvers")
        let docket = demo.docket!
        try docket.addUser("rowan", roles: [.recordsManager, .officer])
        let list = try docket.proposeDisposal(.destroy, classes: ["GOV-COVER-6"], as: "rowan")
        // Not carried out on one person's word.
        #expect(failure { try docket.carryOutDisposal(list.id, as: "rowan") } != nil)
        guard
            case .notPermitted? = failure(of: { try docket.approveDisposal(list.id, service: "Records", as: "rowan") })
        else {
            Issue.record("the proposer approved their own list")
            return
        }
        // A records manager is no approver, nor a viewer; an approver names a service.
        #expect(failure { try docket.approveDisposal(list.id, service: "Records", as: "rhona") } != nil)
        #expect(failure { try docket.approveDisposal(list.id, service: "Records", as: "victor") } != nil)
        #expect(failure { try docket.approveDisposal(list.id, service: "  ", as: "olivia") } != nil)
        // Only a records manager proposes or carries out.
        #expect(failure { try docket.proposeDisposal(.destroy, as: "olivia") } != nil)
        try docket.approveDisposal(list.id, service: "Corporate Strategy", as: "olivia")
        #expect(failure { try docket.carryOutDisposal(list.id, as: "olivia") } != nil)
        #expect(failure { try docket.approveDisposal(list.id, service: "Again", as: "ada") } != nil, "approved once")
        let certificate = try docket.carryOutDisposal(list.id, as: "rhona")
        #expect(certificate.proposed.actor.user == "rowan" && certificate.approved.actor.user == "olivia")
        #expect(certificate.approvedForService == "Corporate Strategy" && certificate.carriedOut.actor.user == "rhona")
        #expect(failure { try docket.carryOutDisposal(list.id, as: "rhona") } != nil, "carried out once")
    }

    @Test func disposalLeavesAHistoryThatVerifiesAndNothingOfWhatItDestroyed() throws {
        let demo = try RetentionDemo("retention-dispose")
        let docket = demo.docket!
        let phrase = "enclose the Council's second"
        #expect(try !docket.search(SearchRequest(query: try SearchQuery("\"\(phrase)\""))).hits.isEmpty)
        let cover = try demo.contentPath("BVP-2016-01", kind: .coverLetter)
        let metadataPath = "\(demo.path)/submissions/BVP-2016-01/documents/\(cover.sha256).xml"
        let metadataBefore = try Data(contentsOf: URL(fileURLWithPath: metadataPath))
        let kept = try demo.contentPath("BVP-2016-01", kind: .submission)

        let certificate = try demo.destroyCoverLettersAndMail()

        // Exactly the due cover letters and emails, each gone, its metadata byte for byte.
        let due = Set(certificate.records.map(\.kind))
        #expect(due == [.coverLetter, .correspondence])
        #expect(Set(certificate.records.map(\.submission)) == ["BVP-2015-01", "BVP-2016-01", "BVP-2016-02"])
        for record in certificate.records {
            #expect(!FileManager.default.fileExists(atPath: "\(demo.path)/\(record.path)"), "\(record.path)")
        }
        #expect(try Data(contentsOf: URL(fileURLWithPath: metadataPath)) == metadataBefore)
        // An email's own copy, kept beside its catalogue card since it arrived, goes too; the card stays.
        let email = try #require(certificate.records.first { $0.kind == .correspondence })
        let arrival = "\(demo.path)/correspondence/messages/\(email.sha256)"
        #expect(!FileManager.default.fileExists(atPath: "\(arrival)/message.eml"))
        #expect(FileManager.default.fileExists(atPath: "\(arrival)/message.xml"))
        #expect(FileManager.default.fileExists(atPath: kept.path), "a record of another class stays")
        #expect(try docket.verify().filter { $0.severity == .problem }.isEmpty)
        let findings = try docket.verify()
        #expect(findings.isEmpty, "\(findings)")

        // No search finds its words, and the index file no longer holds them.
        #expect(try docket.search(SearchRequest(query: try SearchQuery("\"\(phrase)\""))).hits.isEmpty)
        #expect(try docket.search(SearchRequest(query: try SearchQuery("enclose second"))).hits.isEmpty)
        let indexBytes = try Data(contentsOf: URL(fileURLWithPath: "\(demo.path)/index.sqlite"))
        #expect(indexBytes.range(of: Data(phrase.utf8)) == nil, "the destroyed text is still in index.sqlite")
        // Its content answers "destroyed"; its description and history remain.
        guard
            case .destroyed(_, cover.sha256, let list, _)? = failure(
                of: { try docket.document("BVP-2016-01", sha256: cover.sha256) })
        else {
            Issue.record("a destroyed document was served")
            return
        }
        #expect(list == certificate.list)
        #expect(failure { try docket.documentPreview("BVP-2016-01", sha256: cover.sha256) } != nil)
        let view = try docket.submission("BVP-2016-01")
        #expect(view.disposals[cover.sha256]?.list == certificate.list)
        #expect(view.documents.contains { $0.sha256 == cover.sha256 })

        // The certificate, the log and each disposal event are valid with xmllint alone.
        let xmllint = try ExternalTool.xmllint()
        for (schema, files) in [
            ("docket-retention-1.xsd", ["retention/certificates/\(certificate.list).xml", "retention/log/000003.xml"]),
            ("docket-archive-6.xsd", try Self.lastEvents(demo, ["BVP-2015-01", "BVP-2016-01", "BVP-2016-02"])),
        ] {
            let checked = try xmllint.run(
                ["--noout", "--nonet", "--schema", "\(demo.path)/schema/\(schema)"] + files.map { "\(demo.path)/\($0)" }
            )
            #expect(checked.status == 0, "\(checked.standardError)")
        }
        let written = try String(
            contentsOfFile: "\(demo.path)/retention/certificates/\(certificate.list).xml", encoding: .utf8)
        for record in certificate.records { #expect(written.contains(record.sha256)) }
        #expect(written.components(separatedBy: "<record ").count - 1 == certificate.records.count)
        #expect(
            try docket.destructionReport(as: "ada").map(\.record.sha256).sorted()
                == certificate.records.map(\.sha256).sorted())

        // A bag of the submission carries the metadata without the content, and validates.
        let bag = demo.directory.path("bag")
        try docket.exportBag("BVP-2016-01", to: bag)
        let validation = try BagTools.run(try BagTools.bagit(), ["--validate", bag])
        #expect(validation.status == 0, "bagit.py --validate: \(validation.output)")
        #expect(
            FileManager.default.fileExists(atPath: "\(bag)/data/submissions/BVP-2016-01/documents/\(cover.sha256).xml"))
        let storedAs = URL(fileURLWithPath: cover.path).lastPathComponent
        #expect(!FileManager.default.fileExists(atPath: "\(bag)/data/submissions/BVP-2016-01/documents/\(storedAs)"))
        #expect(
            FileManager.default.fileExists(
                atPath:
                    "\(bag)/data/submissions/BVP-2016-01/documents/\(try demo.contentPath("BVP-2016-01", kind: .submission).sha256).txt"
            ))
        // Its Dublin Core records validate against the DCMI schemas with xmllint.
        let dublinCore = try xmllint.run([
            "--noout", "--nonet", "--schema", "\(BagDublinCoreTests.fixtures)/dublin-core/docket-dublin-core-1.xsd",
            "\(bag)/data/metadata/dublin-core.xml",
        ])
        #expect(dublinCore.status == 0, "\(dublinCore.standardError)")
    }

    @Test func aMissingFileNoEventCoversOrAForgedDisposalEventIsAProblem() throws {
        let demo = try RetentionDemo("retention-tamper")
        let docket = demo.docket!
        let certificate = try demo.destroyCoverLettersAndMail()

        // Deleting a content file outside a disposal is still found.
        let annex = try demo.contentPath("BVP-2016-02", kind: .annex)
        chmod("\(demo.path)/submissions/BVP-2016-02/documents", 0o755)
        try FileManager.default.removeItem(atPath: annex.path)
        #expect(try docket.verify().contains { $0.severity == .problem && $0.path == annex.path })

        // A disposal event forged into a chain — well formed, correctly linked — names no
        // approved list, so it is found; and the content it pretends to cover is still missing.
        let store = try ArchiveStore(opening: demo.path)
        let identity = try store.submission("BVP-2016-02")
        let events = try store.events("BVP-2016-02", anchor: identity.sha256)
        let forged = StoredEvent(
            sequence: events.count + 1, submission: "BVP-2016-02", time: demo.now,
            actor: ActorStamp(user: "rhona", role: .recordsManager, systemUser: "intruder"),
            previous: events.last!.fileSHA256,
            body: .recordsDisposed(
                RecordsDisposal(
                    list: "DL-2026-099", action: .destroy,
                    documents: [
                        .init(
                            document: PackDocument(kind: .annex, name: "Annex", sha256: annex.sha256),
                            retentionClass: "GOV-SUBMISSION-REVIEW")
                    ])))
        let sha = try store.appendEvent(forged)
        try store.writeHead("BVP-2016-02", sequence: forged.sequence, sha256: sha)
        let findings = try docket.verify()
        #expect(findings.contains { $0.severity == .problem && $0.message.contains("DL-2026-099") }, "\(findings)")

        // Editing a real disposal event breaks the chain.
        let real = try #require(events.last { if case .recordsDisposed = $0.event.body { true } else { false } })
        chmod(real.path, 0o644)
        let text = try String(contentsOfFile: real.path, encoding: .utf8)
        try text.replacingOccurrences(of: "GOV-COVER-6", with: "GOV-CORR-6").write(
            toFile: real.path, atomically: false, encoding: .utf8)
        #expect(try docket.verify().contains { $0.path == real.path || $0.message.contains("hash chain broken") })
        #expect(certificate.records.contains { $0.submission == "BVP-2016-02" })
    }

    @Test func aHoldPlacedDuringADisposalStopsItBeforeTheHeldSubmissionAndTheListMustBeFinished() throws {
        let demo = try RetentionDemo("retention-mid-run")
        let docket = demo.docket!
        let list = try docket.proposeDisposal(.destroy, classes: ["GOV-COVER-6"], as: "rhona")
        try docket.approveDisposal(list.id, service: "Corporate Strategy", as: "olivia")
        let submissions = list.submissions
        #expect(submissions.count == 3)
        let last = submissions.last!
        // Held while the run is under way, after its first submission.
        let refusal = failure {
            try docket.carryOutDisposal(list.id, as: "rhona") { done, _ in
                if done == 1 { _ = try? docket.placeHold(reason: "Inquiry opened today", on: [last], as: "ada") }
            }
        }
        guard case .onHold(last, _, "Inquiry opened today")? = refusal else {
            Issue.record("the run went on past a hold: \(String(describing: refusal))")
            return
        }
        let held = try demo.contentPath(last, kind: .coverLetter)
        #expect(FileManager.default.fileExists(atPath: held.path), "the held record is untouched")
        #expect(!FileManager.default.fileExists(atPath: try demo.contentPath(submissions[0], kind: .coverLetter).path))
        // Started: it cannot be cancelled, verify says it is unfinished, and nothing is a problem.
        #expect(failure { try docket.cancelDisposal(list.id, reason: "changed our mind", as: "rhona") } != nil)
        let findings = try docket.verify()
        #expect(!findings.contains { $0.severity == .problem }, "\(findings)")
        #expect(findings.contains { $0.message.contains("\(list.id) was started but not finished") })
        // Released, the run finishes.
        let hold = try #require(try docket.retentionLedger().hold(on: last))
        try docket.releaseHold(hold.id, reason: "Inquiry closed", as: "ada")
        let certificate = try docket.carryOutDisposal(list.id, as: "rhona")
        #expect(certificate.records.count == 3)
        #expect(try docket.verify().isEmpty)
    }

    @Test func aTransferWritesOneBagPerSubmissionAndRecordsWhereItWent() throws {
        let demo = try RetentionDemo("retention-transfer")
        let docket = demo.docket!
        let list = try docket.proposeDisposal(.transfer, classes: ["GOV-BOARD-TRANSFER"], as: "rhona")
        try docket.approveDisposal(list.id, service: "Democratic Services", as: "ada")
        let directory = demo.directory.path("record-office")
        #expect(failure { try docket.carryOutDisposal(list.id, as: "rhona") } != nil, "a transfer names its place")
        let certificate = try docket.carryOutDisposal(
            list.id,
            transfer: .init(directory: directory, office: "Tower Hamlets Local History Library", accession: "2026/17"),
            as: "rhona")
        let transfer = try #require(certificate.transfer)
        #expect(transfer.office == "Tower Hamlets Local History Library" && transfer.accession == "2026/17")
        #expect(Set(transfer.bags.map(\.submission)) == Set(list.submissions))
        for bag in transfer.bags {
            let path = "\(directory)/\(list.id)/\(bag.submission)"
            let validation = try BagTools.run(try BagTools.bagit(), ["--validate", path])
            #expect(validation.status == 0, "\(validation.output)")
            let manifest = try [UInt8](Data(contentsOf: URL(fileURLWithPath: "\(path)/tagmanifest-sha256.txt")))
            #expect(ArchiveStore.sha256(manifest) == bag.tagManifestSHA256)
        }
        // The records stay; each submission notes where they went; all valid with xmllint.
        let view = try docket.submission("BVP-2016-02")
        let report = try #require(view.documents.first { $0.kind == .boardReport })
        #expect(view.disposals[report.sha256]?.transferred?.office == "Tower Hamlets Local History Library")
        #expect(try docket.document("BVP-2016-02", sha256: report.sha256).path.isEmpty == false)
        let xmllint = try ExternalTool.xmllint()
        let checked = try xmllint.run([
            "--noout", "--nonet", "--schema", "\(demo.path)/schema/docket-retention-1.xsd",
            "\(demo.path)/retention/certificates/\(list.id).xml",
        ])
        #expect(checked.status == 0, "\(checked.standardError)")
        #expect(try docket.verify().isEmpty)
        // Not due for transfer again.
        #expect(try !docket.retentionReview(as: "rhona").due.contains { $0.retentionClass.id == "GOV-BOARD-TRANSFER" })
    }

    @Test func anAttachmentIsDestroyedOnlyWithTheEmailItCameIn() throws {
        let demo = try RetentionDemo("retention-attachment")
        let docket = demo.docket!
        // The Commissioners' response came as an email's attachment: its bytes are in the email.
        let response = try demo.contentPath("BVP-2016-02", kind: .response)
        let first = try docket.proposeDisposal(
            .destroy, classes: ["GOV-SUBMISSION-REVIEW"], submissions: ["BVP-2016-02"], as: "rhona")
        #expect(!first.records.contains { $0.sha256 == response.sha256 }, "the email is kept")
        try docket.cancelDisposal(first.id, reason: "wrong order", as: "rhona")
        let mail = try docket.proposeDisposal(.destroy, classes: ["GOV-CORR-6"], as: "rhona")
        try docket.approveDisposal(mail.id, service: "Corporate Strategy", as: "olivia")
        try docket.carryOutDisposal(mail.id, as: "rhona")
        let second = try docket.proposeDisposal(
            .destroy, classes: ["GOV-SUBMISSION-REVIEW"], submissions: ["BVP-2016-02"], as: "rhona")
        #expect(second.records.contains { $0.sha256 == response.sha256 }, "its email is gone: it may go")
    }

    static func lastEvents(_ demo: RetentionDemo, _ references: [String]) throws -> [String] {
        try references.map { reference in
            let names = try FileManager.default.contentsOfDirectory(
                atPath: "\(demo.path)/submissions/\(reference)/events"
            )
            .filter { $0.hasSuffix(".xml") }.sorted()
            return "submissions/\(reference)/events/\(names.last!)"
        }
    }
}
