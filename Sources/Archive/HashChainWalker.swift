/// Follows one hash-chained log file by file: a submission's events or a board log. Files are
/// numbered `000001.xml`, `000002.xml` … and each records its sequence number and the SHA-256
/// of the file before it (of the anchor for the first: `submission.xml`, or 64 zeros for a
/// board log).
///
/// A pure fold, so that the readers and `verify` share one set of rules: the caller lists,
/// reads and parses each file and passes in what it records; the walker says where the chain
/// breaks. The archive's readers refuse the first break; `verify` reports every break and
/// walks on, so the walker keeps going after one (resuming the numbering at the file found).
public struct HashChainWalker: Sendable {
    /// How a file's name breaks the chain's numbering.
    public enum Break: Sendable, Hashable {
        /// The name is not a link's (`NNNNNN.xml`).
        case unexpectedName
        /// The files numbered `first` to `last` are missing before this one.
        case missing(first: Int, last: Int)
        /// A number already passed: a duplicate, or files reordered.
        case duplicate
    }

    /// The number the next file should have.
    public private(set) var expectedNumber = 1
    /// The name of the file before the one being walked (the anchor's for the first).
    public private(set) var previousName: String
    /// The SHA-256 of the file before; nil when it could not be read, so no link to it is checked.
    private var previousSHA256: String?
    /// The number the file being walked has by its name.
    public private(set) var number = 0
    private var name = ""

    /// - Parameters:
    ///   - anchor: what the first file's `previous` must be.
    ///   - anchorName: how to name the anchor in a finding.
    public init(anchor: String, anchorName: String) {
        self.previousSHA256 = anchor
        self.previousName = anchorName
    }

    /// Resumes a chain after its file number `number`, named `name`, whose SHA-256 is known:
    /// the walk a reader makes over files added since it last read the chain.
    public init(after number: Int, name: String, sha256: String) {
        self.previousSHA256 = sha256
        self.previousName = name
        self.number = number
        self.name = name
        expectedNumber = number + 1
    }

    /// The name the next file should have.
    public var expectedName: String { ArchiveStore.eventFileName(expectedNumber) }

    /// Starts on the file `name`: where its name puts it in the chain.
    ///
    /// - Returns: `.unexpectedName` (the file is no link: skip it), `.missing` or `.duplicate`
    ///   (numbering resumes after it); nil when it is the file expected next.
    public mutating func enter(_ name: String) -> Break? {
        guard let number = Self.number(name) else { return .unexpectedName }
        self.name = name
        self.number = number
        let expected = expectedNumber
        expectedNumber = number + 1
        if number > expected { return .missing(first: expected, last: number - 1) }
        if number < expected { return .duplicate }
        return nil
    }

    /// Whether the entered file records the sequence number its name gives.
    public func isNumbered(recorded sequence: Int) -> Bool {
        sequence == number
    }

    /// Links the entered file to the chain, making it the file before the next.
    ///
    /// - Returns: whether its `previous` is the SHA-256 of the file before (always true after
    ///   an unreadable file, whose SHA-256 is unknown).
    public mutating func link(previous: String, sha256: String) -> Bool {
        let holds = previousSHA256.map { previous == $0 } ?? true
        previousSHA256 = sha256
        previousName = name
        return holds
    }

    /// The entered file could not be read: the next file's link cannot be checked.
    public mutating func unreadable() {
        previousSHA256 = nil
        previousName = name
    }

    /// The number a link's file name gives (`000042.xml` → 42).
    static func number(_ name: String) -> Int? {
        guard name.hasSuffix(".xml"), let number = Int(name.dropLast(4)),
            ArchiveStore.eventFileName(number) == name
        else { return nil }
        return number
    }
}
