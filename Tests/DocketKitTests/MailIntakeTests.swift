import Archive
import DocketKit
import Foundation
import Index
import Mail
import TestSupport
import Testing
import Workflow

/// Email arriving: archived byte for byte before it is read, once however often it is
/// delivered, filed by rule or by an officer outside the pack, and found by search.
@Suite struct MailIntakeTests {
    let archive: TemporaryArchive
    var docket: DocketArchive { archive.docket }

    init() throws {
        archive = try TemporaryArchive()
        try docket.addUser("olivia", roles: [.officer])
        try docket.addUser("mayor", roles: [.mayor])
        try docket.addUser("victor", roles: [.viewer])
    }

    /// A message with a text part and a plain-text attachment (so that its words are indexed).
    static func message(
        subject: String, id: String, to: String = "docket@council.example", inReplyTo: String? = nil,
        body: String = "Please find our response attached.",
        attachment: (name: String, text: String)? = ("response.txt", "The Commissioners welcome the third update.")
    ) -> [UInt8] {
        var lines = [
            "From: \"Best Value Commissioners\" <commissioners@example.gov.uk>", "To: \(to)", "Subject: \(subject)",
            "Message-ID: <\(id)>", "Date: Tue, 20 Sep 2016 23:30:00 +0000", "MIME-Version: 1.0",
        ]
        if let inReplyTo { lines.append("In-Reply-To: <\(inReplyTo)>") }
        lines += ["Content-Type: multipart/mixed; boundary=\"XYZ\"", "", "--XYZ", "Content-Type: text/plain", "", body]
        if let attachment {
            lines += [
                "--XYZ", "Content-Type: text/plain; name=\"\(attachment.name)\"",
                "Content-Disposition: attachment; filename=\"\(attachment.name)\"", "", attachment.text,
            ]
        }
        lines += ["--XYZ--", ""]
        return Array(lines.joined(separator: "\r\n").utf8)
    }

    func xmllint(_ schema: String, _ file: String) throws {
        _ = try ExternalTool.xmllint().runSucceeding(["--noout", "--schema", "\(archive.path)/schema/\(schema)", file])
    }

    /// A submission dispatched to the Secretary of State, waiting for the response.
    func dispatched() throws -> String {
        let reference = try docket.newSubmission(workflow: "best-value-submission", title: "Third update", as: "olivia")
        for (kind, name) in [(DocumentKind.submission, "Third update"), (.coverLetter, "Cover letter")] {
            try docket.addDocument(
                to: reference, content: Array("\(name)\n".utf8),
                description: DocumentDescription(kind: kind, title: name, originalFileName: "\(kind.rawValue).txt"),
                as: "olivia")
        }
        try docket.fire("submit-for-sign-off", on: reference, as: "olivia")
        try docket.fire("sign-off", on: reference, as: "mayor")
        try docket.fire("dispatch", on: reference, as: "olivia", fields: ["dispatched-on": "2016-09-20"])
        return reference
    }

    @Test func aMessageIsArchivedByteForByteAndOnceHoweverOftenItIsDelivered() throws {
        let bytes = Self.message(subject: "A question", id: "q1@example.gov.uk")
        let first = try docket.receiveMessage(bytes, route: .deliver)
        let again = try docket.receiveMessage(bytes, route: .deliver)
        #expect(!first.isDuplicate)
        #expect(again.isDuplicate)
        #expect(first.sha256 == again.sha256)
        let directory = "\(archive.path)/correspondence/messages/\(first.sha256)"
        #expect(try [UInt8](Data(contentsOf: URL(fileURLWithPath: "\(directory)/message.eml"))) == bytes)
        // One arrival in the log, however many deliveries.
        #expect(try FileManager.default.contentsOfDirectory(atPath: "\(archive.path)/correspondence/log").count == 1)
        #expect(first.record.subject == "A question")
        #expect(first.record.messageID == "q1@example.gov.uk")
        #expect(first.record.attachments.map(\.fileName) == ["response.txt"])
        // Readable without Docket: the card and the log entry check with xmllint alone.
        try xmllint("docket-correspondence-1.xsd", "\(directory)/message.xml")
        try xmllint("docket-correspondence-1.xsd", "\(archive.path)/correspondence/log/000001.xml")
        #expect(try docket.verify().filter { $0.severity == .problem }.isEmpty)

        // The same Message-ID with other bytes is a second message, flagged.
        let altered = try docket.receiveMessage(
            Self.message(subject: "A question (resent)", id: "q1@example.gov.uk"), route: .deliver)
        #expect(!altered.isDuplicate)
        #expect(altered.record.flags.map(\.kind) == [.messageIDReused])
    }

