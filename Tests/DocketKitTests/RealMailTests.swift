import Archive
import DocketKit
import Foundation
import Glibc
import Mail
import TestSupport
import Testing
import Workflow

/// Docket's mail through real parts: `msmtp` (the MTA's sendmail interface, configured as a
/// council would, minus TLS) relaying to an SMTP server on loopback (`aiosmtpd`, storing what
/// it receives in a maildir), every message parsed back by Python's `email` package.
@Suite(.serialized) struct RealMailTests {
    /// An SMTP server on a free loopback port, writing each message it accepts into a maildir.
    final class SMTPSink {
        let directory: URL
        let port: Int
        private let server: ChildProcess

        init() throws {
            directory = FileManager.default.temporaryDirectory.appendingPathComponent(
                "docket-smtp-\(UUID().uuidString)")
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
            port = try Self.freePort()
            let python = try ExternalTool.locate("python3", package: "python3-aiosmtpd") { tool in
                (try? tool.run(["-c", "import aiosmtpd"], timeout: 30))?.status == 0
            }
            server = try ChildProcess(
                python.path,
                [
                    "-m", "aiosmtpd", "-n", "-l", "127.0.0.1:\(port)", "-c", "aiosmtpd.handlers.Mailbox",
                    directory.appendingPathComponent("maildir").path,
                ])
            // Bounded wait for the port to answer.
            for _ in 0..<100 where !Self.accepts(port) { Thread.sleep(forTimeInterval: 0.1) }
            guard Self.accepts(port) else {
                server.send(SIGKILL)
                throw ExternalToolError(description: "aiosmtpd did not listen on 127.0.0.1:\(port) within 10 s")
            }
        }

        deinit {
            server.send(SIGTERM)
            _ = try? server.wait(timeout: 10)
            try? FileManager.default.removeItem(at: directory)
        }

        /// An msmtp configuration relaying to this server (mode 0600, as msmtp requires).
        func msmtpConfiguration() throws -> String {
            let path = directory.appendingPathComponent("msmtprc").path
            let text = """
                defaults
                auth off
                tls off
                logfile \(directory.appendingPathComponent("msmtp.log").path)
                account relay
                host 127.0.0.1
                port \(port)
                from docket@towerhamlets.gov.uk
                account default : relay
                """
            try Data(text.utf8).write(to: URL(fileURLWithPath: path))
            chmod(path, 0o600)
            return path
        }

        /// The files of the messages received so far.
        func received() -> [URL] {
            let new = directory.appendingPathComponent("maildir/new")
            return ((try? FileManager.default.contentsOfDirectory(atPath: new.path)) ?? []).sorted().map {
                new.appendingPathComponent($0)
            }
        }

        static func freePort() throws -> Int {
            let socket = Glibc.socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
            defer { close(socket) }
            var address = sockaddr_in()
            address.sin_family = sa_family_t(AF_INET)
            address.sin_addr.s_addr = inet_addr("127.0.0.1")
            address.sin_port = 0
            var length = socklen_t(MemoryLayout<sockaddr_in>.size)
            let bound = withUnsafeMutablePointer(to: &address) { pointer in
                pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                    bind(socket, $0, length) == 0 && getsockname(socket, $0, &length) == 0
                }
            }
            guard bound else { throw ExternalToolError(description: "no free loopback port") }
            return Int(UInt16(bigEndian: address.sin_port))
        }

