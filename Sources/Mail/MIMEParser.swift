/// The RFC 2046 reader: splits multiparts at their boundary lines and reads each entity's
/// headers and body, recursing into multiparts and `message/rfc822` parts.
///
/// All entities are ranges of the one message buffer; only decoded bodies are copied (and an
/// enclosed message sent base64 or quoted-printable, read from its decoded copy). Each
/// multipart body is scanned once for its boundary, so work is linear in the message's size
/// times its depth, which `MessageLimits.maximumDepth` bounds.
struct MIMEParser {
    let bytes: [UInt8]
    let limits: MessageLimits
    private(set) var problems: [String] = []
    private var partCount = 0

    init(bytes: [UInt8], limits: MessageLimits) {
        self.bytes = bytes
        self.limits = limits
    }

    /// Reads the whole buffer as a message.
    ///
    /// - Throws: `MessageParseError` when a limit is passed.
    mutating func parse() throws -> MessagePart {
        guard bytes.count <= limits.maximumMessageBytes else {
            throw MessageParseError.messageTooLarge(limit: limits.maximumMessageBytes, size: bytes.count)
        }
        return try entity(bytes.indices, depth: 1, defaultType: "text/plain")
    }

    private mutating func entity(_ range: Range<Int>, depth: Int, defaultType: String) throws -> MessagePart {
        guard depth <= limits.maximumDepth else { throw MessageParseError.nestingTooDeep(limit: limits.maximumDepth) }
        partCount += 1
        guard partCount <= limits.maximumParts else { throw MessageParseError.tooManyParts(limit: limits.maximumParts) }
        let (headerEnd, bodyStart) = try MessageHeaders.blockEnd(
            in: bytes, range: range, limit: limits.maximumHeaderBytes)
        let headers = MessageHeaders.parse(bytes[range.lowerBound..<headerEnd], problems: &problems)
        var part = MessagePart(headers: headers, contentType: defaultType)
        if let field = headers.field("Content-Type") {
            let type = HeaderParameters(field.rawValue, problems: &problems)
            if type.value.split(separator: "/", omittingEmptySubsequences: false).count == 2
                && !type.value.hasPrefix("/") && !type.value.hasSuffix("/")
            {
                part.contentType = type.value
            } else {
                // RFC 2045 §5.2: an invalid Content-Type means text/plain (Python does the same).
                problems.append("invalid Content-Type \(field.value); read as text/plain")
                part.contentType = "text/plain"
            }
            part.contentTypeParameters = type.parameters
        }
        if let field = headers.field("Content-Disposition") {
            let disposition = HeaderParameters(field.rawValue, problems: &problems)
            part.disposition = disposition.value
            part.fileName = disposition.parameters["filename"]
        }
        if part.fileName == nil { part.fileName = part.contentTypeParameters["name"] }
        let body = bodyStart..<range.upperBound
        let encoding = HeaderParameters(headers.field("Content-Transfer-Encoding")?.rawValue ?? [], problems: &problems)
            .value
        if part.contentType.hasPrefix("multipart/") {
            guard let boundary = part.contentTypeParameters["boundary"], !boundary.isEmpty else {
                problems.append("\(part.contentType) without a boundary read as one body")
                part.body = Array(bytes[body])
                return part
            }
            let split = Self.split(bytes, body, boundary: Array(boundary.utf8))
            if !split.closed {
                problems.append("multipart with boundary \(boundary) has no final boundary line")
            }
            guard partCount + split.parts.count <= limits.maximumParts else {
                throw MessageParseError.tooManyParts(limit: limits.maximumParts)
            }
            let childType = part.contentType == "multipart/digest" ? "message/rfc822" : "text/plain"
            for child in split.parts {
                part.children.append(try entity(child, depth: depth + 1, defaultType: childType))
            }
            return part
        }
        if part.contentType == "message/rfc822" && ["", "7bit", "8bit", "binary"].contains(encoding) {
            part.children = [try entity(body, depth: depth + 1, defaultType: "text/plain")]
            return part
        }
        if part.contentType == "message/rfc822" && ["base64", "quoted-printable"].contains(encoding) {
            // RFC 2046 §5.2.1 forbids encoding an enclosed message, but some mailers do it; the
            // decoded bytes are the message, read in a parser of their own under the same limits.
            let decoded = TransferDecoding.decode(bytes[body], encoding: encoding)
            if let problem = decoded.problem { problems.append(problem) }
            var inner = MIMEParser(bytes: decoded.bytes, limits: limits)
            inner.partCount = partCount
            let message = try inner.entity(decoded.bytes.indices, depth: depth + 1, defaultType: "text/plain")
            partCount = inner.partCount
            problems += inner.problems
            part.children = [message]
            return part
        }
        let decoded = TransferDecoding.decode(bytes[body], encoding: encoding)
        if let problem = decoded.problem { problems.append(problem) }
        part.body = decoded.bytes
        if part.contentType.hasPrefix("text/") {
            let charset = Charsets.normalized(part.contentTypeParameters["charset"] ?? "us-ascii")
            part.charset = charset
            if let text = Charsets.decode(part.body, charset: charset) {
                part.text = text
            } else {
                problems.append(
                    Charsets.isKnown(charset)
                        ? "text not valid in its charset \(charset) read lossily"
                        : "unknown charset \(charset): bytes kept, text read as UTF-8")
                part.text = String(decoding: part.body, as: UTF8.self)
            }
        }
        return part
    }

    /// The body ranges between boundary lines (`--boundary`, closed by `--boundary--`, trailing
    /// white space allowed), without the line break before each boundary line, which belongs
    /// to the boundary (RFC 2046 §5.1.1). The preamble and epilogue are dropped.
    static func split(_ bytes: [UInt8], _ range: Range<Int>, boundary: [UInt8]) -> (parts: [Range<Int>], closed: Bool) {
        let delimiter = Array("--".utf8) + boundary
        var parts: [Range<Int>] = []
        var partStart: Int?
        var lineStart = range.lowerBound
        while lineStart < range.upperBound {
            let newline = bytes[lineStart..<range.upperBound].firstIndex(of: 10) ?? range.upperBound
            let next = min(newline + 1, range.upperBound)
            if newline - lineStart >= delimiter.count,
                bytes[lineStart..<lineStart + delimiter.count].elementsEqual(delimiter)
            {
                var index = lineStart + delimiter.count
                let closing = newline - index >= 2 && bytes[index] == 45 && bytes[index + 1] == 45
                if closing { index += 2 }
                if bytes[index..<newline].allSatisfy({ $0 == 0x20 || $0 == 0x09 || $0 == 13 }) {
                    if let start = partStart {
                        var end = lineStart
                        if end > start && bytes[end - 1] == 10 { end -= 1 }
                        if end > start && bytes[end - 1] == 13 { end -= 1 }
                        parts.append(start..<end)
                    }
                    if closing { return (parts, true) }
                    partStart = next
                }
            }
            lineStart = next
        }
        if let start = partStart { parts.append(start..<range.upperBound) }
        return (parts, false)
    }
}
