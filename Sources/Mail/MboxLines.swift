/// An mbox file read as lines, a chunk at a time, so that memory stays at about one chunk
/// whatever the file's size. A line longer than a chunk comes in several pieces.
struct MboxLines: Sendable {
    /// A line, or part of one: its bytes (line break included) and where it lies.
    struct Piece {
        var bytes: ArraySlice<UInt8>
        /// The file offset of the first byte.
        var offset: UInt64
        /// Whether the piece starts a line (it is not the continuation of a long one).
        var startsLine: Bool
        /// Whether the piece ends its line (with a line feed, or at the end of the file).
        var endsLine: Bool

        /// An empty line: `\n` or `\r\n`.
        var isEmptyLine: Bool {
            startsLine && endsLine && (bytes.elementsEqual([10]) || bytes.elementsEqual([13, 10]))
        }
    }

    private let file: MboxFile
    private let chunkSize: Int
    private var buffer: [UInt8] = []
    private var bufferOffset: UInt64
    private var cursor = 0
    private var atLineStart = true
    private var atEnd = false

    init(file: MboxFile, offset: UInt64, chunkSize: Int) {
        self.file = file
        self.chunkSize = max(chunkSize, 64)
        bufferOffset = offset
    }

    /// The file offset of the first byte not yet returned.
    var position: UInt64 { bufferOffset + UInt64(cursor) }

    /// The next line or piece of a line; nil at the end of the file.
    ///
    /// - Throws: `MboxError.unreadable` if reading fails.
    mutating func next() throws -> Piece? {
        while true {
            if let newline = buffer[cursor...].firstIndex(of: 10) {
                return take(upTo: newline + 1, endsLine: true)
            }
            let unread = buffer.count - cursor
            if unread >= chunkSize || (atEnd && unread > 0) {
                return take(upTo: buffer.count, endsLine: atEnd)
            }
            if atEnd { return nil }
            // Keep only the unread tail, then read the next chunk after it.
            buffer.removeFirst(cursor)
            bufferOffset += UInt64(cursor)
            cursor = 0
            let chunk = try file.read(at: bufferOffset + UInt64(buffer.count), count: chunkSize)
            if chunk.isEmpty { atEnd = true }
            buffer += chunk
        }
    }

    private mutating func take(upTo end: Int, endsLine: Bool) -> Piece {
        let piece = Piece(
            bytes: buffer[cursor..<end], offset: position, startsLine: atLineStart, endsLine: endsLine)
        cursor = end
        atLineStart = endsLine
        return piece
    }
}