    @Test func aMessageNamingASubmissionIsFiledOutsideThePackAndTheSignOffStands() throws {
        let reference = try docket.newSubmission(workflow: "best-value-submission", title: "Third update", as: "olivia")
        for (kind, name) in [(DocumentKind.submission, "Third update"), (.coverLetter, "Cover letter")] {
            try docket.addDocument(
                to: reference, content: Array("\(name)\n".utf8),
                description: DocumentDescription(kind: kind, title: name, originalFileName: "\(kind.rawValue).txt"),
                as: "olivia")
        }
        try docket.fire("submit-for-sign-off", on: reference, as: "olivia")
        try docket.fire("sign-off", on: reference, as: "mayor")
        let signed = try docket.submission(reference).signedPack

        let arrival = try docket.receiveMessage(
            Self.message(subject: "Re: \(reference) draft", id: "r1@example.gov.uk"), route: .deliver)
        #expect(arrival.filedTo == reference)
        #expect(arrival.rule == .subjectReference)

        let view = try docket.submission(reference)
        #expect(view.state == "signed-off")
        #expect(view.signedPack == signed)
        #expect(view.documents.count == 2, "the pack is what the Mayor signed")
        #expect(view.correspondence.map(\.message.sha256) == [arrival.sha256])
        #expect(view.correspondence.first?.attachments.map(\.originalFileName) == ["response.txt"])
        #expect(
            view.correspondence.first?.attachments.first?.relations
                == [Relation(kind: .partOf, target: arrival.sha256)])
        // Dispatch still checks the pack against the sign-off: the email changed nothing in it.
        try docket.fire("dispatch", on: reference, as: "olivia", fields: ["dispatched-on": "2016-09-20"])

