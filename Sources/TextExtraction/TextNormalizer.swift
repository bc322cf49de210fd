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
    ///
    /// Works on UTF-8 bytes with an ASCII fast path: Unicode property lookups and appending
    /// scalar by scalar cost more than everything else in a reindex (measured with perf).
    func normalize(_ raw: String) -> (text: String, truncated: Bool) {
        var output: [UInt8] = []
        output.reserveCapacity(raw.utf8.count)
        var pendingNewlines = 0
        var pendingSpace: UInt8?  // " " or "\t"
        var atLineStart = true
        var previousWasCarriageReturn = false

        func lineBreak() {
            if !output.isEmpty { pendingNewlines += 1 }
            pendingSpace = nil
            atLineStart = true
        }
        func space(isTab: Bool) {
            if !atLineStart { pendingSpace = isTab || pendingSpace == UInt8(ascii: "\t") ? UInt8(ascii: "\t") : 32 }
        }
        func flushPending() {
            if pendingNewlines > 0 {
                output.append(10)
                if pendingNewlines > 1 { output.append(10) }
            } else if let pendingSpace {
                output.append(pendingSpace)
            }
            pendingNewlines = 0
            pendingSpace = nil
            atLineStart = false
        }

        for scalar in raw.unicodeScalars {
            let value = scalar.value
            defer { previousWasCarriageReturn = value == 13 }
            if value < 0x80 {
                switch value {
                case 10: if !previousWasCarriageReturn { lineBreak() }
                case 13, 0x0B, 0x0C: lineBreak()
                case 9: space(isTab: true)
                case 0..<32, 32, 0x7F: space(isTab: false)
                default:
                    flushPending()
                    output.append(UInt8(value))
                }
                continue
            }
            if Self.isLineBreak(scalar) {
                lineBreak()
            } else if scalar.properties.isWhitespace || scalar.properties.generalCategory == .control {
                space(isTab: false)
            } else if value != 0xFEFF {
                flushPending()
                output.append(contentsOf: String(scalar).utf8)
            }
        }
        let text = String(decoding: output, as: UTF8.self)
        // A character is at least one byte: only a text with more bytes than the limit can be over it.
        guard maximumCharacters >= 0, output.count > maximumCharacters,
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
