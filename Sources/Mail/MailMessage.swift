import Foundation

/// A mailbox: an address and, if known, the person's name.
public struct Mailbox: Sendable, Hashable {
    /// The display name (any Unicode; encoded per RFC 2047 when it is not plain ASCII).
    public var name: String?
    /// A plain `local@domain` address (callers check it: DocketKit's `EmailAddress`).
    public var address: String

    public init(name: String? = nil, address: String) {
        self.name = name
        self.address = address
    }

    /// The mailbox as a header writes it: `Name <address>`, `"Name, Jr." <address>`,
    /// `=?UTF-8?B?…?= <address>`, or the bare address.
    var headerForm: String {
        guard let name, !name.isEmpty else { return address }
        return "\(HeaderText.phrase(name)) <\(address)>"
    }
}

/// One message, built to RFC 5322 and MIME (RFCs 2045–2047): a `multipart/alternative` of
/// plain text and HTML, both UTF-8 in quoted-printable, with the headers a mail robot should
/// send (`Auto-Submitted`, `List-Id`, a stable `Message-ID`).
///
/// The bytes depend only on the fields: the same decision rendered again is the same message,
/// so a message handed over twice after a crash is recognisably one.
public struct MailMessage: Sendable, Hashable {
    public var from: Mailbox
    public var to: [Mailbox]
    public var subject: String
    /// Without angle brackets: `id-left@id-right`.
    public var messageID: String
    public var date: Date
    /// `List-Id`'s identifier, e.g. `notifications.docket.example.gov.uk`, and its phrase.
    public var listID: String
    public var listName: String
    public var text: String
    public var html: String

    public init(
        from: Mailbox, to: [Mailbox], subject: String, messageID: String, date: Date, listID: String,
        listName: String, text: String, html: String
    ) {
        self.from = from
        self.to = to
        self.subject = subject
        self.messageID = messageID
        self.date = date
        self.listID = listID
        self.listName = listName
        self.text = text
        self.html = html
    }

    /// The message as it is handed to the mail transfer agent: CRLF line ends, 7-bit clean.
    public var bytes: [UInt8] {
        let boundary = "=_docket_" + String(Self.stableHash(messageID), radix: 36)
        var lines: [String] = []
        func header(_ name: String, _ value: String) {
            lines.append(HeaderText.folded("\(name): \(value)"))
        }
        header("From", from.headerForm)
        header("To", to.map(\.headerForm).joined(separator: ", "))
        header("Subject", HeaderText.unstructured(subject))
        header("Date", Self.rfc5322Date(date))
        header("Message-ID", "<\(messageID)>")
        header("MIME-Version", "1.0")
        header("Auto-Submitted", "auto-generated")
        header("X-Auto-Response-Suppress", "All")
        header("List-Id", "\(HeaderText.phrase(listName)) <\(listID)>")
        header("Content-Type", "multipart/alternative; boundary=\"\(boundary)\"")
        lines.append("")
        lines.append("This is a message in MIME format: plain text and HTML.")
        for (type, body) in [("text/plain", text), ("text/html", html)] {
            lines.append("--\(boundary)")
            lines.append("Content-Type: \(type); charset=utf-8")
            lines.append("Content-Transfer-Encoding: quoted-printable")
            lines.append("")
            lines.append(QuotedPrintable.encode(body))
        }
        lines.append("--\(boundary)--")
        lines.append("")
        return Array(lines.joined(separator: "\r\n").utf8)
    }

    /// `Tue, 01 Dec 2026 13:59:32 +0000` (RFC 5322 §3.3), in UTC: no zone database involved.
    public static func rfc5322Date(_ date: Date) -> String {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        let parts = calendar.dateComponents([.year, .month, .day, .hour, .minute, .second, .weekday], from: date)
        let days = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"]
        let months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
        func two(_ value: Int?) -> String { String(format: "%02d", value ?? 0) }
        return "\(days[(parts.weekday ?? 1) - 1]), \(two(parts.day)) \(months[(parts.month ?? 1) - 1]) "
            + "\(parts.year ?? 1970) \(two(parts.hour)):\(two(parts.minute)):\(two(parts.second)) +0000"
    }

