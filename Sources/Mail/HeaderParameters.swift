import Foundation

/// A structured MIME field value (`Content-Type`, `Content-Disposition`): a main value and its
/// parameters, with RFC 5322 comments and quoted strings read, and RFC 2231 continuations and
/// charsets (`name*0*=utf-8''%E2%82%AC; name*1=…`) put back together.
struct HeaderParameters: Sendable, Hashable {
    /// The main value, lowercased: `text/plain`, `attachment`.
    var value: String
    /// Parameters by lowercased name, values decoded (RFC 2231, then RFC 2047 words).
    var parameters: [String: String]

    /// Parses a field value (as `HeaderField.rawValue` holds it).
    init(_ raw: [UInt8], problems: inout [String]) {
        var scanner = FieldScanner(Array(Charsets.headerText(raw).unicodeScalars))
        scanner.skipSpaceAndComments()
        value = scanner.token(until: [";"]).filter { !$0.isWhitespace }.lowercased()
        var sections: [(name: String, value: String)] = []
        while scanner.skip(";") {
            scanner.skipSpaceAndComments()
            let name = scanner.token(until: ["=", ";"]).trimmingCharacters(in: .whitespaces).lowercased()
            guard scanner.skip("=") else {
                if !name.isEmpty { problems.append("a parameter \(name) without a value") }
                continue
            }
            scanner.skipSpaceAndComments()
            let parameterValue = scanner.peek == "\"" ? scanner.quotedString() : scanner.token(until: [";"])
            scanner.skipSpaceAndComments()
            if !name.isEmpty { sections.append((name, parameterValue)) }
        }
        parameters = Self.assemble(sections, problems: &problems)
    }

    /// RFC 2231 §3–4: `name*N` sections joined in order, `*`-marked ones percent-decoded in the
    /// charset their first section names; plain values get RFC 2047 words decoded (not standard
    /// in parameters, but common, and Python's reader does it too).
    private static func assemble(_ sections: [(name: String, value: String)], problems: inout [String])
        -> [String: String]
    {
        var plain: [String: String] = [:]
        var extended: [String: [(index: Int, encoded: Bool, value: String)]] = [:]
        for (name, value) in sections {
            var base = Substring(name)
            var encoded = false
            if base.hasSuffix("*") {
                encoded = true
                base = base.dropLast()
            }
            var index = 0
            if let star = base.lastIndex(of: "*"), let number = Int(base[base.index(after: star)...]) {
                index = number
                base = base[..<star]
            } else if !encoded {
                if plain[String(base)] == nil { plain[String(base)] = value }
                continue
            }
            extended[String(base), default: []].append((index, encoded, value))
        }
        var result: [String: String] = [:]
        for (name, value) in plain {
            result[name] = EncodedWords.decode(value, problems: &problems)
        }
        for (name, parts) in extended {
            var charset = "us-ascii"
            var bytes: [UInt8] = []
            for (position, part) in parts.sorted(by: { $0.index < $1.index }).enumerated() {
                var text = Substring(part.value)
                if part.encoded && position == 0 {
                    let pieces = text.split(separator: "'", maxSplits: 2, omittingEmptySubsequences: false)
                    if pieces.count == 3 {
                        if !pieces[0].isEmpty { charset = String(pieces[0]) }
                        text = pieces[2]
                    }
                }
                bytes += part.encoded ? percentDecoded(text) : Array(text.utf8)
            }
            if let text = Charsets.decode(bytes, charset: charset) {
                result[name] = text
            } else {
                problems.append("parameter \(name) in unknown charset \(charset) read as UTF-8")
                result[name] = String(decoding: bytes, as: UTF8.self)
            }
        }
        return result
    }

    private static func percentDecoded(_ text: Substring) -> [UInt8] {
        let utf8 = Array(text.utf8)
        var bytes: [UInt8] = []
        var index = 0
        while index < utf8.count {
            if utf8[index] == UInt8(ascii: "%"), index + 2 < utf8.count,
                let high = TransferDecoding.hexValue(utf8[index + 1]),
                let low = TransferDecoding.hexValue(utf8[index + 2])
            {
                bytes.append(high << 4 | low)
                index += 3
            } else {
                bytes.append(utf8[index])
                index += 1
            }
        }
        return bytes
    }
}

/// A cursor over a field value's characters (Unicode scalars: 8-bit headers are already text).
private struct FieldScanner {
    let scalars: [Unicode.Scalar]
    var index = 0

    init(_ scalars: [Unicode.Scalar]) { self.scalars = scalars }

    var peek: Unicode.Scalar? { index < scalars.count ? scalars[index] : nil }

    mutating func skip(_ scalar: Unicode.Scalar) -> Bool {
        guard peek == scalar else { return false }
        index += 1
        return true
    }

    /// White space and RFC 5322 comments, which nest and may escape characters with `\`.
    mutating func skipSpaceAndComments() {
        while let scalar = peek {
            if scalar == " " || scalar == "\t" || scalar == "\r" || scalar == "\n" {
                index += 1
            } else if scalar == "(" {
                index = Comments.end(in: scalars, from: index)
            } else {
                return
            }
        }
    }

    /// Characters up to one of `stops`, white space before a comment, or the end; a comment
    /// inside is skipped.
    mutating func token(until stops: Set<Unicode.Scalar>) -> String {
        var text = String.UnicodeScalarView()
        while let scalar = peek, !stops.contains(scalar) {
            if scalar == "(" {
                skipSpaceAndComments()
                continue
            }
            text.append(scalar)
            index += 1
        }
        return String(String(text).trimmingCharacters(in: .whitespaces))
    }

    /// A quoted string, starting at its `"`: backslash escapes removed; an unclosed one runs to
    /// the end.
    mutating func quotedString() -> String {
        index += 1
        var text = String.UnicodeScalarView()
        while let scalar = peek {
            index += 1
            if scalar == "\"" { break }
            if scalar == "\\", let escaped = peek {
                index += 1
                text.append(escaped)
            } else {
                text.append(scalar)
            }
        }
        return String(text)
    }
}
