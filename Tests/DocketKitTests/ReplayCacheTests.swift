import Archive
import Foundation
import Testing
import Workflow

@testable import DocketKit

/// The replay cache (`ReplayCache`): a submission read again is read only from where this
/// process last left it — and never from a cached state the chain on disk does not extend.
@Suite struct ReplayCacheTests {
    static let users = ["olivia", "mayor", "clive"]
    static let events = [
        "submit-for-sign-off", "sign-off", "return-for-redraft", "dispatch", "reopen", "record-response",
        "schedule-for-board", "defer",
    ]
    static let meeting = "BVPB-2016-10-19"

    static func makeArchive() throws -> TemporaryArchive {
        let archive = try TemporaryArchive()
        try archive.docket.addUser("olivia", roles: [.officer])
        try archive.docket.addUser("mayor", roles: [.mayor])
        try archive.docket.addUser("clive", roles: [.clerk])
        _ = try archive.docket.newMeeting(
            board: "Best Value Programme Board", date: CalendarDate(iso: "2016-10-19")!, as: "clive")
        return archive
    }

    static func newSubmission(_ docket: DocketArchive) throws -> String {
        try docket.newSubmission(workflow: "best-value-submission", title: "Third update", as: "olivia")
    }

    static func fields(for event: String) -> [String: String] {
        switch event {
        case "dispatch": return ["dispatched-on": "2016-09-20"]
        case "record-response": return ["received-on": "2016-10-05"]
        case "schedule-for-board": return ["meeting": meeting]
        default: return [:]
        }
    }

    /// What a reader sees of a submission, everything a view derives from its chain.
    static func seen(_ docket: DocketArchive, _ reference: String) -> String {
        do {
            var lines: [String] = []
            for user in users {
                let view = try docket.submission(reference, for: user)
                lines.append("\(user): \(view.allowedNow)")
                if user == users[0] {
                    lines.append(
                        "\(view.state) \(view.isFinal) \(view.sequence) \(String(describing: view.deadline)) "
                            + "\(view.documents.map(\.sha256)) \(view.departedDocuments.map(\.metadata.sha256)) "
                            + "\(String(describing: view.signedPack)) \(view.events)")
                }
            }
            return lines.joined(separator: "\n")
        } catch {
            return "refused: \(error)"
        }
    }

    /// A small seeded generator (a 64-bit LCG's high bits): the walk repeats from run to run.
    struct Walk {
        var state: UInt64
        mutating func below(_ bound: Int) -> Int {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return Int((state >> 33) % UInt64(bound))
        }
    }

    /// One step of the walk on `docket`: a fire (often refused), a document added or one removed.
    /// - Returns: the answer, as a user would see it.
    static func step(_ walk: inout Walk, on docket: DocketArchive, _ reference: String, number: Int) -> String {
        let choice = walk.below(10)
        let user = users[walk.below(users.count)]
        do {
            switch choice {
            case 0...6:
                // Mostly an event the user may fire now (as the page offers), else any event.
                let offered = try docket.submission(reference, for: user).allowedNow.filter(events.contains)
                let pick = walk.below(events.count)
                let event = offered.isEmpty || walk.below(4) == 0 ? events[pick] : offered[pick % offered.count]
                let fired = try docket.fire(event, on: reference, as: user, fields: fields(for: event), comment: "step")
                return "fired \(fired.event.sequence) → \(fired.state) \(fired.fileSHA256)"
            case 7...8:
                let kinds: [DocumentKind] = [.submission, .coverLetter, .annex, .response]
                let added = try docket.addDocument(
                    to: reference, content: Array("document of step \(number)".utf8),
                    description: DocumentDescription(
                        kind: kinds[walk.below(kinds.count)], title: "Step \(number)", originalFileName: "s.txt"),
                    as: user == "mayor" ? "olivia" : user)
                return "added \(added.sha256)"
            default:
                let pack = try docket.submission(reference).documents
                guard pack.count > 3 else { return "kept the pack" }
                let removed = try docket.removeDocument(
                    pack[walk.below(pack.count)].sha256, from: reference, reason: "step \(number)", as: "olivia")
                return "removed at \(removed.sequence)"
            }
        } catch {
            return "refused: \(error)"
        }
    }

