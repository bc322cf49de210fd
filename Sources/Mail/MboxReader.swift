/// How a mbox writer protected body lines that start with `From ` (RFC 4155 §2; see also
/// https://www.loc.gov/preservation/digital/formats/fdd/fdd000385.shtml).
public enum MboxVariant: Sendable, Hashable {
    /// Every line matching `^>*From ` got one more `>`, so reading removes one from each line
    /// matching `^>+From `: the quoting is reversible.
    case mboxrd
    /// Only `^From ` lines got a `>` (Python's `mailbox.mbox`, many older tools), so reading
    /// turns `^>From ` into `From `; a body line that really began `>From ` is not told apart.
    case mboxo
}

/// One message of an mbox file.
public struct MboxMessage: Sendable, Hashable {
    /// The message as it was delivered: the bytes after its `From ` line up to the empty line
    /// before the next one, `From ` quoting undone, line endings as in the file.
    public var bytes: [UInt8]
    /// The byte offset of its `From ` separator line: where to resume reading at this message.
    public var offset: UInt64
    /// The separator line without its line break (`From sender@example.org Tue Dec  1 …`).
    public var separatorLine: String

    /// A message read from an mbox (or made to stand for one in a test).
    public init(bytes: [UInt8], offset: UInt64, separatorLine: String) {
        self.bytes = bytes
        self.offset = offset
        self.separatorLine = separatorLine
    }
}

/// Why an mbox, or one message in it, cannot be read.
public enum MboxError: Error, CustomStringConvertible, Sendable, Hashable {
    /// The file cannot be opened or read (the path, and the system's reason).
    case unreadable(path: String, reason: String)
    /// The file does not start with a `From ` line, so it is not an mbox.
    case notAnMbox(path: String)
    /// Reading was asked to start at an offset that holds no `From ` line (or lies past the end).
    case noSeparatorAtOffset(path: String, offset: UInt64)
    /// One message is larger than the reader's limit (its separator's offset and its size); it
    /// was skipped unread, and the messages after it can still be read.
    case messageTooLarge(offset: UInt64, size: Int, limit: Int)

    /// The error in words, naming the file and the offset or what is missing.

    /// The error in words, naming the file and the offset or what is missing.
    public var description: String {
        switch self {
        case .unreadable(let path, let reason): "\(path) cannot be read: \(reason)"
        case .notAnMbox(let path): "\(path) is not an mbox file: it does not start with a \"From \" line"
        case .noSeparatorAtOffset(let path, let offset): "\(path) has no \"From \" line at byte \(offset)"
        case .messageTooLarge(let offset, let size, let limit):
            "the message at byte \(offset) has \(size) bytes, over the limit of \(limit); skipped"
        }
    }
}

/// Reads an mbox file (RFC 4155) one message at a time, a chunk of the file at a time, so a
/// mailbox of any size is read in memory proportional to its largest message.
///
/// A message starts after a `From ` line found at the start of the file or after an empty
/// line; that empty line belongs to the separator, not to the message before it (and at the end
/// of the file, one empty line is the last message's terminator). LF and CRLF files are both
/// read, and every other byte is kept as it is.
///
/// ```swift
/// var reader = try MboxReader(path: path)
/// while let result = try reader.next() {
///     switch result {
///     case .success(let message): archive(message.bytes)
///     case .failure(let tooLarge): report(tooLarge)
///     }
///     saveProgress(reader.bytesConsumed)
/// }
/// ```
public struct MboxReader: Sendable {
    /// The file being read.
    public let path: String
    /// How `From ` lines in bodies are unquoted.
    public let variant: MboxVariant
    /// The largest message returned; larger ones are skipped as `MboxError.messageTooLarge`.
    public let maximumMessageBytes: Int

    private let file: MboxFile
    private var lines: MboxLines
    /// The separator of the message `next()` returns next; nil at the end.
    private var nextSeparator: (offset: UInt64, line: String)?