    /// FNV-1a over the UTF-8 bytes: a boundary that is the same each time the message is built.
    static func stableHash(_ text: String) -> UInt64 {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in text.utf8 {
            hash ^= UInt64(byte)
            hash = hash &* 0x100_0000_01b3
        }
        return hash
    }
}

/// Header text as RFC 5322 and RFC 2047 want it.
enum HeaderText {
    /// A display name: as it is if it is plain ASCII without specials, quoted if it has
    /// specials, an encoded word if it is not ASCII.
    static func phrase(_ text: String) -> String {
        let clean = text.replacingOccurrences(of: "\r", with: " ").replacingOccurrences(of: "\n", with: " ")
        guard clean.unicodeScalars.allSatisfy({ $0.isASCII && $0.value >= 32 && $0.value < 127 }) else {
            return encodedWords(clean)
        }
        let specials = "()<>[]:;@\\,.\""
        guard clean.contains(where: { specials.contains($0) }) else { return clean }
        return "\"" + clean.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"")
            + "\""
    }

    /// An unstructured header value (a subject): encoded words if it is not plain ASCII.
    static func unstructured(_ text: String) -> String {
        let clean = text.replacingOccurrences(of: "\r", with: " ").replacingOccurrences(of: "\n", with: " ")
        guard clean.unicodeScalars.allSatisfy({ $0.isASCII && $0.value >= 32 && $0.value < 127 }) else {
            return encodedWords(clean)
        }
        return clean
    }

    /// `=?UTF-8?B?…?=` words of at most 75 characters (RFC 2047 §2), split between characters
    /// so that no word ends inside a multi-byte sequence; separated by folding white space.
    static func encodedWords(_ text: String) -> String {
        var words: [String] = []
        var chunk: [UInt8] = []
        // 39 bytes make 52 base64 characters, a 64-character word: with a header's name
        // before the first word ("Subject: ") a line stays within 78 (a word may be 75).
        for character in text {
            let bytes = Array(String(character).utf8)
            if chunk.count + bytes.count > 39 {
                words.append("=?UTF-8?B?\(Data(chunk).base64EncodedString())?=")
                chunk = []
            }
            chunk += bytes
        }
        if !chunk.isEmpty { words.append("=?UTF-8?B?\(Data(chunk).base64EncodedString())?=") }
        return words.joined(separator: "\r\n ")
    }

    /// A header line folded at spaces so that no line is longer than 78 characters where
    /// that can be done (RFC 5322 §2.2.3). A value of encoded words is already folded between
    /// its words, each at most 75 characters, and is left as it is.
    static func folded(_ line: String) -> String {
        guard !line.contains("\r\n"), line.count > 78 else { return line }
        var lines: [String] = []
        var current = ""
        for word in line.split(separator: " ", omittingEmptySubsequences: false) {
            if !current.isEmpty && current.count + 1 + word.count > 78 {
                lines.append(current)
                current = " " + word
            } else {
                current += current.isEmpty ? String(word) : " " + word
            }
        }
        lines.append(current)
        return lines.joined(separator: "\r\n")
    }
}

/// Quoted-printable (RFC 2045 §6.7) for UTF-8 text, with CRLF line breaks and soft breaks
/// keeping every line within 76 characters.
enum QuotedPrintable {
    static func encode(_ text: String) -> String {
        let normalised = text.replacingOccurrences(of: "\r\n", with: "\n").replacingOccurrences(of: "\r", with: "\n")
        return normalised.split(separator: "\n", omittingEmptySubsequences: false).map { line in
            encodeLine(Array(line.utf8))
        }.joined(separator: "\r\n")
    }

    private static func encodeLine(_ bytes: [UInt8]) -> String {
        var output: [String] = []
        var current = ""
        for (index, byte) in bytes.enumerated() {
            let isLast = index == bytes.count - 1
            var piece: String
            switch byte {
            case 33...60, 62...126: piece = String(UnicodeScalar(byte))
            case 32, 9: piece = isLast ? escape(byte) : String(UnicodeScalar(byte))  // trailing space is escaped
            default: piece = escape(byte)
            }
            if current.count + piece.count > 75 {  // leave room for the soft break's "="
                output.append(current + "=")
                current = ""
            }
            current += piece
        }
        output.append(current)
        return output.joined(separator: "\r\n")
    }

    private static func escape(_ byte: UInt8) -> String {
        "=" + String(format: "%02X", byte)
    }
}
