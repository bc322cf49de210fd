import Foundation
import Mail
import Testing

/// The reader's pieces on small messages written out by hand, each for one rule of the RFCs.
@Suite struct MessageReadingTests {
    static func read(_ text: String) throws -> ParsedMessage {
        try ParsedMessage(bytes: Array(text.utf8))
    }

    @Test func headersUnfoldAndDecodeAdjacentEncodedWords() throws {
        let message = try Self.read(
            "Subject: =?utf-8?B?R3LDvMOfZQ==?=\r\n =?iso-8859-1?Q?_aus_K=F6ln?= !\r\nFrom: a@b\r\n"
                + "Message-ID: <1@x>\r\nIn-Reply-To: <0@x>\r\nReferences: <a@x>\r\n <0@x>\r\n"
                + "Date: Tue, 1 Dec 2026 18:00:00 +0100 (CET)\r\n\r\nbody")
        #expect(message.subject == "Grüße aus Köln !")
        #expect(message.messageID == "1@x")
        #expect(message.inReplyTo == ["0@x"])
        #expect(message.references == ["a@x", "0@x"])
        #expect(message.date == Date(timeIntervalSince1970: 1_796_144_400))
        #expect(message.plainTextBody == "body")
    }

    @Test func eightBitHeadersAreUTF8OrWindows1252() throws {
        var bytes = Array("Subject: caf\u{E9}\r\nX-Old: ".utf8)
        bytes += [0x93, 0x61, 0x94, 0x80]
        bytes += Array("\r\n\r\n".utf8)
        let message = try ParsedMessage(bytes: bytes)
        #expect(message.subject == "café")
        #expect(message.headers["x-old"] == "“a”€")
    }

    @Test func rfc2231ContinuationsAndCommentsAreRead() throws {
        let message = try Self.read(
            "Content-Type: text/plain (plain text) ; charset=\"iso-8859-15\" (latin 9)\r\n"
                + "Content-Disposition: attachment; filename*0*=iso-8859-15'fr'%A4%20;\r\n"
                + "\tfilename*1=\"and more.txt\"\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\n"
                + "=A4=BC=\r\n=BD ok")
        #expect(message.root.contentType == "text/plain")
        #expect(message.root.charset == "iso-8859-15")
        #expect(message.root.fileName == "€ and more.txt")
        #expect(message.root.text == "€Œœ ok")
        #expect(message.problems.isEmpty)
    }

    @Test func lfOnlyNestedMessagesAreWalkedInOrder() throws {
        let message = try Self.read(
            "Content-Type: multipart/mixed; boundary=\"outer\"\n\npreamble\n--outer \ncontent-type: text/plain\n\n"
                + "hello\n--outer\nContent-Type: message/rfc822\n\nSubject: inner\n"
                + "Content-Type: text/plain; charset=windows-1252\nContent-Transfer-Encoding: base64\n\nk2GU\n"
                + "--outer--\nepilogue\n")
        #expect(message.parts.map(\.contentType) == ["multipart/mixed", "text/plain", "message/rfc822", "text/plain"])
        #expect(message.parts[3].headers["subject"] == "inner")
        #expect(message.parts[3].text == "“a”")
        #expect(message.plainTextBody == "hello")
        #expect(message.problems.isEmpty)
    }
}

extension MessageReadingTests {
    /// The module's own outbound messages read back: what `MailMessage` writes, the reader reads.
    @Test func aMessageDocketSendsReadsBack() throws {
        let sent = MailMessage(
            from: Mailbox(name: "Démocratie, Bureau", address: "clerk@example.org"),
            to: [Mailbox(address: "a@example.org")], subject: "Ordre du jour – séance du 1er décembre",
            messageID: "42@docket.example.org", date: Date(timeIntervalSince1970: 1_796_144_400),
            listID: "notifications.example.org", listName: "Notifications", text: "Bonjour,\nle café est prêt.",
            html: "<p>Bonjour</p>")
        let read = try ParsedMessage(bytes: sent.bytes)
        #expect(read.subject == sent.subject)
        #expect(read.messageID == sent.messageID)
        #expect(read.date == sent.date)
        #expect(read.parts.map(\.contentType) == ["multipart/alternative", "text/plain", "text/html"])
        #expect(read.plainTextBody?.replacingOccurrences(of: "\r\n", with: "\n") == sent.text)
        #expect(read.problems.isEmpty)
    }

    @Test func aQuotedPrintableEnclosedMessageIsReadAfterDecoding() throws {
        let message = try Self.read(
            "Content-Type: message/rfc822\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\n"
                + "Subject: =3D?utf-8?Q?Gr=3DC3=3DBC=3DC3=3D9Fe?=3D\r\nContent-Type: text/plain; charset=3Dutf-8\r\n"
                + "\r\nGr=C3=BC=C3=9Fe, a long line broken by a soft=\r\n line break.\r\n")
        let enclosed = try #require(message.root.children.first)
        #expect(message.parts.map(\.contentType) == ["message/rfc822", "text/plain"])
        #expect(enclosed.headers["Subject"] == "Grüße")
        #expect(enclosed.text == "Grüße, a long line broken by a soft line break.\r\n")
        #expect(message.root.body.isEmpty)
        #expect(message.problems.isEmpty)
    }
}
