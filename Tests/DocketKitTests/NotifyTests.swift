import Archive
import DocketKit
import Foundation
import Mail
import TestSupport
import Testing
import Workflow

/// The notify pass over a real archive, its clock moved a day at a time across Easter 2026 and
/// the August bank holiday, handing messages to a stand-in MTA that files what it is given.
@Suite struct NotifyTests {
    /// A directory the stand-in MTA writes each message into, and the MTA itself.
    struct CaptureMTA {
        let directory: URL
        let script: String

        init() throws {
            directory = FileManager.default.temporaryDirectory.appendingPathComponent(
                "docket-sink-\(UUID().uuidString)")
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
            script = directory.appendingPathComponent("mta.sh").path
            // Refuses while `refuse` exists, as a relay that is down would.
            let body = """
                #!/bin/sh
                if [ -e '\(directory.path)/refuse' ]; then cat > /dev/null; echo 'relay unavailable' >&2; exit 75; fi
                cat > '\(directory.path)/'"$(date +%s%N)-$$.eml"
                """
            try Data(body.utf8).write(to: URL(fileURLWithPath: script))
            chmod(script, 0o755)
        }

        var setup: MailSetup {
            MailSetup(
                from: Mailbox(name: "Docket", address: "docket@towerhamlets.gov.uk"),
                baseURL: "https://docket.towerhamlets.gov.uk", transport: SendmailTransport(path: script))
        }

        /// Every message received, as text, oldest first.
        func received() throws -> [String] {
            try FileManager.default.contentsOfDirectory(atPath: directory.path).filter { $0.hasSuffix(".eml") }.sorted()
                .map { try String(contentsOf: directory.appendingPathComponent($0), encoding: .utf8) }
        }

        func header(_ name: String, of message: String) -> String? {
            message.components(separatedBy: "\r\n").first { $0.hasPrefix("\(name): ") }.map {
                String($0.dropFirst(name.count + 2))
            }
        }
    }

    static func archive(startingAt iso: String) throws -> TemporaryArchive {
        let archive = try TemporaryArchive(startingAt: try Date.ISO8601FormatStyle().parse(iso))
        let docket = archive.docket!
        try docket.addUser("olivia", roles: [.officer], email: "olivia@towerhamlets.gov.uk")
        try docket.addUser("morgan", roles: [.mayor], fullName: "John Biggs", email: "mayor@towerhamlets.gov.uk")
        try docket.addUser("ada", roles: [.admin], email: "governance@towerhamlets.gov.uk")
        try docket.setEscalationContact(series: nil, user: "ada")
        return archive
    }

    /// A submission put in front of the Mayor now (its sign-off is due in 5 working days).
    static func awaitingSignOff(
        _ docket: DocketArchive, title: String = "Best Value Plan update", workflow: String = "best-value-submission"
    ) throws -> String {
        let reference = try docket.newSubmission(workflow: workflow, title: title, as: "olivia")
        for (kind, name) in [(DocumentKind.submission, "update"), (.coverLetter, "cover")] {
            try docket.addDocument(
                to: reference, content: Array("\(name) \(title)\n".utf8),
                description: DocumentDescription(kind: kind, title: name, originalFileName: "\(name).txt"),
                as: "olivia")
        }
        try docket.fire("submit-for-sign-off", on: reference, as: "olivia")
        return reference
    }