        // The filing event and the attachment's metadata are format 4 and check with xmllint.
        let events = "\(archive.path)/submissions/\(reference)/events"
        let filing = try #require(
            try FileManager.default.contentsOfDirectory(atPath: events).sorted().first { name in
                (try? String(contentsOfFile: "\(events)/\(name)", encoding: .utf8))?.contains("correspondence-filed")
                    == true
            })
        try xmllint("docket-archive-4.xsd", "\(events)/\(filing)")
        let part = try #require(view.correspondence.first?.attachments.first)
        try xmllint("docket-archive-4.xsd", "\(archive.path)/submissions/\(reference)/documents/\(part.sha256).xml")
        #expect(try docket.verify().filter { $0.severity == .problem }.isEmpty)

        // Delivered again: no second filing.
        _ = try docket.receiveMessage(
            Self.message(subject: "Re: \(reference) draft", id: "r1@example.gov.uk"), route: .deliver)
        #expect(try docket.submission(reference).correspondence.count == 1)
    }

    @Test func plusAddressesRepliesAndTheUnfiledTray() throws {
        let reference = try dispatched()
        let plus = try docket.receiveMessage(
            Self.message(subject: "Our letter", id: "p1@example.gov.uk", to: "docket+\(reference)@council.example"),
            route: .deliver)
        #expect(plus.filedTo == reference)
        #expect(plus.rule == .plusAddress)
        let reply = try docket.receiveMessage(
            Self.message(subject: "Re: Our letter", id: "p2@example.gov.uk", inReplyTo: "p1@example.gov.uk"),
            route: .deliver)
        #expect(reply.filedTo == reference)
        #expect(reply.rule == .reply)
        let threads = DocketArchive.threads(of: try docket.submission(reference).correspondence)
        #expect(threads.count == 1)
        #expect(threads.first?.map(\.depth) == [0, 1])

        let stray = try docket.receiveMessage(Self.message(subject: "Hello", id: "s1@example.org"), route: .deliver)
        #expect(stray.filedTo == nil)
        #expect(try docket.unfiledMessages(for: "olivia").map(\.sha256) == [stray.sha256])
        #expect(failure { try docket.unfiledMessages(for: "victor") } != nil)
        if case .notPermitted = failure(of: { try docket.fileMessage(stray.sha256, to: reference, as: "victor") }) {
        } else {
            Issue.record("a viewer must not file correspondence")
        }
        try docket.fileMessage(stray.sha256, to: reference, as: "olivia")
        #expect(try docket.unfiledMessages(for: "olivia").isEmpty)
        #expect(try docket.submission(reference).correspondence.last?.rule == .officer)
        // An email is named by its SHA-256, 8 or more of its characters, or its Message-ID.
        #expect(try docket.arrivedMessage(String(plus.sha256.prefix(10)), for: "olivia").card.sha256 == plus.sha256)
        let unknown =
            "\(failure { try docket.arrivedMessage("0123456789abcdef", for: "olivia") }.map { "\($0)" } ?? "")"
        #expect(unknown.contains("no email '0123456789abcdef'") && unknown.contains(String(stray.sha256.prefix(12))))
        let thread = try docket.messageThread("p1@example.gov.uk", for: "olivia")
        #expect(thread.map(\.card.sha256) == [plus.sha256, reply.sha256])
    }

    @Test func theResponseIsRecordedFromTheMailAndTheMessageIsFoundByItsAttachment() throws {
        let reference = try dispatched()
        let arrival = try docket.receiveMessage(
            Self.message(subject: "\(reference): response", id: "resp@example.gov.uk"), route: .deliver)
        let filed = try #require(try docket.submission(reference).correspondence.first)
        let attachment = try #require(filed.attachments.first)
        // Sent late on the 20th (UTC), which is already the 21st in London: not before then.
        #expect(
            failure {
                try docket.recordResponse(
                    fromMessage: arrival.sha256, attachment: attachment.sha256, in: reference, as: "olivia")
            } != nil)
        #expect(try docket.submission(reference).documents.count == 2, "a refusal changes nothing")
        archive.advance(days: 1)
        let fired = try docket.recordResponse(
            fromMessage: arrival.sha256, attachment: attachment.sha256, in: reference, as: "olivia")
        #expect(fired.state == "response-received")
        let view = try docket.submission(reference)
        #expect(view.documents.contains { $0.kind == .response && $0.sha256 == attachment.sha256 })
        // 23:30 UTC on 20th September is the 21st in London (BST).
        guard case .transition(let transition) = fired.event.body else { throw Failure("not a transition") }
        #expect(transition.fields["received-on"] == "2016-09-21")
        #expect(try docket.verify().filter { $0.severity == .problem }.isEmpty)

        // A phrase from the attachment finds it; the message is found by its own words and sender.
        let byPhrase = try docket.search(SearchRequest(query: try SearchQuery("\"welcome the third update\"")))
        #expect(byPhrase.hits.contains { $0.sha256 == attachment.sha256 })
        let byBody = try docket.search(
            SearchRequest(query: try SearchQuery("\"find our response\""), kinds: ["correspondence"]))
        #expect(byBody.hits.map(\.sha256) == [arrival.sha256])
        let byParty = try docket.search(SearchRequest(kinds: ["correspondence"], party: "Commissioners"))
        #expect(byParty.hits.contains { $0.sha256 == arrival.sha256 })
    }

    @Test func aMessageDocketCannotReadIsStillArchivedFlagged() throws {
        let tight = try DocketArchive(
            opening: archive.path, clock: { Date(timeIntervalSince1970: 1_474_362_000) },
            messageLimits: MessageLimits(maximumDepth: 2))
        var nested = "Subject: deep\r\nMIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=a\r\n\r\n"
        nested += "--a\r\nContent-Type: multipart/mixed; boundary=b\r\n\r\n--b\r\nContent-Type: multipart/mixed; "
        nested += "boundary=c\r\n\r\n--c\r\nContent-Type: text/plain\r\n\r\nx\r\n--c--\r\n--b--\r\n--a--\r\n"
        let bytes = Array(nested.utf8) + [0, 0xFF, 0xFE]
        let arrival = try tight.receiveMessage(bytes, route: .import, source: "deep.eml")
        #expect(arrival.record.flags.map(\.kind) == [.unparsed])
        #expect(
            try [UInt8](
                Data(
                    contentsOf: URL(
                        fileURLWithPath: "\(archive.path)/correspondence/messages/\(arrival.sha256)/message.eml")))
                == bytes)
        #expect(try docket.verify().filter { $0.severity == .problem }.isEmpty)
    }

    @Test func hostileHeadersAndFileNamesStayInsideTheArchive() throws {
        var text =
            "From: a\u{1}b <x@example.org>\r\nSubject: bad\u{0}name\r\nMessage-ID: <h1@x>\r\nMIME-Version: 1.0\r\n"
        text += "Content-Type: multipart/mixed; boundary=Q\r\n\r\n--Q\r\nContent-Type: application/octet-stream\r\n"
        text += "Content-Disposition: attachment; filename=\"../../etc/passwd\"\r\n\r\nroot:x:0:0\r\n--Q--\r\n"
        let arrival = try docket.receiveMessage(Array(text.utf8), route: .deliver)
        let attachment = try #require(arrival.record.attachments.first)
        #expect(attachment.fileName == "passwd")
        #expect(attachment.storedAs.hasPrefix(attachment.sha256 + "."))
        let directory = "\(archive.path)/correspondence/messages/\(arrival.sha256)"
        #expect(FileManager.default.fileExists(atPath: "\(directory)/\(attachment.storedAs)"))
        // The control characters became U+FFFD: the card is valid XML, checked by xmllint.
        try xmllint("docket-correspondence-1.xsd", "\(directory)/message.xml")
        let card = try docket.arrivedMessage(arrival.sha256, for: "olivia").card
        #expect(card.subject == "bad\u{FFFD}name")
        #expect(card.from == ["a\u{FFFD}b <x@example.org>"])
    }

    @Test func aDeliveryKilledAtAnyStepIsCompletedByTheNextOne() throws {
        let bytes = Self.message(subject: "Interrupted", id: "i1@example.gov.uk")
        let sha = ArchiveStore.sha256(bytes)
        let directory = "\(archive.path)/correspondence/messages/\(sha)"
        // Killed after the bytes were stored, before the card and the log entry.
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        try Data(bytes).write(to: URL(fileURLWithPath: "\(directory)/message.eml"))
        #expect(try docket.verify().contains { $0.severity == .note && $0.path.contains(sha) })
        let first = try docket.receiveMessage(bytes, route: .deliver)
        #expect(!first.isDuplicate, "the retry archives it: the first try never counted")
        // Killed between the log entry and the marker: the next delivery repairs the marker and
        // sees the duplicate.
        try FileManager.default.removeItem(atPath: "\(directory)/arrived")
        let other = try docket.receiveMessage(Self.message(subject: "Next", id: "i2@example.gov.uk"), route: .deliver)
        #expect(!other.isDuplicate)
        #expect(try docket.receiveMessage(bytes, route: .deliver).isDuplicate)
        #expect(try FileManager.default.contentsOfDirectory(atPath: "\(archive.path)/correspondence/log").count == 2)
        #expect(try docket.verify().filter { $0.severity == .problem }.isEmpty)
    }

    @Test func tamperingWithArrivedMailIsFoundByVerify() throws {
        let arrival = try docket.receiveMessage(Self.message(subject: "x", id: "t1@x"), route: .deliver)
        let path = "\(archive.path)/correspondence/messages/\(arrival.sha256)/message.eml"
        chmod(path, 0o644)
        var bytes = try [UInt8](Data(contentsOf: URL(fileURLWithPath: path)))
        bytes[0] ^= 1
        try Data(bytes).write(to: URL(fileURLWithPath: path))
        #expect(try docket.verify().contains { $0.severity == .problem && $0.path.contains(arrival.sha256) })
    }
}