    @Test func theCachedStateAnswersAsAFullReplayOverALongRandomWalk() throws {
        // The same seeded walk on two archives with the same clock: one kept open (its cache
        // grows event by event), one opened afresh for every step (every read a full replay).
        let cached = try Self.makeArchive()
        let replayed = try Self.makeArchive()
        let reference = try Self.newSubmission(cached.docket)
        #expect(try Self.newSubmission(replayed.docket) == reference)
        var walkCached = Walk(state: 20_261_202)
        var walkReplayed = walkCached
        var fired = 0
        for number in 0..<160 {
            let fresh = try replayed.reopen()
            let answer = Self.step(&walkCached, on: cached.docket, reference, number: number)
            #expect(answer == Self.step(&walkReplayed, on: fresh, reference, number: number), "step \(number)")
            if answer.hasPrefix("fired") { fired += 1 }
            if number % 8 == 0 {
                #expect(Self.seen(cached.docket, reference) == Self.seen(try replayed.reopen(), reference))
            }
            cached.advance(days: 0.3)
            replayed.advance(days: 0.3)
        }
        #expect(fired > 20)  // the walk went somewhere
        #expect(try cached.docket.submission(reference).sequence > 40)
        #expect(Self.seen(cached.docket, reference) == Self.seen(try replayed.reopen(), reference))
        #expect(cached.docket.replayCache.withLock { $0.count } == 1)
        #expect(try cached.docket.verify().isEmpty)
    }

    @Test func aWriteByAnotherProcessIsPickedUp() throws {
        let archive = try Self.makeArchive()
        let reference = try Self.newSubmission(archive.docket)
        try archive.docket.addDocument(
            to: reference, content: Array("the submission".utf8),
            description: DocumentDescription(kind: .submission, title: "Submission", originalFileName: "s.txt"),
            as: "olivia")
        try archive.docket.addDocument(
            to: reference, content: Array("the letter".utf8),
            description: DocumentDescription(kind: .coverLetter, title: "Letter", originalFileName: "l.txt"),
            as: "olivia")
        try archive.docket.fire("submit-for-sign-off", on: reference, as: "olivia")
        #expect(try archive.docket.submission(reference).sequence == 3)

        let other = try archive.reopen()
        try other.fire("sign-off", on: reference, as: "mayor", expectedSequence: 3)
        try other.fire("reopen", on: reference, as: "olivia", comment: "one more change")
        // This process's cached state is two events behind: the next read and fire see them.
        let view = try archive.docket.submission(reference, for: "olivia")
        #expect(view.sequence == 5 && view.state == "drafting")
        #expect(view.allowedNow == (try other.submission(reference, for: "olivia")).allowedNow)
        let stale = failure {
            try archive.docket.fire("submit-for-sign-off", on: reference, as: "olivia", expectedSequence: 4)
        }
        #expect(stale.map { "\($0)" }?.contains("has 5 events, not 4 as expected") == true)
        let next = try archive.docket.fire("submit-for-sign-off", on: reference, as: "olivia", expectedSequence: 5)
        #expect(next.event.sequence == 6 && next.state == "awaiting-sign-off")
        // It linked to the other process's head, so the chain holds throughout.
        #expect(next.event.previous == ArchiveStore.sha256(try DurableFile.read(Self.eventFile(archive, reference, 5))))
        #expect(try archive.docket.verify().isEmpty)
        #expect(try other.submission(reference).state == "awaiting-sign-off")
    }