        static func accepts(_ port: Int) -> Bool {
            let socket = Glibc.socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
            defer { close(socket) }
            var address = sockaddr_in()
            address.sin_family = sa_family_t(AF_INET)
            address.sin_addr.s_addr = inet_addr("127.0.0.1")
            address.sin_port = UInt16(port).bigEndian
            return withUnsafePointer(to: &address) { pointer in
                pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                    connect(socket, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) == 0
                }
            }
        }
    }

    static let reader = """
        import json, sys
        from email import policy
        from email.parser import BytesParser
        out = []
        for path in sys.argv[1:]:
            message = BytesParser(policy=policy.default).parse(open(path, 'rb'))
            defects = [str(d) for d in message.defects]
            parts = {}
            for part in message.walk():
                defects += [str(d) for d in part.defects]
                if not part.is_multipart():
                    parts[part.get_content_type()] = part.get_content()
            out.append({'defects': defects, 'to': str(message['To']), 'subject': str(message['Subject']),
                        'message_id': str(message['Message-ID']), 'date': str(message['Date']),
                        'auto_submitted': str(message['Auto-Submitted']), 'list_id': str(message['List-Id']),
                        'from': str(message['From']), 'parts': parts})
        print(json.dumps(out))
        """

    @Test func theMayorsMailGoesThroughMsmtpToAnSMTPServerIntact() throws {
        let sink = try SMTPSink()
        let msmtp = try ExternalTool.locate("msmtp", package: "msmtp")
        let archive = try NotifyTests.archive(startingAt: "2026-03-26T09:00:00Z")
        try archive.docket.changeMail(of: "morgan", email: "mayor@towerhamlets.gov.uk")
        try archive.docket.addUser("siobhan", roles: [.mayor], fullName: "Siân Ó Briain", email: "siobhan@th.gov.uk")
        let reference = try NotifyTests.awaitingSignOff(archive.docket, title: "Best Value Plan: “fourth” update")
        let setup = MailSetup(
            from: Mailbox(name: "Docket", address: "docket@towerhamlets.gov.uk"),
            baseURL: "https://docket.towerhamlets.gov.uk",
            transport: SendmailTransport(
                path: msmtp.path, arguments: ["-C", try sink.msmtpConfiguration(), "-i", "-t"]))
        let report = try archive.docket.notify(at: archive.now, setup: setup)
        #expect(report.failed.isEmpty, "\(report.failed)")
        #expect(report.handedOver.count == 2)
        let files = sink.received()
        try #require(files.count == 2, "the SMTP server received \(files.count) messages")
        let python = try ExternalTool.locate("python3", package: "python3")
        let output = try python.runSucceeding(["-c", Self.reader] + files.map(\.path), timeout: 30)
        let messages = try #require(
            try JSONSerialization.jsonObject(with: Data(output.standardOutput.utf8)) as? [[String: Any]])
        let byRecipient = Dictionary(uniqueKeysWithValues: messages.map { ($0["to"] as? String ?? "", $0) })
        let siobhan = try #require(byRecipient["Siân Ó Briain <siobhan@th.gov.uk>"], "\(byRecipient.keys)")
        let mayor = try #require(byRecipient["John Biggs <mayor@towerhamlets.gov.uk>"])
        for message in [siobhan, mayor] {
            #expect(message["defects"] as? [String] == [])
            #expect(message["subject"] as? String == "Waiting for you: \(reference) Best Value Plan: “fourth” update")
            #expect(message["auto_submitted"] as? String == "auto-generated")
            #expect((message["list_id"] as? String)?.contains("<notifications.towerhamlets.gov.uk>") == true)
            #expect((message["message_id"] as? String)?.hasPrefix("<action-needed+\(reference)+") == true)
            #expect(message["date"] as? String == "Thu, 26 Mar 2026 09:00:00 +0000")
            let parts = try #require(message["parts"] as? [String: String])
            let link = "https://docket.towerhamlets.gov.uk/submissions/\(reference)"
            #expect(parts["text/plain"]?.contains(link) == true)
            #expect(parts["text/html"]?.contains("href=\"\(link)\"") == true)
        }
        #expect((siobhan["parts"] as? [String: String])?["text/plain"]?.contains("Dear Siân Ó Briain,") == true)
        // Run again: nothing new reaches the server.
        try archive.docket.notify(at: archive.now, setup: setup)
        #expect(sink.received().count == 2)
    }

    /// The whole calendar across Easter 2026 through the real parts: each working day's pass
    /// hands its messages to msmtp, which relays them to the SMTP server; exactly the four
    /// messages of the deadline arrive, each once, none dated on a weekend or bank holiday.
    @Test func theEasterCalendarArrivesThroughARealMTA() throws {
        let sink = try SMTPSink()
        let msmtp = try ExternalTool.locate("msmtp", package: "msmtp")
        let archive = try NotifyTests.archive(startingAt: "2026-03-26T09:00:00Z")
        let reference = try NotifyTests.awaitingSignOff(archive.docket)
        let setup = MailSetup(
            from: Mailbox(name: "Docket", address: "docket@towerhamlets.gov.uk"),
            baseURL: "https://docket.towerhamlets.gov.uk",
            transport: SendmailTransport(
                path: msmtp.path, arguments: ["-C", try sink.msmtpConfiguration(), "-i", "-t"]))
        for _ in 0..<20 {
            let report = try archive.docket.notify(at: archive.now, setup: setup)
            #expect(report.failed.isEmpty, "\(report.failed)")
            try archive.docket.notify(at: archive.now, setup: setup)  // a second run sends nothing
            archive.advance(days: 1)
        }
        let files = sink.received()
        try #require(files.count == 4, "the SMTP server received \(files.count) messages")
        let python = try ExternalTool.locate("python3", package: "python3")
        let output = try python.runSucceeding(["-c", Self.reader] + files.map(\.path), timeout: 30)
        let messages = try #require(
            try JSONSerialization.jsonObject(with: Data(output.standardOutput.utf8)) as? [[String: Any]])
        let dates = Set(messages.compactMap { $0["date"] as? String })
        #expect(
            dates == [
                "Thu, 26 Mar 2026 09:00:00 +0000", "Tue, 31 Mar 2026 09:00:00 +0000", "Tue, 07 Apr 2026 09:00:00 +0000",
                "Thu, 09 Apr 2026 09:00:00 +0000",
            ])
        for message in messages {
            #expect(message["defects"] as? [String] == [])
            #expect((message["subject"] as? String)?.contains(reference) == true)
        }
        #expect(
            Set(messages.compactMap { $0["to"] as? String })
                == ["John Biggs <mayor@towerhamlets.gov.uk>", "governance@towerhamlets.gov.uk"])
    }

    /// msmtp refusing (the relay down) is recorded as a failure with msmtp's own words, and
    /// nothing is marked handed over.
    @Test func msmtpWithNoServerIsAFailureThatWillBeRetried() throws {
        let sink = try SMTPSink()
        let configuration = try sink.msmtpConfiguration()
        let msmtp = try ExternalTool.locate("msmtp", package: "msmtp")
        let archive = try NotifyTests.archive(startingAt: "2026-03-26T09:00:00Z")
        try NotifyTests.awaitingSignOff(archive.docket)
        // Point msmtp at a port nobody listens on.
        let closed = try SMTPSink.freePort()
        let text = try String(contentsOfFile: configuration, encoding: .utf8)
            .replacingOccurrences(of: "port \(sink.port)", with: "port \(closed)")
        try Data(text.utf8).write(to: URL(fileURLWithPath: configuration))
        let setup = MailSetup(
            from: Mailbox(address: "docket@towerhamlets.gov.uk"), baseURL: "https://docket.towerhamlets.gov.uk",
            transport: SendmailTransport(path: msmtp.path, arguments: ["-C", configuration, "-i", "-t"]))
        let report = try archive.docket.notify(at: archive.now, setup: setup)
        #expect(report.handedOver.isEmpty)
        #expect(report.failed.count == 1)
        #expect(report.failed.first?.reason.contains("msmtp") == true, "\(report.failed)")
        #expect(try archive.docket.outboxMessages().allSatisfy { $0.handedOverAt == nil && $0.isPending })
    }
}
