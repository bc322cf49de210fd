/// Text being assembled from a document tree, one piece after another.
///
/// It only places line breaks; `TextNormalizer` collapses the whitespace afterwards.
struct TextBuffer {
    private(set) var text = ""

    /// Appends `piece` as it is.
    mutating func append(_ piece: String) {
        text += piece
    }

    /// Appends `piece` with its line breaks and tabs turned into spaces: text in markup where
    /// a line break in the source is only layout (ODF paragraphs, mixed XML content).
    mutating func appendFlowing(_ piece: String) {
        text += String(piece.map { $0.isWhitespace ? " " : $0 })
    }

    /// Starts a new line unless the current one is still empty (spaces aside).
    mutating func endLine() {
        while text.last == " " || text.last == "\t" { text.removeLast() }
        if !text.isEmpty && text.last != "\n" { text += "\n" }
    }

    /// Ends the line, even if that leaves it empty (an empty paragraph, a `<w:br/>`).
    mutating func lineBreak() {
        text += "\n"
    }
}