    /// A submission with some history, read once through `docket` so that its cache holds it.
    static func submissionWithHistory(_ archive: TemporaryArchive) throws -> String {
        let docket = archive.docket!
        let reference = try newSubmission(docket)
        for kind in [DocumentKind.submission, .coverLetter] {
            try docket.addDocument(
                to: reference, content: Array("the \(kind.rawValue)".utf8),
                description: DocumentDescription(kind: kind, title: kind.rawValue, originalFileName: "d.txt"),
                as: "olivia")
        }
        for index in 0..<8 {
            try docket.fire(
                index % 2 == 0 ? "submit-for-sign-off" : "return-for-redraft", on: reference,
                as: index % 2 == 0 ? "olivia" : "mayor", comment: "Round \(index)")
        }
        _ = try docket.submission(reference)
        return reference
    }

    static func eventFile(_ archive: TemporaryArchive, _ reference: String, _ sequence: Int) -> String {
        archive.docket.store.eventPath(reference, sequence)
    }

    /// Changes one byte of a file in place: same inode, same size (the hardest change to see).
    static func alterInPlace(_ path: String, replacing old: String, with new: String) throws {
        #expect(old.utf8.count == new.utf8.count)
        chmod(path, 0o644)
        let text = try String(contentsOfFile: path, encoding: .utf8)
        let range = try #require(text.range(of: old))
        let offset = text.utf8.distance(from: text.startIndex, to: range.lowerBound)
        let handle = try #require(FileHandle(forWritingAtPath: path))
        try handle.seek(toOffset: UInt64(offset))
        try handle.write(contentsOf: Data(new.utf8))
        try handle.close()
    }

    /// Both processes — the one whose cache holds the submission and a fresh one — give the same answer.
    static func expectSameAnswers(_ archive: TemporaryArchive, _ reference: String) throws {
        let fresh = try archive.reopen()
        #expect(seen(archive.docket, reference) == seen(fresh, reference))
        let fireCached = failure { try archive.docket.fire("submit-for-sign-off", on: reference, as: "olivia") }
        let fireFresh = failure { try fresh.fire("submit-for-sign-off", on: reference, as: "olivia") }
        #expect(fireCached != nil && fireFresh != nil)
        #expect("\(String(describing: fireCached))" == "\(String(describing: fireFresh))")
    }

    @Test(arguments: [false, true])
    func anEventAlteredBehindTheCacheIsRefusedAsWithoutIt(settled: Bool) throws {
        let archive = try Self.makeArchive()
        let reference = try Self.submissionWithHistory(archive)
        if settled {
            // Long enough for the files' stamps to prove them unchanged: the change is seen by its stamp.
            Thread.sleep(forTimeInterval: 0.1)
            _ = try archive.docket.submission(reference)
        }
        try Self.alterInPlace(Self.eventFile(archive, reference, 4), replacing: "Round 1", with: "Round 9")
        let refused = failure { try archive.docket.submission(reference) }
        #expect("\(String(describing: refused))".contains("hash chain broken"), "\(String(describing: refused))")
        try Self.expectSameAnswers(archive, reference)
    }

    @Test func theHeadAlteredBehindTheCacheIsRefusedAsWithoutIt() throws {
        let archive = try Self.makeArchive()
        let reference = try Self.submissionWithHistory(archive)
        // The last event is the head: nothing links to it, but a fire would link to its hash.
        try Self.alterInPlace(Self.eventFile(archive, reference, 10), replacing: "Round 7", with: "Round 8")
        let fresh = try archive.reopen()
        let cachedView = try archive.docket.submission(reference)
        #expect(cachedView.events.last?.body == (try fresh.submission(reference)).events.last?.body)
        let fired = try archive.docket.fire("submit-for-sign-off", on: reference, as: "olivia")
        let head = ArchiveStore.sha256(try DurableFile.read(Self.eventFile(archive, reference, 10)))
        #expect(fired.event.previous == head)
        #expect(try archive.docket.verify().isEmpty)
    }