private struct Failure: Error {
    var message: String
    init(_ message: String) { self.message = message }
}

/// Replies to what Docket itself sent, and Outlook files, on the intake path.
@Suite struct MailIntakeRepliesTests {
    /// The Mayor answers the "waiting for you" message Docket sent about a submission: the
    /// reply is filed to that submission by the outbox's record of what the message was about.
    @Test func aReplyToAMessageDocketSentIsFiledToItsSubmission() throws {
        let archive = try NotifyTests.archive(startingAt: "2026-03-26T09:00:00Z")
        let docket = archive.docket!
        let mta = try NotifyTests.CaptureMTA()
        let reference = try NotifyTests.awaitingSignOff(docket)
        try docket.notify(at: archive.now, setup: mta.setup)
        let sent = try #require(try mta.received().first)
        let sentID = try #require(mta.header("Message-ID", of: sent)).trimmingCharacters(
            in: CharacterSet(charactersIn: "<>"))
        let reply =
            "From: John Biggs <mayor@towerhamlets.gov.uk>\r\nTo: docket@towerhamlets.gov.uk\r\n"
            + "Subject: Re: waiting for you\r\nMessage-ID: <mayor-reply@towerhamlets.gov.uk>\r\n"
            + "In-Reply-To: <\(sentID)>\r\nDate: Thu, 26 Mar 2026 09:30:00 +0000\r\n\r\nI will sign it today.\r\n"
        let arrival = try docket.receiveMessage(Array(reply.utf8), route: .deliver)
        #expect(arrival.filedTo == reference)
        #expect(arrival.rule == .reply)
        // A forged In-Reply-To naming no message Docket sent files nothing.
        let forged = reply.replacingOccurrences(of: sentID, with: "action-needed+\(reference)+x+y@elsewhere")
            .replacingOccurrences(of: "mayor-reply@", with: "forged@")
        #expect(try docket.receiveMessage(Array(forged.utf8), route: .deliver).filedTo == nil)
    }

    /// An Outlook .msg upload is converted with msgconvert and kept beside what it became.
    @Test func anOutlookMessageIsConvertedAndKept() throws {
        guard OutlookMessage.converterAvailable else {
            Issue.record("msgconvert is not installed: scripts/test installs libemail-outlook-message-perl")
            return
        }
        let archive = try TemporaryArchive()
        let docket = archive.docket!
        try docket.addUser("olivia", roles: [.officer])
        let sample = TemporaryArchive.repositoryRoot.appendingPathComponent(
            "Tests/MailTests/Fixtures/outlook/attachment_test_msg.msg")
        let bytes = try [UInt8](Data(contentsOf: sample))
        let arrival = try docket.receiveUploadedMessage(
            bytes, fileName: "attachment_test_msg.msg", submission: nil, as: "olivia")
        #expect(arrival.record.flags.map(\.kind) == [.converted])
        #expect(arrival.record.subject == "test pièce jointe 1")
        let original = try #require(arrival.record.attachments.first)
        #expect(original.part == "0")
        #expect(original.sha256 == ArchiveStore.sha256(bytes), "the .msg as it came")
        #expect(Set(arrival.record.attachments.dropFirst().map(\.fileName)) == ["test-unicode.doc", "pj1.txt"])
        #expect(try docket.verify().filter { $0.severity == .problem }.isEmpty)
    }
}

