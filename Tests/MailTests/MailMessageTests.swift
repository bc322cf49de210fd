import Foundation
import Mail
import TestSupport
import Testing

/// Messages are checked by an independent reader: Python's `email` package with
/// `policy.default`, which reports every defect it finds.
@Suite struct MailMessageTests {
    static let pythonReader = """
        import json, sys
        from email import policy
        from email.parser import BytesParser
        message = BytesParser(policy=policy.default).parse(open(sys.argv[1], 'rb'))
        parts = {}
        defects = [str(d) for d in message.defects]
        for part in message.walk():
            defects += [str(d) for d in part.defects]
            if not part.is_multipart():
                parts[part.get_content_type()] = part.get_content()
        lines = open(sys.argv[1], 'rb').read().split(b'\\r\\n')
        print(json.dumps({
            'defects': defects,
            'from': str(message['From']), 'to': str(message['To']), 'subject': str(message['Subject']),
            'message_id': str(message['Message-ID']), 'date': str(message['Date']),
            'auto_submitted': str(message['Auto-Submitted']), 'list_id': str(message['List-Id']),
            'content_type': message.get_content_type(), 'parts': parts,
            'longest_line': max(len(line) for line in lines),
            'eight_bit': any(byte > 127 for byte in open(sys.argv[1], 'rb').read()),
            'bare_lf': b'\\n' in open(sys.argv[1], 'rb').read().replace(b'\\r\\n', b''),
        }))
        """

    static func read(_ message: MailMessage) throws -> [String: Any] {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("docket-mail-\(UUID().uuidString).eml")
        try Data(message.bytes).write(to: file)
        defer { try? FileManager.default.removeItem(at: file) }
        let python = try ExternalTool.locate("python3", package: "python3")
        let output = try python.runSucceeding(["-c", pythonReader, file.path], timeout: 30)
        return try #require(try JSONSerialization.jsonObject(with: Data(output.standardOutput.utf8)) as? [String: Any])
    }

    static func sample(text: String = "Plain text.", subject: String = "Awaiting your sign-off: BVP-2016-02")
        -> MailMessage
    {
        MailMessage(
            from: Mailbox(name: "Docket (Tower Hamlets)", address: "docket@towerhamlets.gov.uk"),
            to: [Mailbox(name: "Siân O’Brien-Çelik", address: "sian@towerhamlets.gov.uk")],
            subject: subject, messageID: "action.BVP-2016-02.4@docket.towerhamlets.gov.uk",
            date: Date(timeIntervalSince1970: 1_474_362_000), listID: "notifications.docket.towerhamlets.gov.uk",
            listName: "Docket notifications", text: text, html: "<p>\(text)</p>")
    }

    @Test func aReaderFindsNoDefectsAndEveryHeaderItNeeds() throws {
        let read = try Self.read(Self.sample())
        #expect(read["defects"] as? [String] == [])
        #expect(read["from"] as? String == "\"Docket (Tower Hamlets)\" <docket@towerhamlets.gov.uk>")
        #expect(read["to"] as? String == "Siân O’Brien-Çelik <sian@towerhamlets.gov.uk>", "RFC 2047 decoded back")
        #expect(read["subject"] as? String == "Awaiting your sign-off: BVP-2016-02")
        #expect(read["message_id"] as? String == "<action.BVP-2016-02.4@docket.towerhamlets.gov.uk>")
        #expect(read["date"] as? String == "Tue, 20 Sep 2016 09:00:00 +0000")
        #expect(read["auto_submitted"] as? String == "auto-generated")
        #expect(read["list_id"] as? String == "Docket notifications <notifications.docket.towerhamlets.gov.uk>")
        #expect(read["content_type"] as? String == "multipart/alternative")
        let parts = try #require(read["parts"] as? [String: String])
        #expect(parts["text/plain"] == "Plain text.")
        #expect(parts["text/html"] == "<p>Plain text.</p>")
        #expect(read["eight_bit"] as? Bool == false, "7-bit clean: any relay takes it")
        #expect(read["bare_lf"] as? Bool == false, "CRLF line ends only")
    }

    @Test func longAndForeignTextSurvivesEncodingAndStaysWithinLineLimits() throws {
        let text =
            "Commissioners’ reply — “overdue” since 20 September 2016. "
            + String(repeating: "A long line of words without any break at all ", count: 8)
            + "\nSecond paragraph ends with spaces   \n\nΕλληνικά, 日本語, emoji 🏛️."
        let subject = "Réponse en retard : « Best Value Plan » — " + String(repeating: "très long sujet ", count: 6)
        let read = try Self.read(Self.sample(text: text, subject: subject))
        #expect(read["defects"] as? [String] == [])
        #expect(read["subject"] as? String == subject)
        let parts = try #require(read["parts"] as? [String: String])
        #expect(parts["text/plain"] == text)
        #expect((read["longest_line"] as? Int ?? 999) <= 78, "no physical line over 78 characters")
        #expect(read["eight_bit"] as? Bool == false)
    }

    @Test func aHeaderCannotBeInjectedThroughANameOrSubject() throws {
        var message = Self.sample(subject: "Hello\r\nBcc: everyone@example.org")
        message.to = [Mailbox(name: "Eve\r\nBcc: all@example.org", address: "eve@example.org")]
        let bytes = String(decoding: message.bytes, as: UTF8.self)
        #expect(!bytes.contains("\r\nBcc:"))
        let read = try Self.read(message)
        #expect(read["defects"] as? [String] == [])
        #expect((read["subject"] as? String)?.contains("Bcc: everyone") == true, "kept as text of the subject")
    }

    @Test func theSameDecisionBuildsTheSameBytes() {
        #expect(Self.sample().bytes == Self.sample().bytes)
        var other = Self.sample()
        other.messageID = "due.BVP-2016-02.2016-09-27@docket.towerhamlets.gov.uk"
        #expect(Self.sample().bytes != other.bytes)
    }
}