    @Test func eventsRemovedOrAddedBehindTheCacheAreSeen() throws {
        let archive = try Self.makeArchive()
        let reference = try Self.submissionWithHistory(archive)
        let last = Self.eventFile(archive, reference, 10)
        let kept = try DurableFile.read(last)
        // The last event removed (as a restore from an older backup would leave it): one event fewer.
        chmod(last, 0o644)
        try FileManager.default.removeItem(atPath: last)
        #expect(try archive.docket.submission(reference).sequence == 9)
        try Self.expectSameAnswersAfterFiring(archive, reference)
        // A middle event removed: the chain has a gap, refused by both.
        let middle = Self.eventFile(archive, reference, 5)
        chmod(middle, 0o644)
        try FileManager.default.removeItem(atPath: middle)
        #expect(
            "\(String(describing: failure { try archive.docket.submission(reference) }))".contains("out of sequence"))
        try Self.expectSameAnswers(archive, reference)
        // Put back, and a stray file added after the head: refused as without the cache.
        try Data(try DurableFile.read(Self.eventFile(archive, reference, 4))).write(to: URL(fileURLWithPath: middle))
        try Data(kept).write(to: URL(fileURLWithPath: Self.eventFile(archive, reference, 12)))
        try Self.expectSameAnswers(archive, reference)
    }

    /// After the last event went, a fire builds on the one before it — as a fresh process would.
    static func expectSameAnswersAfterFiring(_ archive: TemporaryArchive, _ reference: String) throws {
        let fresh = try archive.reopen()
        #expect(seen(archive.docket, reference) == seen(fresh, reference))
        let fired = try archive.docket.fire("return-for-redraft", on: reference, as: "mayor", comment: "again")
        #expect(fired.event.sequence == 10)
        #expect(try archive.docket.verify().isEmpty)
        #expect(seen(archive.docket, reference) == seen(fresh, reference))
    }

    @Test func aRestoredSubmissionIsReadAgainFromDisk() throws {
        let archive = try Self.makeArchive()
        let reference = try Self.submissionWithHistory(archive)
        let directory = archive.docket.store.submissionDirectory(reference)
        let backup = archive.path + "/../" + UUID().uuidString
        try FileManager.default.copyItem(atPath: directory, toPath: backup)
        defer { try? FileManager.default.removeItem(atPath: backup) }
        try archive.docket.fire("submit-for-sign-off", on: reference, as: "olivia")
        try archive.docket.fire("sign-off", on: reference, as: "mayor")
        #expect(try archive.docket.submission(reference).state == "signed-off")
        // Restored from the copy: same names, older content, every file a new one.
        for file in (try? FileManager.default.subpathsOfDirectory(atPath: directory)) ?? [] {
            chmod("\(directory)/\(file)", 0o755)
        }
        try FileManager.default.removeItem(atPath: directory)
        try FileManager.default.copyItem(atPath: backup, toPath: directory)
        let view = try archive.docket.submission(reference)
        #expect(view.sequence == 10 && view.state == "drafting")
        try Self.expectSameAnswersAfterRestore(archive, reference)
    }

    static func expectSameAnswersAfterRestore(_ archive: TemporaryArchive, _ reference: String) throws {
        #expect(seen(archive.docket, reference) == seen(try archive.reopen(), reference))
        let fired = try archive.docket.fire("submit-for-sign-off", on: reference, as: "olivia")
        #expect(fired.event.sequence == 11)
        #expect(try archive.docket.verify().isEmpty)
    }

    @Test func theCacheIsBounded() throws {
        var cache = ReplayCache(capacity: 4)
        let archive = try Self.makeArchive()
        for _ in 0..<6 {
            let reference = try Self.newSubmission(archive.docket)
            let current = try archive.docket.readSubmission(reference)
            cache.keep(current, replayedFrom: try archive.docket.store.chain(reference).snapshot)
            #expect(cache.entry(for: reference) != nil)
        }
        #expect(cache.count <= 4)
        #expect(archive.docket.replayCache.withLock { $0.count } == 6)  // the archive's own holds thousands
    }
}
