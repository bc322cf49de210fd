import Foundation
import Mail
import Testing

/// The address-list reader on headers written out by hand, each for one rule of RFC 5322 §3.4
/// or one kind of damage seen in real mail.
@Suite struct MailboxAddressTests {
    static func list(_ text: String) -> [MailboxAddress] { MailboxAddress.list(from: text) }

    @Test func nameAddrBareAddrSpecAndGroupsAreFlattened() {
        #expect(
            Self.list("\"Smith, John\" <john@example.com>, jane@example.org, Board: a@b, C D <c@d>;, e@f")
                == [
                    MailboxAddress(displayName: "Smith, John", address: "john@example.com"),
                    MailboxAddress(address: "jane@example.org"), MailboxAddress(address: "a@b"),
                    MailboxAddress(displayName: "C D", address: "c@d"), MailboxAddress(address: "e@f"),
                ])
        #expect(Self.list("undisclosed-recipients:;") == [])
        #expect(Self.list("") == [])
        #expect(Self.list(" , ,a@b,,") == [MailboxAddress(address: "a@b")])
    }

    @Test func commentsNestAndAreSkipped() {
        #expect(
            Self.list("John (the (very) man\\)) Smith <js@x> (work), x@y (a, b)")
                == [MailboxAddress(displayName: "John Smith", address: "js@x"), MailboxAddress(address: "x@y")])
    }

    @Test func adjacentEncodedWordsLoseTheSpaceBetweenThem() {
        // RFC 2047 §6.2; Python 3.11's headerregistry keeps it ("Jörg  Müller"), so this is
        // checked here rather than in the corpus.
        let list = Self.list("=?utf-8?B?SsO2cmc=?= =?utf-8?Q?_M=C3=BCller?= <jm@x.de>")
        #expect(list == [MailboxAddress(displayName: "Jörg Müller", address: "jm@x.de")])
    }

    @Test func anEncodedNameHoldingACommaStaysOneMailbox() throws {
        let message = try ParsedMessage(
            bytes: Array("From: =?utf-8?Q?M=C3=BCller=2C_J=C3=B6rg?= <jm@x.de>, b@c\r\n\r\n".utf8))
        // The decoded header value has lost the difference; the raw bytes have not.
        #expect(message.from == "Müller, Jörg <jm@x.de>, b@c")
        #expect(
            message.fromAddresses == [
                MailboxAddress(displayName: "Müller, Jörg", address: "jm@x.de"), MailboxAddress(address: "b@c"),
            ])
        #expect(message.fromAddresses.first?.displayText == "\"Müller, Jörg\" <jm@x.de>")
    }

    @Test func routesQuotingAndLiteralsAreReadAsTheRFCSays() {
        #expect(Self.list("<@relay1,@relay2:a@b.c>") == [MailboxAddress(address: "a@b.c")])
        #expect(Self.list("\"john.doe\"@example.com") == [MailboxAddress(address: "john.doe@example.com")])
        #expect(Self.list("\"john doe\" @ example . com") == [MailboxAddress(address: "\"john doe\"@example.com")])
        #expect(
            Self.list("\"a\\\"b\" <q@[192.0.2.1]>") == [MailboxAddress(displayName: "a\"b", address: "q@[192.0.2.1]")])
        #expect(Self.list("John.Q.Public <jq@x>").first?.displayText == "\"John.Q.Public\" <jq@x>")
        #expect(Self.list("board") == [MailboxAddress(address: "board")])
    }

    @Test func damagedHeadersAreReadAround() {
        // An unclosed quote runs to the end: the text is kept, quoted, rather than lost.
        #expect(Self.list("\"Unclosed <a@b>") == [MailboxAddress(address: "\"Unclosed <a@b>\"")])
        #expect(Self.list("Name <a@b") == [MailboxAddress(displayName: "Name", address: "a@b")])
        #expect(Self.list("a@b>, (unclosed comment c@d") == [MailboxAddress(address: "a@b")])
    }

    @Test func eightBitNamesAndNormalizedAddresses() throws {
        let message = try ParsedMessage(bytes: Array("Cc: Jörg <Jm@Example.DE>\r\nCc: x@y\r\n\r\n".utf8))
        #expect(
            message.ccAddresses == [
                MailboxAddress(displayName: "Jörg", address: "Jm@Example.DE"), MailboxAddress(address: "x@y"),
            ])
        #expect(message.ccAddresses.first?.normalizedAddress == "Jm@example.de")
        #expect(message.toAddresses == [])
    }
}
