/// How much a message may ask of the reader before it is refused: each limit bounds memory or
/// time that a hostile message could otherwise make unbounded.
public struct MessageLimits: Sendable, Hashable {
    /// Multiparts and `message/rfc822` parts inside each other; the outermost message is level 1.
    public var maximumDepth: Int
    /// Entities in the whole tree, the message itself included.
    public var maximumParts: Int
    /// Bytes in one header block (the message's or a part's), up to the empty line.
    public var maximumHeaderBytes: Int
    /// Bytes in the whole message as received.
    public var maximumMessageBytes: Int

    /// Limits for mail as a council receives it; the defaults refuse only what no correspondent sends.
    public init(
        maximumDepth: Int = 32, maximumParts: Int = 10_000, maximumHeaderBytes: Int = 1 << 20,
        maximumMessageBytes: Int = 100 << 20
    ) {
        self.maximumDepth = maximumDepth
        self.maximumParts = maximumParts
        self.maximumHeaderBytes = maximumHeaderBytes
        self.maximumMessageBytes = maximumMessageBytes
    }
}

/// A message the reader refuses because it exceeds a `MessageLimits` limit. The caller still
/// holds the bytes and can archive them unread; malformed but readable input is not an error
/// (it is listed in `ParsedMessage.problems`).
public enum MessageParseError: Error, CustomStringConvertible, Sendable, Equatable {
    /// Parts nested deeper than the limit (the limit).
    case nestingTooDeep(limit: Int)
    /// More entities than the limit (the limit).
    case tooManyParts(limit: Int)
    /// A header block longer than the limit (the limit, and where the block starts).
    case headerTooLarge(limit: Int, offset: Int)
    /// A message longer than the limit (the limit, and the message's size).
    case messageTooLarge(limit: Int, size: Int)

    public var description: String {
        switch self {
        case .nestingTooDeep(let limit): "nesting deeper than \(limit) levels"
        case .tooManyParts(let limit): "more than \(limit) parts"
        case .headerTooLarge(let limit, let offset): "a header block over \(limit) bytes at byte \(offset)"
        case .messageTooLarge(let limit, let size): "a message of \(size) bytes, over the limit of \(limit)"
        }
    }
}
