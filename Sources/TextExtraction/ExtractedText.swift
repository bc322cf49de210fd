/// The plain text read from one document, or why none was read.
public struct ExtractedText: Sendable, Hashable {
    /// Whether text was read.
    public enum Outcome: Sendable, Hashable {
        /// `text` holds what was read; it may be empty (a blank document, a scan without a
        /// text layer).
        case extracted
        /// Nothing was read, for the reason given in words a user can act on, e.g.
        /// "pdftotext is not installed (Debian package poppler-utils)" or
        /// "not a text format (image/png)".
        case notExtracted(reason: String)
    }

    /// The text: lines end with "\n", runs of spaces are single, no line is blank twice in a
    /// row. Empty when nothing was extracted.
    public var text: String
    /// Whether text was read, and if not, why.
    public var outcome: Outcome
    /// Whether `text` was cut short at the extractor's limit (the document holds more).
    public var truncated: Bool

    /// A result with the given parts (extractors build theirs with `extracted` and `notExtracted`).
    public init(text: String, outcome: Outcome, truncated: Bool) {
        self.text = text
        self.outcome = outcome
        self.truncated = truncated
    }

    /// Text that was read.
    static func extracted(_ text: String, truncated: Bool) -> ExtractedText {
        ExtractedText(text: text, outcome: .extracted, truncated: truncated)
    }

    /// No text, for `reason`.
    static func notExtracted(_ reason: String) -> ExtractedText {
        ExtractedText(text: "", outcome: .notExtracted(reason: reason), truncated: false)
    }
}

/// Why a document's text could not be read; becomes `ExtractedText.Outcome.notExtracted`.
struct NotExtracted: Error, Sendable {
    var reason: String

    init(_ reason: String) {
        self.reason = reason
    }
}

/// Text read from a document before it is normalised, and whether the input was cut short.
struct RawText {
    var text: String
    var inputWasCut: Bool = false
}