    /// Each London day of a span, the pass run twice, the second time by two processes at once:
    /// each reason is sent exactly once, on the day the calendar says, and never on a weekend or
    /// a bank holiday.
    @Test(
        arguments: [
            // Easter 2026: the deadline is Thursday 2 April; Good Friday and Easter Monday pass.
            ("2026-03-26T09:00:00Z", ["2026-03-26", "2026-03-31", "2026-04-07", "2026-04-09"]),
            // The August bank holiday (31 August 2026): the deadline is Thursday 3 September.
            ("2026-08-26T09:00:00Z", ["2026-08-26", "2026-09-01", "2026-09-04", "2026-09-08"]),
        ])
    func eachReasonIsSentOnceOnItsWorkingDay(start: String, expectedDays: [String]) throws {
        let archive = try Self.archive(startingAt: start)
        let mta = try CaptureMTA()
        let reference = try Self.awaitingSignOff(archive.docket)
        let second = try archive.reopen()
        for _ in 0..<24 {
            try archive.docket.notify(at: archive.now, setup: mta.setup)
            // A second scheduler and a second run at the same moment find nothing new to send.
            let now = archive.now
            let errors = NSLock()
            nonisolated(unsafe) var failures: [Error] = []
            DispatchQueue.concurrentPerform(iterations: 2) { index in
                do {
                    try (index == 0 ? archive.docket! : second).notify(at: now, setup: mta.setup)
                } catch {
                    errors.withLock { failures.append(error) }
                }
            }
            #expect(failures.isEmpty, "\(failures)")
            archive.advance(days: 1)
        }
        let messages = try archive.docket.outboxMessages()
        #expect(messages.map(\.day) == expectedDays)
        #expect(
            messages.map(\.decided.kind) == [.actionNeeded, .dueSoon, .overdue, .escalation],
            "\(messages.map(\.decided.messageID))")
        #expect(messages.map(\.decided.recipient) == ["morgan", "morgan", "morgan", "ada"])
        #expect(messages.allSatisfy { $0.handedOverAt != nil && $0.attempts == 1 })
        let received = try mta.received()
        #expect(received.count == 4, "each message reached the MTA once")
        #expect(Set(received.compactMap { mta.header("Message-ID", of: $0) }).count == 4)
        for message in received {
            #expect(message.contains("https://docket.towerhamlets.gov.uk/submissions/\(reference)"))
            let date = try #require(mta.header("Date", of: message))
            #expect(!date.hasPrefix("Sat") && !date.hasPrefix("Sun"), "\(date)")
        }
        #expect(mta.header("To", of: received[0]) == "John Biggs <mayor@towerhamlets.gov.uk>")
        #expect(mta.header("To", of: received[3]) == "governance@towerhamlets.gov.uk")
        #expect(mta.header("Subject", of: received[3])?.hasPrefix("Escalation: overdue: \(reference)") == true)
        #expect(try archive.docket.verify().filter { $0.severity == .problem }.isEmpty)
    }

    /// A series' next update is a deadline too: reminded to the officers, escalated to the
    /// series' own contact.
    @Test func aSeriesUpdateIsRemindedAndEscalatedToItsContact() throws {
        let archive = try Self.archive(startingAt: "2026-03-26T09:00:00Z")
        let docket = archive.docket!
        try docket.addUser("victor", roles: [.viewer], email: "audit@towerhamlets.gov.uk")
        try docket.addSeries(
            "BVP", title: "Best Value Plan updates", cadence: "P6M", firstDue: CalendarDate(iso: "2026-04-02")!,
            workflow: "best-value-submission", as: "olivia")
        try docket.setEscalationContact(series: "BVP", user: "victor")
        let mta = try CaptureMTA()
        for _ in 0..<16 {
            try docket.notify(at: archive.now, setup: mta.setup)
            archive.advance(days: 1)
        }
        let messages = try docket.outboxMessages()
        #expect(messages.map(\.day) == ["2026-03-31", "2026-04-07", "2026-04-09"])
        #expect(messages.map(\.decided.kind) == [.dueSoon, .overdue, .escalation])
        #expect(messages.map(\.decided.recipient) == ["olivia", "olivia", "victor"])
        let first = try #require(try mta.received().first)
        #expect(first.contains("https://docket.towerhamlets.gov.uk/series/BVP"))
        #expect(mta.header("Subject", of: first)?.hasPrefix("Due 2nd April 2026: BVP") == true, "\(first.prefix(600))")
    }

    /// A state may set its own reminder lead time (`docket:reminder-working-days`); and a
    /// deputy acting for the Mayor is told on whose behalf the mail reaches them.
    @Test func aStateSetsItsReminderAndADelegateIsToldWhy() throws {
        let archive = try Self.archive(startingAt: "2026-03-26T09:00:00Z")
        let shipped = try String(
            contentsOf: TemporaryArchive.repositoryRoot.appendingPathComponent("workflows/best-value-submission.scxml"),
            encoding: .utf8)
        let custom =
            shipped
            .replacingOccurrences(of: #"name="best-value-submission""#, with: #"name="early-reminders""#)
            .replacingOccurrences(
                of: #"<state id="awaiting-sign-off" "#,
                with: #"<state id="awaiting-sign-off" docket:reminder-working-days="4" "#)
        #expect(custom.contains("reminder-working-days"))
        try Data(custom.utf8).write(to: URL(fileURLWithPath: "\(archive.path)/workflows/early-reminders.scxml"))
        let docket = try archive.reopen()
        try docket.addUser("deputy", roles: [.officer], email: "deputy@towerhamlets.gov.uk")
        try docket.delegate(from: "morgan", to: "deputy", role: .mayor, until: CalendarDate(iso: "2026-12-31")!)
        try Self.awaitingSignOff(docket, title: "Early", workflow: "early-reminders")
        let mta = try CaptureMTA()
        for _ in 0..<6 {
            try docket.notify(at: archive.now, setup: mta.setup)
            archive.advance(days: 1)
        }
        // Deadline Thursday 2 April; 4 working days before is Friday 27 March (not Tuesday 31).
        let dueSoon = try docket.outboxMessages().filter { $0.decided.kind == .dueSoon }
        #expect(Set(dueSoon.map(\.day)) == ["2026-03-27"])
        #expect(Set(dueSoon.map(\.decided.recipient)) == ["deputy", "morgan"])
        let toDeputy = try #require(try mta.received().first { $0.contains("deputy@towerhamlets.gov.uk") })
        #expect(toDeputy.contains("on behalf of morgan, by delegation"))
    }

    @Test func severalReasonsAtOnceMakeOneMessage() throws {
        let archive = try Self.archive(startingAt: "2026-03-26T09:00:00Z")
        let mta = try CaptureMTA()
        try Self.awaitingSignOff(archive.docket)
        archive.advance(days: 5)  // the first run is on Tuesday 31 March: waiting, and due soon
        let report = try archive.docket.notify(at: archive.now, setup: mta.setup)
        #expect(report.decided.count == 1)
        #expect(report.decided.first?.messageID.hasPrefix("due-soon_action-needed+") == true)
        let message = try #require(try mta.received().first)
        #expect(message.contains("waits for you"))
        #expect(message.contains("Its deadline is"))
        // Run again the next day: both reasons were covered by that one message.
        archive.advance(days: 1)
        #expect(try archive.docket.notify(at: archive.now, setup: mta.setup).decided.isEmpty)
    }

    @Test func nothingIsDecidedOrSentOnAWeekendOrBankHoliday() throws {
        let archive = try Self.archive(startingAt: "2026-04-03T09:00:00Z")  // Good Friday
        let mta = try CaptureMTA()
        try Self.awaitingSignOff(archive.docket)
        for _ in 0..<4 {  // Friday, Saturday, Sunday, Easter Monday
            let report = try archive.docket.notify(at: archive.now, setup: mta.setup)
            #expect(report.decided.isEmpty)
            #expect(report.quietReason?.contains("not a working day") == true)
            archive.advance(days: 1)
        }
        #expect(try mta.received().isEmpty)
        #expect(try archive.docket.notify(at: archive.now, setup: mta.setup).decided.count == 1, "on Tuesday")
    }

    /// The MTA refusing: reported, retried after the back-off, marked handed over only once
    /// it was accepted; a missing MTA program is a failure too, never a success.
    @Test func aRefusingMTAIsRetriedAndNothingIsMarkedSentThatWasNotAccepted() throws {
        let archive = try Self.archive(startingAt: "2026-03-26T09:00:00Z")
        let mta = try CaptureMTA()
        FileManager.default.createFile(atPath: mta.directory.appendingPathComponent("refuse").path, contents: nil)
        try Self.awaitingSignOff(archive.docket)
        let first = try archive.docket.notify(at: archive.now, setup: mta.setup)
        #expect(first.failed.count == 1)
        #expect(first.failed.first?.reason.contains("relay unavailable") == true)
        #expect(first.failed.first?.willRetry == true)
        // Before the back-off ends, nothing is tried.
        let early = try archive.docket.notify(at: archive.now.addingTimeInterval(60), setup: mta.setup)
        #expect(early.failed.isEmpty && early.handedOver.isEmpty)
        var pending = try #require(try archive.docket.outboxMessages().first)
        #expect(pending.isPending && pending.handedOverAt == nil && pending.attempts == 1)
        // A missing program counts as a failure.
        var missing = mta.setup
        missing.transport = SendmailTransport(path: mta.directory.appendingPathComponent("no-mta").path)
        let absent = try archive.docket.notify(at: archive.now.addingTimeInterval(400), setup: missing)
        #expect(absent.failed.first?.reason.contains("does not exist") == true)
        #expect(try mta.received().isEmpty)
        // The relay is back; after the next back-off the message goes, once.
        try FileManager.default.removeItem(at: mta.directory.appendingPathComponent("refuse"))
        let later = try archive.docket.notify(at: archive.now.addingTimeInterval(3600), setup: mta.setup)
        #expect(later.handedOver.count == 1)
        pending = try #require(try archive.docket.outboxMessages().first)
        #expect(pending.handedOverAt != nil && pending.attempts == 3)
        #expect(try mta.received().count == 1)
    }

    @Test func aSensitiveItemIsNeverDescribed() throws {
        let archive = try Self.archive(startingAt: "2026-03-26T09:00:00Z")
        let mta = try CaptureMTA()
        let docket = archive.docket!
        let title = "Disposal of the Town Hall site"
        let reference = try docket.newSubmission(workflow: "best-value-submission", title: title, as: "olivia")
        try docket.addDocument(
            to: reference, content: Array("confidential terms\n".utf8),
            description: DocumentDescription(
                kind: .submission, title: "Heads of terms", originalFileName: "terms.txt",
                protectiveMarking: "OFFICIAL-SENSITIVE"),
            as: "olivia")
        try docket.addDocument(
            to: reference, content: Array("letter\n".utf8),
            description: DocumentDescription(kind: .coverLetter, title: "Letter", originalFileName: "letter.txt"),
            as: "olivia")
        try docket.fire("submit-for-sign-off", on: reference, as: "olivia")
        try docket.notify(at: archive.now, setup: mta.setup)
        let message = try #require(try mta.received().first)
        #expect(message.contains("An exempt item needs your action"))
        #expect(message.contains("/submissions/\(reference)"))
        for secret in ["Town Hall", "Heads of terms", "Disposal"] {
            #expect(!message.contains(secret), "\(secret) leaked into the mail")
        }
        let decided = try #require(try docket.outboxMessages().first)
        #expect(!decided.decided.subject.contains("Town Hall"), "nor into the outbox's subject")
    }

    /// Someone who chose a digest gets one message a working day, from the digest hour, listing
    /// what waits for them, instead of a message per reason.
    @Test func aDigestPerPersonPerWorkingDay() throws {
        let archive = try Self.archive(startingAt: "2026-03-26T07:00:00Z")  // 07:00 in London: too early
        let mta = try CaptureMTA()
        try archive.docket.changeMail(of: "morgan", notify: .digest)
        let reference = try Self.awaitingSignOff(archive.docket)
        #expect(try archive.docket.notify(at: archive.now, setup: mta.setup).decided.isEmpty)
        var digests: [String] = []
        // 09:00 and 10:00 on Thursday; 07:00 and 08:00 UTC on Friday (in GMT: only the second is
        // digest time); 07:00 UTC Saturday to Tuesday, which is 08:00 in London from Sunday (BST).
        for hour in [2.0, 3.0, 24, 25, 48, 72, 96, 120] {
            let report = try archive.docket.notify(at: archive.now.addingTimeInterval(hour * 3600), setup: mta.setup)
            digests += report.decided.filter { $0.kind == .digest }.map(\.messageID)
            #expect(report.decided.allSatisfy { $0.recipient != "morgan" || $0.kind == .digest })
        }
        // One on each working day: none on the weekend, one only however many runs.
        #expect(
            digests == [
                "digest+2026-03-26+0+morgan@towerhamlets.gov.uk", "digest+2026-03-27+0+morgan@towerhamlets.gov.uk",
                "digest+2026-03-30+0+morgan@towerhamlets.gov.uk", "digest+2026-03-31+0+morgan@towerhamlets.gov.uk",
            ], "\(digests)")
        let received = try mta.received()
        let first = try #require(received.first { $0.contains("digest+2026-03-26") })
        #expect(first.contains(reference))
        #expect(first.contains("Waiting for you:"))
        let tuesday = try #require(received.first { $0.contains("digest+2026-03-31") })
        #expect(tuesday.contains("Due this week:"), "the sign-off is due on Thursday 2 April")
    }

    /// The demo archive as shipped: when olivia submits a new update, the Mayor is written to.
    @Test func theDemoMailsTheMayorWhenOliviaSubmits() throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("docket-demo-\(UUID().uuidString)")
            .path
        defer {
            for file in (try? FileManager.default.subpathsOfDirectory(atPath: path)) ?? [] {
                chmod("\(path)/\(file)", 0o755)
            }
            try? FileManager.default.removeItem(atPath: path)
        }
        _ = try DemoArchive.build(at: path, from: Distribution(root: TemporaryArchive.repositoryRoot.path))
        let now = try Date.ISO8601FormatStyle().parse("2026-12-01T10:00:00Z")  // a Tuesday
        let docket = try DocketArchive(opening: path, clock: { now })
        let mta = try CaptureMTA()
        #expect(try docket.notify(at: now, setup: mta.setup).decided.isEmpty, "nothing old is written about")
        let reference = try Self.awaitingSignOff(docket, title: "Best Value Plan: fifth update")
        let report = try docket.notify(at: now, setup: mta.setup)
        #expect(report.decided.map(\.recipient) == ["morgan"])
        let message = try #require(try mta.received().first)
        #expect(mta.header("To", of: message) == #""Morgan Hale (the Mayor)" <morgan@towerhamlets.example>"#)
        #expect(message.contains(reference))
    }

    @Test func aDryRunDecidesNothingAndWritesNothing() throws {
        let archive = try Self.archive(startingAt: "2026-03-26T09:00:00Z")
        let mta = try CaptureMTA()
        try Self.awaitingSignOff(archive.docket)
        let report = try archive.docket.notify(at: archive.now, setup: mta.setup, dryRun: true)
        #expect(report.decided.count == 1)
        #expect(try archive.docket.outboxMessages().isEmpty)
        #expect(try mta.received().isEmpty)
        #expect(!FileManager.default.fileExists(atPath: "\(archive.path)/mail/outbox"))
    }
}
