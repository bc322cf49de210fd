/// RFC 2047 encoded words (`=?charset?B?…?=`, `=?charset?Q?…?=`) in header text.
enum EncodedWords {
    /// `text` with its encoded words decoded. White space between two adjacent encoded words is
    /// dropped (RFC 2047 §6.2); a word that cannot be decoded is left as written.
    static func decode(_ text: String, problems: inout [String]) -> String {
        guard text.contains("=?") else { return text }
        var output = ""
        var pendingSpace = ""
        var lastWasEncoded = false
        var rest = Substring(text)
        while !rest.isEmpty {
            if rest.hasPrefix("=?"), let (decoded, length) = word(rest, problems: &problems) {
                if !lastWasEncoded { output += pendingSpace }
                pendingSpace = ""
                output += decoded
                lastWasEncoded = true
                rest = rest.dropFirst(length)
                continue
            }
            let character = rest.removeFirst()
            if character == " " || character == "\t" {
                pendingSpace.append(character)
                continue
            }
            output += pendingSpace
            pendingSpace = ""
            output.append(character)
            lastWasEncoded = false
        }
        return output + pendingSpace
    }

    /// The decoded text of the encoded word at the start of `text` and its length in characters.
    private static func word(_ text: Substring, problems: inout [String]) -> (String, Int)? {
        let fields = text.prefix(2_000).dropFirst(2).split(
            separator: "?", maxSplits: 3, omittingEmptySubsequences: false)
        guard fields.count == 4, fields[3].hasPrefix("="), !fields[0].isEmpty, fields[1].count == 1,
            !fields[2].contains(" ")
        else { return nil }
        // (A word is at most 75 characters; the prefix keeps a header full of `=?` linear.)
        // RFC 2231 §5 adds a language after the charset: `utf-8*en`.
        let charset = String(fields[0].split(separator: "*", maxSplits: 1).first ?? fields[0])
        let payload = Array(fields[2].utf8)
        let bytes: [UInt8]
        switch fields[1] {
        case "B", "b":
            let decoded = TransferDecoding.base64(payload[...])
            if let problem = decoded.problem { problems.append("encoded word: \(problem)") }
            bytes = decoded.bytes
        case "Q", "q":
            bytes = qDecode(payload)
        default:
            return nil
        }
        let length = 2 + fields[0].count + 1 + 1 + 1 + fields[2].count + 2
        if let text = Charsets.decode(bytes, charset: charset) { return (text, length) }
        problems.append("encoded word in unknown charset \(charset) read as UTF-8")
        return (String(decoding: bytes, as: UTF8.self), length)
    }

    /// The Q encoding: quoted-printable's `=XX`, with `_` for a space.
    private static func qDecode(_ payload: [UInt8]) -> [UInt8] {
        var bytes: [UInt8] = []
        var index = 0
        while index < payload.count {
            let byte = payload[index]
            if byte == UInt8(ascii: "_") {
                bytes.append(0x20)
            } else if byte == UInt8(ascii: "="), index + 2 < payload.count,
                let high = TransferDecoding.hexValue(payload[index + 1]),
                let low = TransferDecoding.hexValue(payload[index + 2])
            {
                bytes.append(high << 4 | low)
                index += 2
            } else {
                bytes.append(byte)
            }
            index += 1
        }
        return bytes
    }
}
