import Foundation

/// One header field: its name, its value's bytes as received (unfolded), and its value as
/// text with encoded words decoded.
public struct HeaderField: Sendable, Hashable {
    /// The name as written (compare case-insensitively).
    public var name: String
    /// The value's bytes after the colon, folding line breaks removed, untrimmed.
    public var rawValue: [UInt8]
    /// The value as text: 8-bit bytes read as UTF-8 if valid, else Windows-1252; RFC 2047
    /// encoded words decoded; surrounding white space trimmed.
    public var value: String
}

/// A header block (RFC 5322 §2.2), in order, names compared case-insensitively.
public struct MessageHeaders: Sendable, Hashable {
    /// Every field, in the order received.
    public var fields: [HeaderField]

    /// The decoded value of the first field called `name`.
    public subscript(_ name: String) -> String? {
        let lowered = name.lowercased()
        return fields.first { $0.name.lowercased() == lowered }?.value
    }

    /// The first field called `name`.
    public func field(_ name: String) -> HeaderField? {
        let lowered = name.lowercased()
        return fields.first { $0.name.lowercased() == lowered }
    }

    /// The decoded values of every field called `name`.
    public func values(_ name: String) -> [String] {
        let lowered = name.lowercased()
        return fields.filter { $0.name.lowercased() == lowered }.map(\.value)
    }
}

extension MessageHeaders {
    /// Where a header block ends: the index of the body's first byte (after the empty line),
    /// or the end of the range if there is no body.
    ///
    /// - Throws: `MessageParseError.headerTooLarge` as soon as the block passes the limit,
    ///   without reading further (a 50 MB header line costs one limit's worth of scanning).
    static func blockEnd(in bytes: [UInt8], range: Range<Int>, limit: Int) throws -> (headerEnd: Int, bodyStart: Int) {
        var lineStart = range.lowerBound
        while lineStart < range.upperBound {
            let searchEnd = min(range.upperBound, range.lowerBound + limit + 2)
            guard let newline = bytes[lineStart..<searchEnd].firstIndex(of: 10) else {
                if searchEnd < range.upperBound {
                    throw MessageParseError.headerTooLarge(limit: limit, offset: range.lowerBound)
                }
                return (range.upperBound, range.upperBound)
            }
            let isEmpty = newline == lineStart || (newline == lineStart + 1 && bytes[lineStart] == 13)
            if isEmpty { return (lineStart, newline + 1) }
            if newline + 1 - range.lowerBound > limit {
                throw MessageParseError.headerTooLarge(limit: limit, offset: range.lowerBound)
            }
            lineStart = newline + 1
        }
        return (range.upperBound, range.upperBound)
    }

    /// Reads a header block: lines end in CRLF or LF; a line starting with white space continues
    /// the previous field (unfolding removes only the line break). Lines that are not fields are
    /// skipped and reported.
    static func parse(_ bytes: ArraySlice<UInt8>, problems: inout [String]) -> MessageHeaders {
        var fields: [HeaderField] = []
        var current: (name: String, value: [UInt8])?
        func finish() {
            guard let (name, value) = current else { return }
            let text = Charsets.headerText(value)
            let decoded = EncodedWords.decode(text, problems: &problems)
            fields.append(
                HeaderField(name: name, rawValue: value, value: decoded.trimmingCharacters(in: .whitespaces)))
            current = nil
        }
        var lineStart = bytes.startIndex
        while lineStart < bytes.endIndex {
            let newline = bytes[lineStart...].firstIndex(of: 10) ?? bytes.endIndex
            var lineEnd = newline
            if lineEnd > lineStart && bytes[lineEnd - 1] == 13 { lineEnd -= 1 }
            let line = bytes[lineStart..<lineEnd]
            lineStart = min(newline + 1, bytes.endIndex)
            if let first = line.first, first == 0x20 || first == 0x09 {
                if current != nil {
                    current?.value.append(contentsOf: line)
                } else {
                    problems.append("a header continuation line with no field before it")
                }
                continue
            }
            finish()
            guard let colon = line.firstIndex(of: UInt8(ascii: ":")), colon > line.startIndex else {
                if !line.isEmpty { problems.append("a header line without a field name skipped") }
                continue
            }
            var nameEnd = colon
            // `Subject : x` (white space before the colon) is obsolete syntax but still read.
            while nameEnd > line.startIndex && (bytes[nameEnd - 1] == 0x20 || bytes[nameEnd - 1] == 0x09) {
                nameEnd -= 1
            }
            current = (Charsets.headerText(line[line.startIndex..<nameEnd]), Array(line[(colon + 1)...]))
        }
        finish()
        return MessageHeaders(fields: fields)
    }
}
