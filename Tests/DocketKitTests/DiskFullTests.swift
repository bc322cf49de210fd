import Archive
import DocketKit
import Foundation
import TestSupport
import Testing
import Workflow

/// A full disk, for real: an archive on a 6 MB tmpfs (mounted for the test; root only, as CI
/// runs), filled while documents are added and events fired. Every write the library
/// acknowledged is there, every one it refused is absent, nothing half-written is left that
/// `verify` calls a problem, and writing works again once space returns.
@Suite("Disk full", .serialized)
struct DiskFullTests {
    @Test("writes refused on a full disk leave nothing behind, and work again when space returns")
    func fullDisk() throws {
        guard getuid() == 0 else {
            Issue.record("mounting a tmpfs needs root (CI runs as root); not run")
            return
        }
        let directory = try TemporaryDirectory("disk-full")
        let mountPoint = directory.path("small")
        try FileManager.default.createDirectory(atPath: mountPoint, withIntermediateDirectories: true)
        try ExternalTool(path: "/bin/mount").runSucceeding(["-t", "tmpfs", "-o", "size=6m", "tmpfs", mountPoint])
        defer {
            _ = try? ExternalTool(path: "/bin/umount").run([mountPoint])
            directory.remove()
        }
        let path = "\(mountPoint)/archive"
        let docket = try DocketArchive.create(at: path, from: Distribution(root: TemporaryArchive.repositoryRoot.path))
        try docket.addUser("olivia", roles: [.officer])
        try docket.addUser("mayor", roles: [.mayor])
        let reference = try BoardSteps.readyForSignOff(docket, title: "Full disk")
        let eventsBefore = try docket.submission(reference).events.count

        // Leave about 400 KB free.
        var status = statvfs()
        #expect(statvfs(mountPoint, &status) == 0)
        let free = Int(status.f_bavail) * Int(status.f_frsize)
        let filler = "\(mountPoint)/filler"
        try Data(count: max(0, free - 400_000)).write(to: URL(fileURLWithPath: filler))

        var acknowledgedDocuments: [String] = []
        var refusedDocuments: [String] = []
        var acknowledgedEvents = 0
        var refusals: [String] = []
        for index in 0..<40 {
            let content = Array("letter \(index) ".utf8) + [UInt8](repeating: UInt8(ascii: "x"), count: 60_000)
            do {
                let metadata = try docket.addDocument(
                    to: reference, content: content,
                    description: DocumentDescription(
                        kind: .correspondence, title: "Letter \(index)", originalFileName: "l.txt"),
                    as: "olivia")
                acknowledgedDocuments.append(metadata.sha256)
            } catch {
                refusedDocuments.append(ArchiveStore.sha256(content))
                refusals.append("\(error)")
            }
            let before = (try? docket.submission(reference).events.count) ?? -1
            do {
                // Whichever the state allows: a refused fire leaves the state as it was.
                if try docket.submission(reference).state == "drafting" {
                    try docket.fire("submit-for-sign-off", on: reference, as: "olivia")
                } else {
                    try docket.fire("return-for-redraft", on: reference, as: "mayor", comment: "Again \(index)")
                }
                acknowledgedEvents += 1
            } catch {
                refusals.append("\(error)")
                // A refused event is not there.
                #expect((try? docket.submission(reference).events.count) ?? before == before)
            }
        }
        #expect(!refusals.isEmpty, "the disk never filled")
        // Each refusal says what happened.
        #expect(refusals.allSatisfy { $0.contains("No space left on device") }, "\(refusals)")
        // … naming the file that could not be written, not a temporary name.
        #expect(!refusals.contains { $0.contains(".tmp-") }, "\(refusals.prefix(2))")

        // Space returns: nothing lost, nothing half-written, and writing works again.
        try FileManager.default.removeItem(atPath: filler)
        let problems = try docket.verify().filter { $0.severity == .problem }
        #expect(problems.isEmpty, "\(problems)")
        let view = try docket.submission(reference)
        let held = Set(view.documents.map(\.sha256))
        #expect(acknowledgedEvents > 0 && !acknowledgedDocuments.isEmpty)
        for sha256 in acknowledgedDocuments { #expect(held.contains(sha256)) }
        for sha256 in refusedDocuments { #expect(!held.contains(sha256)) }
        // The two documents' events, and every acknowledged fire.
        #expect(view.events.count == eventsBefore + acknowledgedDocuments.count + acknowledgedEvents)
        _ = try docket.addDocument(
            to: reference, content: Array("after the disk was freed".utf8),
            description: DocumentDescription(kind: .correspondence, title: "After", originalFileName: "a.txt"),
            as: "olivia")
        #expect(try docket.verify().filter { $0.severity == .problem }.isEmpty)

        // Mail arriving on a full disk: refused deliveries leave nothing verify calls a problem, and
        // each is archived exactly once when the MTA tries again with space back.
        let mail = (0..<12).map { index in
            Array(
                """
                From: Commissioners <commissioners@example.gov.uk>\r
                To: governance@towerhamlets.example\r
                Subject: Letter \(index)\r
                Message-ID: <full-\(index)@example.gov.uk>\r
                Date: Tue, 20 Sep 2016 10:00:00 +0100\r
                \r
                \(String(repeating: "A long reply. ", count: 4_000))\r

                """.utf8)
        }
        let spare = "\(mountPoint)/spare"
        var room = statvfs()
        #expect(statvfs(mountPoint, &room) == 0)
        try Data(count: max(0, Int(room.f_bavail) * Int(room.f_frsize) - 250_000)).write(
            to: URL(fileURLWithPath: spare))
        var delivered = Set<String>()
        var deferred: [[UInt8]] = []
        for message in mail {
            do {
                delivered.insert(try docket.receiveMessage(message, route: .deliver).sha256)
            } catch {
                #expect("\(error)".contains("No space left on device"), "\(error)")
                deferred.append(message)
            }
        }
        #expect(!deferred.isEmpty, "the disk never filled for mail")
        try FileManager.default.removeItem(atPath: spare)
        #expect(try docket.verify().filter { $0.severity == .problem }.isEmpty)
        for message in deferred {
            let arrival = try docket.receiveMessage(message, route: .deliver)
            delivered.insert(arrival.sha256)
        }
        #expect(delivered.count == mail.count)
        #expect(try docket.arrivedMessages(limit: 100).count == mail.count)
        #expect(try docket.verify().filter { $0.severity == .problem }.isEmpty)

        // A backup onto a disk too small: refused, and no backup recorded; with room, it is.
        let backups = directory.path("backups")
        try FileManager.default.createDirectory(atPath: backups, withIntermediateDirectories: true)
        try ExternalTool(path: "/bin/mount").runSucceeding(["-t", "tmpfs", "-o", "size=256k", "tmpfs", backups])
        defer { _ = try? ExternalTool(path: "/bin/umount").run([backups]) }
        let repository = "\(backups)/docket"
        #expect(throws: DocketError.self) { try docket.backup(to: repository) }
        #expect(try BackupRepository(at: repository, creating: false).manifestNames().isEmpty)
        try ExternalTool(path: "/bin/mount").runSucceeding(["-o", "remount,size=16m", backups])
        let report = try docket.backup(to: repository)
        #expect(try BackupRepository(at: repository, creating: false).manifestNames() == [report.name])
    }
}
