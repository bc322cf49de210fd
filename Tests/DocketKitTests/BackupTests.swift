import Archive
import DocketKit
import Foundation
import Index
import Synchronization
import TestSupport
import Testing
import Workflow

/// `docket backup` and `docket restore` on real archives: the restore drill with writers
/// working through the backups, incremental copies, damage in the repository named, and no
/// destroyed document ever brought back.
@Suite("Backup and restore")
struct BackupTests {
    /// What a writer saw acknowledged: a submission, and its number of events at that moment.
    struct Acknowledged: Sendable {
        var reference: String
        var events: Int
        var at: Date
    }

    @Test("the restore drill: writers at work, a backup mid-way and one at the end, the archive lost, restored whole")
    func restoreDrill() throws {
        let demo = try SignedDemo("backup-drill", meetingHeld: false)
        let repository = demo.directory.path("backups")
        let acknowledged = Mutex<[Acknowledged]>([])
        let failures = Mutex<[String]>([])
        let stop = Atomic<Bool>(false)
        // Two writers, each with its own view of the archive as a second process would have:
        // one starting submissions and adding documents, one firing events on them.
        let started = Mutex<[String]>([])
        let group = DispatchGroup()
        let path = demo.path
        let keyPath = demo.keyPath
        DispatchQueue.global().async(group: group) {
            do {
                let docket = try DocketArchive(opening: path, signingKey: keyPath)
                for index in 0..<100 where !stop.load(ordering: .relaxed) {
                    let reference = try docket.newSubmission(
                        workflow: "best-value-submission", title: "Drill \(index)", as: "olivia")
                    for kind in [DocumentKind.submission, .coverLetter] {
                        _ = try docket.addDocument(
                            to: reference, content: Array("Drill \(index) \(kind.rawValue)".utf8),
                            description: DocumentDescription(
                                kind: kind, title: "\(kind.rawValue) \(index)", originalFileName: "drill.txt"),
                            as: "olivia")
                        let count = try docket.submission(reference).events.count
                        acknowledged.withLock {
                            $0.append(Acknowledged(reference: reference, events: count, at: Date()))
                        }
                    }
                    started.withLock { $0.append(reference) }
                }
            } catch {
                failures.withLock { $0.append("documents: \(error)") }
            }
        }
        DispatchQueue.global().async(group: group) {
            do {
                let docket = try DocketArchive(opening: path, signingKey: keyPath)
                var step = 0
                while !stop.load(ordering: .relaxed), step < 400 {
                    guard let reference = started.withLock({ $0.randomElement() }) else {
                        usleep(20_000)
                        continue
                    }
                    let fired =
                        step % 2 == 0
                        ? try? docket.fire("submit-for-sign-off", on: reference, as: "olivia")
                        : try? docket.fire("return-for-redraft", on: reference, as: "morgan", comment: "Again \(step)")
                    if let fired {
                        acknowledged.withLock {
                            $0.append(Acknowledged(reference: reference, events: fired.event.sequence, at: Date()))
                        }
                    }
                    step += 1
                }
            } catch {
                failures.withLock { $0.append("events: \(error)") }
            }
        }
        // Backups while the writers work: after a few changes, and again after a few more.
        func waitForAcknowledged(_ count: Int) {
            let deadline = Date().addingTimeInterval(60)
            while acknowledged.withLock({ $0.count }) < count, Date() < deadline,
                group.wait(timeout: .now()) == .timedOut
            {
                usleep(20_000)
            }
        }
        waitForAcknowledged(4)
        let middle = try demo.docket.backup(to: repository)
        #expect(middle.files > 0)
        waitForAcknowledged(acknowledged.withLock { $0.count } + 6)
        stop.store(true, ordering: .relaxed)
        #expect(group.wait(timeout: .now() + 120) == .success)
        #expect(failures.withLock { $0 }.isEmpty, "\(failures.withLock { $0 })")
        let lastStarted = Date()
        let last = try demo.docket.backup(to: repository)
        #expect(last.copied < last.files, "the second backup stored everything again")

        // The archive is lost.
        _ = try ExternalTool(path: "/bin/chmod").run(["-R", "u+w", demo.path])
        try FileManager.default.removeItem(atPath: demo.path)
        let restored = demo.directory.path("restored")
        let report = try DocketArchive.restore(from: repository, to: restored)
        #expect(report.backup == last.name)
        #expect(report.leftOut.isEmpty)
        let docket = try DocketArchive(opening: restored)
        let findings = try docket.verify()
        #expect(findings.filter { $0.severity == .problem }.isEmpty, "\(findings)")
        // Every change acknowledged before the last backup began is there.
        let expected = acknowledged.withLock { $0 }.filter { $0.at < lastStarted }
        #expect(
            !expected.isEmpty,
            "acknowledged: \(acknowledged.withLock { $0.count }), started \(started.withLock { $0.count })")
        for change in expected {
            #expect(try docket.submission(change.reference).events.count >= change.events, "\(change.reference)")
        }
        // The index was rebuilt: the restored documents are found.
        #expect(try !docket.search(SearchRequest(query: try SearchQuery("Drill"))).hits.isEmpty)
    }

    @Test("a backup is incremental, a restore names a damaged object and refuses a used directory")
    func incrementalAndDamage() throws {
        let demo = try SignedDemo("backup-incremental", meetingHeld: false)
        let repository = demo.directory.path("backups")
        let first = try demo.docket.backup(to: repository)
        #expect(first.copied > 0 && first.passes >= 2)
        let second = try demo.docket.backup(to: repository)
        #expect(second.copied == 0)
        #expect(second.files == first.files)
        #expect(second.name != first.name)
        // Not into an archive, and not over a used directory.
        #expect(throws: DocketError.self) { try demo.docket.backup(to: demo.path) }
        #expect(throws: DocketError.self) {
            try DocketArchive.restore(from: repository, to: demo.path)
        }
        // An object whose bytes changed is named, and nothing is half-restored as an archive.
        let objects = "\(repository)/objects"
        let directory = try #require(DurableFile.list(objects).first)
        let object = try #require(DurableFile.list("\(objects)/\(directory)").first)
        chmod("\(objects)/\(directory)/\(object)", 0o600)
        try Data("changed".utf8).write(to: URL(fileURLWithPath: "\(objects)/\(directory)/\(object)"))
        let target = demo.directory.path("restored")
        do {
            _ = try DocketArchive.restore(from: repository, to: target)
            Issue.record("a changed object was restored")
        } catch {
            #expect("\(error)".contains(object), "\(error)")
        }
        #expect(!FileManager.default.fileExists(atPath: "\(target)/archive.xml"))
    }

    @Test("documents destroyed after a backup leave the repository and never come back, even from that backup")
    func destroyedDocumentsNeverComeBack() throws {
        let demo = try RetentionDemo("backup-disposal")
        let repository = demo.directory.path("backups")
        let before = try demo.docket.backup(to: repository)
        let certificate = try demo.destroyCoverLettersAndMail()
        let destroyed = certificate.records.map { $0.sha256 }
        #expect(!destroyed.isEmpty)
        let after = try demo.docket.backup(to: repository)
        #expect(after.purged > 0)
        for sha256 in destroyed {
            #expect(!FileManager.default.fileExists(atPath: "\(repository)/objects/\(sha256.prefix(2))/\(sha256)"))
        }
        // The older backup, taken before the disposal: restored without those documents.
        let old = demo.directory.path("restored-old")
        let report = try DocketArchive.restore(from: repository, backup: before.name, to: old)
        #expect(!report.leftOut.isEmpty)
        for record in certificate.records {
            #expect(!FileManager.default.fileExists(atPath: "\(old)/\(record.path)"), "\(record.path) came back")
        }
        // The newest: every disposal event is in it, so it verifies clean.
        let new = demo.directory.path("restored-new")
        _ = try DocketArchive.restore(from: repository, to: new)
        let findings = try DocketArchive(opening: new).verify()
        #expect(findings.filter { $0.severity == .problem }.isEmpty, "\(findings)")
        for record in certificate.records {
            #expect(!FileManager.default.fileExists(atPath: "\(new)/\(record.path)"))
        }
    }
}