    /// Opens an mbox file and reads its first separator line.
    ///
    /// - Parameters:
    ///   - path: the mbox file.
    ///   - variant: the `From ` quoting its writer used.
    ///   - offset: where to start: 0, or a message's `offset` (or a `bytesConsumed` value) saved
    ///     from an earlier reading of the same file, to resume an interrupted import.
    ///   - maximumMessageBytes: the largest message to return (see `MessageLimits`).
    ///   - chunkSize: how much of the file is read at a time.
    /// - Throws: `MboxError.unreadable`, `.notAnMbox` (a non-empty file not starting with
    ///   `From `), or `.noSeparatorAtOffset`. An empty file is an mbox with no messages.
    public init(
        path: String, variant: MboxVariant = .mboxrd, startingAt offset: UInt64 = 0,
        maximumMessageBytes: Int = MessageLimits().maximumMessageBytes, chunkSize: Int = 1 << 20
    ) throws {
        self.path = path
        self.variant = variant
        self.maximumMessageBytes = maximumMessageBytes
        file = try MboxFile(path: path)
        guard offset <= file.size, try Self.followsEmptyLine(offset, in: file) else {
            throw MboxError.noSeparatorAtOffset(path: path, offset: offset)
        }
        lines = MboxLines(file: file, offset: offset, chunkSize: chunkSize)
        guard let first = try lines.next() else { return }
        guard Self.isSeparator(first) else {
            throw offset == 0 ? MboxError.notAnMbox(path: path) : .noSeparatorAtOffset(path: path, offset: offset)
        }
        nextSeparator = (first.offset, try separatorText(first))
    }

    /// The file's size when it was opened.
    public var fileSize: UInt64 { file.size }

    /// How far reading has come: the offset of the next message's separator, or the end. Saved
    /// after a message, it is where to resume with the message after it.
    public var bytesConsumed: UInt64 { nextSeparator?.offset ?? lines.position }

    /// The next message, or the error of one too large to return; nil after the last.
    ///
    /// - Throws: `MboxError.unreadable` if reading the file fails.
    public mutating func next() throws -> Result<MboxMessage, MboxError>? {
        guard let separator = nextSeparator else { return nil }
        nextSeparator = nil
        var bytes: [UInt8] = []
        var size = 0
        var heldEmptyLine: [UInt8]?
        let limit = maximumMessageBytes
        func append(_ piece: some Collection<UInt8>) {
            size += piece.count
            // Past the limit, only the size is still counted: the message is not kept.
            if size > limit {
                if !bytes.isEmpty { bytes = [] }
            } else {
                bytes.append(contentsOf: piece)
            }
        }
        while let piece = try lines.next() {
            guard piece.startsLine else {
                append(piece.bytes)
                continue
            }
            if heldEmptyLine != nil && Self.isSeparator(piece) {
                nextSeparator = (piece.offset, try separatorText(piece))
                break
            }
            if let empty = heldEmptyLine {
                append(empty)
                heldEmptyLine = nil
            }
            if piece.isEmptyLine {
                // It may be the empty line before a separator, which is not the message's.
                heldEmptyLine = Array(piece.bytes)
            } else {
                append(unquoted(piece.bytes))
            }
        }
        guard size <= limit else {
            return .failure(.messageTooLarge(offset: separator.offset, size: size, limit: limit))
        }
        return .success(MboxMessage(bytes: bytes, offset: separator.offset, separatorLine: separator.line))
    }

    private static let from = Array("From ".utf8)

    /// Whether `offset` is the start of the file or of a line after an empty one, where a
    /// separator may stand: a `From ` line in a body is not a place to resume at.
    private static func followsEmptyLine(_ offset: UInt64, in file: MboxFile) throws -> Bool {
        guard offset > 0 else { return true }
        let before = try file.read(at: offset - min(offset, 3), count: Int(min(offset, 3)))
        let lf: [UInt8] = [10]
        let crlf: [UInt8] = [13, 10]
        return before.elementsEqual(lf) || before.elementsEqual(crlf) || before.suffix(2).elementsEqual(lf + lf)
            || before.elementsEqual(lf + crlf)
    }

    private static func isSeparator(_ piece: MboxLines.Piece) -> Bool {
        piece.startsLine && piece.bytes.starts(with: from)
    }

    /// The separator line's text without its line break; the rest of an overlong line skipped.
    private mutating func separatorText(_ piece: MboxLines.Piece) throws -> String {
        var end = piece.bytes.endIndex
        while end > piece.bytes.startIndex && (piece.bytes[end - 1] == 10 || piece.bytes[end - 1] == 13) { end -= 1 }
        let text = Charsets.headerText(piece.bytes[..<end])
        var last = piece
        while !last.endsLine, let more = try lines.next() { last = more }
        return text
    }

    /// A line start with one `>` of `From ` quoting removed, as the variant says.
    private func unquoted(_ line: ArraySlice<UInt8>) -> ArraySlice<UInt8> {
        let quotes = line.prefix { $0 == UInt8(ascii: ">") }.count
        guard quotes > 0, line.dropFirst(quotes).starts(with: Self.from) else { return line }
        switch variant {
        case .mboxrd: return line.dropFirst()
        case .mboxo: return quotes == 1 ? line.dropFirst() : line
        }
    }
}
