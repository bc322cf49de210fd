import Foundation

/// RFC 2045 content transfer encodings undone. Damaged input is decoded as far as it goes and
/// the damage reported, never thrown: the message is still worth reading.
enum TransferDecoding {
    /// The decoded bytes and, if the input was damaged, what was wrong.
    struct Decoded {
        var bytes: [UInt8]
        var problem: String?
    }

    /// Undoes `encoding` (`base64`, `quoted-printable`; identity for `7bit`, `8bit`, `binary`).
    static func decode(_ bytes: ArraySlice<UInt8>, encoding: String) -> Decoded {
        switch encoding.lowercased() {
        case "base64": return base64(bytes)
        case "quoted-printable": return Decoded(bytes: quotedPrintable(bytes))
        case "", "7bit", "8bit", "binary": return Decoded(bytes: Array(bytes))
        default: return Decoded(bytes: Array(bytes), problem: "unknown transfer encoding \(encoding); body kept as is")
        }
    }

    /// Base64 with line breaks and other white space skipped; other characters outside the
    /// alphabet are skipped too and reported. Foundation decodes what remains.
    static func base64(_ bytes: ArraySlice<UInt8>) -> Decoded {
        var alphabet: [UInt8] = []
        alphabet.reserveCapacity(bytes.count)
        var invalid = 0
        var ignoredAfterPadding = false
        for (offset, byte) in bytes.enumerated() {
            if byte == UInt8(ascii: "="), alphabet.count % 4 >= 2 {
                // Padding ends the data (RFC 4648 §3.3); Python's reader ignores what follows too.
                ignoredAfterPadding = bytes.dropFirst(offset + 1).contains { isAlphabet($0) }
                break
            }
            if isAlphabet(byte) {
                alphabet.append(byte)
            } else if ![UInt8(ascii: "="), 0x20, 0x09, 0x0D, 0x0A].contains(byte) {
                invalid += 1
            }
        }
        var problems: [String] = []
        if invalid > 0 { problems.append("\(invalid) characters outside base64 skipped") }
        if ignoredAfterPadding { problems.append("base64 data after padding ignored") }
        if alphabet.count % 4 == 1 {
            // One lone character carries no whole byte.
            alphabet.removeLast()
            problems.append("base64 ends with a lone character")
        }
        while alphabet.count % 4 != 0 { alphabet.append(UInt8(ascii: "=")) }
        let decoded = Data(base64Encoded: Data(alphabet)).map { [UInt8]($0) } ?? []
        return Decoded(bytes: decoded, problem: problems.isEmpty ? nil : problems.joined(separator: "; "))
    }

    private static func isAlphabet(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"),
            UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "+"), UInt8(ascii: "/"):
            true
        default: false
        }
    }

    /// Quoted-printable: `=XX` escapes, `=` at a line end joins lines (a soft line break), white
    /// space at a line end is transport padding and dropped; a malformed `=` is kept as it is.
    static func quotedPrintable(_ bytes: ArraySlice<UInt8>) -> [UInt8] {
        var output: [UInt8] = []
        output.reserveCapacity(bytes.count)
        var lineStart = bytes.startIndex
        while lineStart < bytes.endIndex {
            var lineEnd = bytes[lineStart...].firstIndex(of: UInt8(ascii: "\n")) ?? bytes.endIndex
            let hasNewline = lineEnd < bytes.endIndex
            let next = hasNewline ? lineEnd + 1 : lineEnd
            if lineEnd > lineStart && bytes[lineEnd - 1] == UInt8(ascii: "\r") { lineEnd -= 1 }
            while lineEnd > lineStart && (bytes[lineEnd - 1] == 0x20 || bytes[lineEnd - 1] == 0x09) { lineEnd -= 1 }
            var index = lineStart
            var soft = false
            while index < lineEnd {
                let byte = bytes[index]
                if byte == UInt8(ascii: "=") {
                    if index + 1 == lineEnd {
                        soft = true
                        index += 1
                        continue
                    }
                    if index + 2 < lineEnd, let high = hexValue(bytes[index + 1]),
                        let low = hexValue(bytes[index + 2])
                    {
                        output.append(high << 4 | low)
                        index += 3
                        continue
                    }
                }
                output.append(byte)
                index += 1
            }
            if hasNewline && !soft {
                output.append(contentsOf: bytes[lineEnd..<next].contains(UInt8(ascii: "\r")) ? [13, 10] : [10])
            }
            lineStart = next
        }
        return output
    }

    static func hexValue(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): byte - UInt8(ascii: "0")
        case UInt8(ascii: "A")...UInt8(ascii: "F"): byte - UInt8(ascii: "A") + 10
        case UInt8(ascii: "a")...UInt8(ascii: "f"): byte - UInt8(ascii: "a") + 10
        default: nil
        }
    }
}
