/// Puts extracted text in the one shape the index stores, whatever format it came from.
///
/// Every kind of line break (CR LF, CR, form feed, U+2028 …) becomes "\n"; a run of spaces
/// and other horizontal whitespace becomes one space, or one tab if it held a tab (a column
/// break in a table or a DOCX tab stop); lines lose leading and trailing whitespace; at most
/// one blank line separates paragraphs; control characters count as spaces; U+FEFF (a stray
/// byte-order mark) is dropped. Then the text is cut at `maximumCharacters` characters
/// (grapheme clusters, so no accent or emoji is split).
struct TextNormalizer {
    var maximumCharacters: Int

    /// The normalised text, and whether it was cut at the limit.
    func normalize(_ raw: String) -> (text: String, truncated: Bool) {
        var output = String.UnicodeScalarView()
        var atLineStart = true
        var pendingNewlines = 0
        var pendingSpace: Unicode.Scalar?
        var previousWasCarriageReturn = false
        for scalar in raw.unicodeScalars {
            defer { previousWasCarriageReturn = scalar == "\r" }
            if scalar == "\n" && previousWasCarriageReturn { continue }
            if Self.isLineBreak(scalar) {
                if !output.isEmpty { pendingNewlines += 1 }
                pendingSpace = nil
                atLineStart = true
            } else if scalar.properties.isWhitespace || scalar.properties.generalCategory == .control {
                if !atLineStart { pendingSpace = scalar == "\t" || pendingSpace == "\t" ? "\t" : " " }
            } else if scalar != "\u{FEFF}" {
                if pendingNewlines > 0 {
                    output.append(contentsOf: pendingNewlines > 1 ? ["\n", "\n"] : ["\n"])
                } else if let space = pendingSpace {
                    output.append(space)
                }
                pendingNewlines = 0
                pendingSpace = nil
                atLineStart = false
                output.append(scalar)
            }
        }
        let text = String(output)
        guard maximumCharacters >= 0,
            let end = text.index(text.startIndex, offsetBy: maximumCharacters, limitedBy: text.endIndex),
            end < text.endIndex
        else { return (text, false) }
        var cut = text[..<end]
        while let last = cut.last, last.isWhitespace { cut.removeLast() }
        return (String(cut), true)
    }

    private static func isLineBreak(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar {
        case "\n", "\r", "\u{0B}", "\u{0C}", "\u{85}", "\u{2028}", "\u{2029}": true
        default: false
        }
    }
}