/// Hostile mail through the whole intake: archived as it came, contained, never dropped.
@Suite struct HostileMailIntakeTests {
    /// A DOCX whose document.xml inflates to 100 MB of zeros, made by Python's zipfile.
    static func zipBomb() throws -> [UInt8] {
        let script = """
            import io, sys, zipfile
            buffer = io.BytesIO()
            with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as package:
                package.writestr("[Content_Types].xml", "<Types/>")
                package.writestr("word/document.xml", b"\\0" * 100_000_000)
            open(sys.argv[1], "wb").write(buffer.getvalue())
            """
        let python = try ExternalTool.locate("python3", package: "python3")
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent(
            "docket-bomb-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let output = directory.appendingPathComponent("bomb.docx").path
        _ = try python.runSucceeding(["-c", script, output])
        return try [UInt8](Data(contentsOf: URL(fileURLWithPath: output)))
    }

    @Test func aZipBombPosingAsDOCXIsArchivedButNeverInflated() throws {
        let archive = try TemporaryArchive()
        let docket = archive.docket!
        try docket.addUser("olivia", roles: [.officer])
        let reference = try docket.newSubmission(workflow: "best-value-submission", title: "Update", as: "olivia")
        let bomb = try Self.zipBomb()
        #expect(bomb.count < 1_000_000)
        let base64 = Data(bomb).base64EncodedString(options: .lineLength76Characters)
        let text =
            "From: x@example.org\r\nSubject: \(reference) the report\r\nMessage-ID: <bomb@x>\r\nMIME-Version: 1.0\r\n"
            + "Content-Type: multipart/mixed; boundary=B\r\n\r\n--B\r\nContent-Type: text/plain\r\n\r\nSee attached.\r\n"
            + "--B\r\nContent-Type: application/vnd.openxmlformats-officedocument.wordprocessingml.document\r\n"
            + "Content-Disposition: attachment; filename=\"report.docx\"\r\nContent-Transfer-Encoding: base64\r\n\r\n"
            + base64 + "\r\n--B--\r\n"
        var usage = rusage()
        getrusage(__rusage_who_t(RUSAGE_SELF.rawValue), &usage)
        let peakBefore = usage.ru_maxrss
        let arrival = try docket.receiveMessage(Array(text.utf8), route: .deliver)
        #expect(arrival.filedTo == reference)
        let attachment = try #require(arrival.record.attachments.first)
        #expect(attachment.size == bomb.count, "stored as it came, not inflated")
        // Indexing the filed attachment stops at the extractor's limit, with the reason kept.
        _ = try docket.syncIndex()
        getrusage(__rusage_who_t(RUSAGE_SELF.rawValue), &usage)
        #expect((usage.ru_maxrss - peakBefore) * 1024 < 200_000_000, "memory stays bounded")
        let notes = try docket.verify().filter { $0.path.contains(attachment.sha256) }
        #expect(notes.contains { $0.message.contains("text not extracted") })
        #expect(try docket.verify().filter { $0.severity == .problem }.isEmpty)
    }

    @Test func tenThousandLevelsOfNestingAreArchivedFlagged() throws {
        let archive = try TemporaryArchive()
        var text = "Subject: deep\r\nMIME-Version: 1.0\r\n"
        for level in 0..<10_000 {
            text += "Content-Type: multipart/mixed; boundary=b\(level)\r\n\r\n--b\(level)\r\n"
        }
        text += "Content-Type: text/plain\r\n\r\nbottom\r\n"
        let bytes = Array(text.utf8)
        let arrival = try archive.docket.receiveMessage(bytes, route: .deliver)
        #expect(arrival.record.flags.first?.kind == .unparsed)
        #expect(arrival.record.flags.first?.detail.contains("nest") == true)
        let stored = "\(archive.path)/correspondence/messages/\(arrival.sha256)/message.eml"
        #expect(try [UInt8](Data(contentsOf: URL(fileURLWithPath: stored))) == bytes)
    }
}
