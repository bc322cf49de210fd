import Foundation

/// One MIME entity of a received message: its headers, what it holds, and its children.
public struct MessagePart: Sendable, Hashable {
    /// The entity's own header block.
    public var headers: MessageHeaders
    /// `type/subtype`, lowercased; `text/plain` when absent or invalid (RFC 2045 §5.2), and
    /// `message/rfc822` by default inside `multipart/digest`.
    public var contentType: String
    /// The `Content-Type` parameters, decoded (RFC 2231, RFC 2047).
    public var contentTypeParameters: [String: String] = [:]
    /// `attachment`, `inline` or nil, lowercased.
    public var disposition: String?
    /// The charset of a `text/*` part, lowercased (`us-ascii` if none is given); nil otherwise.
    public var charset: String?
    /// The file name as the sender gave it (Content-Disposition `filename`, else Content-Type
    /// `name`), decoded. Never use it as a path: see `safeFileName`.
    public var fileName: String?
    /// The body with its transfer encoding undone; empty for multiparts and `message/rfc822`.
    public var body: [UInt8] = []
    /// The body of a `text/*` part as text, in its charset (lossy UTF-8 if the charset is
    /// unknown or the bytes are invalid in it, which `ParsedMessage.problems` then reports).
    public var text: String?
    /// The parts of a multipart, or the one message inside a `message/rfc822` part.
    public var children: [MessagePart] = []

    init(headers: MessageHeaders, contentType: String) {
        self.headers = headers
        self.contentType = contentType
    }

    /// Whether the part holds other parts (a multipart or an enclosed message) rather than a body.
    public var isContainer: Bool { !children.isEmpty || contentType.hasPrefix("multipart/") }

    /// Whether the sender meant the part as a file: marked `attachment`, or named and not a
    /// container.
    public var isAttachment: Bool {
        !isContainer && (disposition == "attachment" || fileName != nil)
    }

    /// `fileName` made safe to store: its last path component (either slash), without control
    /// characters, leading dots or `..`; `attachment` if nothing is left. Nil without a file name.
    public var safeFileName: String? {
        fileName.map(Self.safeFileName)
    }

    /// This part and all below it, parent before children (the order of Python's `walk()`).
    public var allParts: [MessagePart] {
        var result: [MessagePart] = []
        func visit(_ part: MessagePart) {
            result.append(part)
            part.children.forEach(visit)
        }
        visit(self)
        return result
    }

    /// A sender's file name made safe to store (see `safeFileName`).
    public static func safeFileName(_ name: String) -> String {
        let last = name.split(whereSeparator: { $0 == "/" || $0 == "\\" }).last.map(String.init) ?? ""
        var cleaned = String(
            String.UnicodeScalarView(
                last.unicodeScalars.filter { $0.properties.generalCategory != .control && $0.value != 0x7F }))
        while cleaned.contains("..") { cleaned = cleaned.replacingOccurrences(of: "..", with: ".") }
        cleaned = String(cleaned.drop { $0 == "." || $0 == " " }).trimmingCharacters(in: .whitespaces)
        // File systems limit a name to 255 bytes; keep whole characters.
        while cleaned.utf8.count > 255 { cleaned.removeLast() }
        return cleaned.isEmpty ? "attachment" : cleaned
    }
}

/// A received message, read: its tree of parts, the headers a correspondence archive files by,
/// and the problems met in input that was malformed but still readable.
public struct ParsedMessage: Sendable, Hashable {
    /// The message itself, the root of the tree.
    public var root: MessagePart
    /// What was wrong but read anyway (a missing final boundary, damaged base64, an unknown
    /// charset), in the order met.
    public var problems: [String]

    /// Reads a message (RFC 5322, MIME RFCs 2045–2047 and 2231). CRLF and bare LF line ends
    /// are both accepted; header bytes need not be UTF-8.
    ///
    /// - Parameters:
    ///   - bytes: the message as received.
    ///   - limits: how much the message may ask of the reader.
    /// - Throws: `MessageParseError` when the message passes one of `limits`; the bytes are
    ///   then still the caller's to archive unread.
    public init(bytes: [UInt8], limits: MessageLimits = MessageLimits()) throws {
        var parser = MIMEParser(bytes: bytes, limits: limits)
        root = try parser.parse()
        problems = parser.problems
    }

    /// The message's own headers.
    public var headers: MessageHeaders { root.headers }
    /// `From`, decoded.
    public var from: String? { headers["From"] }
    /// `To`, decoded.
    public var to: String? { headers["To"] }
    /// `Cc`, decoded.
    public var cc: String? { headers["Cc"] }
    /// `Subject`, decoded.
    public var subject: String? { headers["Subject"] }
    /// `Message-ID` without its angle brackets.
    public var messageID: String? { headers["Message-ID"].flatMap { Self.messageIDs($0).first } }
    /// `In-Reply-To`'s message IDs, without angle brackets.
    public var inReplyTo: [String] { headers["In-Reply-To"].map(Self.messageIDs) ?? [] }
    /// `References`' message IDs, oldest first, without angle brackets.
    public var references: [String] { headers["References"].map(Self.messageIDs) ?? [] }

    /// `Date`, read as RFC 5322 §3.3 writes it (the day name optional, obsolete zone names
    /// such as `GMT` accepted); nil if absent or unreadable.
    public var date: Date? {
        guard let text = headers["Date"] else { return nil }
        var cleaned = text
        if let comma = cleaned.firstIndex(of: ",") { cleaned = String(cleaned[cleaned.index(after: comma)...]) }
        if let comment = cleaned.firstIndex(of: "(") { cleaned = String(cleaned[..<comment]) }
        cleaned = cleaned.split(whereSeparator: \.isWhitespace).joined(separator: " ")
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        for format in ["d MMM yyyy HH:mm:ss Z", "d MMM yyyy HH:mm Z", "d MMM yyyy HH:mm:ss zzz"] {
            formatter.dateFormat = format
            if let date = formatter.date(from: cleaned) { return date }
        }
        return nil
    }

    /// Every part, parent before children (Python's `walk()` order).
    public var parts: [MessagePart] { root.allParts }

    /// The parts that are files (see `MessagePart.isAttachment`), in order, including those
    /// inside enclosed messages.
    public var attachments: [MessagePart] { parts.filter(\.isAttachment) }

    /// The first `text/plain` part that is not an attachment, outside enclosed messages (a
    /// forwarded message's text is not this message's text).
    public var plainTextBody: String? {
        func search(_ part: MessagePart) -> String? {
            if part.contentType == "message/rfc822" && part != root { return nil }
            if part.contentType == "text/plain" && !part.isAttachment && !part.isContainer { return part.text }
            for child in part.children {
                if let text = search(child) { return text }
            }
            return nil
        }
        return search(root)
    }

    private static func messageIDs(_ text: String) -> [String] {
        var ids: [String] = []
        var rest = Substring(text)
        while let open = rest.firstIndex(of: "<") {
            guard let close = rest[open...].firstIndex(of: ">") else { break }
            ids.append(String(rest[rest.index(after: open)..<close]))
            rest = rest[rest.index(after: close)...]
        }
        if ids.isEmpty, !text.isEmpty { ids = text.split(whereSeparator: \.isWhitespace).map(String.init) }
        return ids
    }
}
