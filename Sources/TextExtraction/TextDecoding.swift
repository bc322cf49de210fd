/// Turns the bytes of a plain-text document into a string without ever failing.
///
/// A byte-order mark decides first (UTF-8, UTF-16 LE or BE; the mark itself is dropped).
/// Otherwise valid UTF-8 is read as UTF-8, and anything else as Windows-1252 — the superset
/// of Latin-1 that older Windows mail and office software wrote — so a letter typed in 2005
/// still reads "café", not "caf\u{FFFD}".
enum TextDecoding {
    /// The text in `bytes`.
    ///
    /// - Parameter wasCut: the bytes are a prefix of the document, so the last character may
    ///   be incomplete; it is then dropped instead of disqualifying the whole text as UTF-8.
    static func decode(_ bytes: [UInt8], wasCut: Bool = false) -> String {
        if bytes.starts(with: [0xEF, 0xBB, 0xBF]) {
            return String(decoding: bytes.dropFirst(3), as: UTF8.self)
        }
        if bytes.starts(with: [0xFF, 0xFE]) { return utf16(bytes.dropFirst(2), bigEndian: false) }
        if bytes.starts(with: [0xFE, 0xFF]) { return utf16(bytes.dropFirst(2), bigEndian: true) }
        if let text = validUTF8(bytes[...]) { return text }
        if wasCut, let text = validUTF8(bytes[..<completeUTF8Prefix(bytes)]) { return text }
        return windows1252(bytes)
    }

    /// The text if `bytes` are valid UTF-8, else nil (the standard library's validating
    /// initialiser: vectorised, unlike decoding scalar by scalar).
    static func validUTF8(_ bytes: ArraySlice<UInt8>) -> String? {
        String(validating: bytes, as: UTF8.self)
    }

    /// The end of the longest prefix of `bytes` that does not stop inside a UTF-8 sequence.
    static func completeUTF8Prefix(_ bytes: [UInt8]) -> Int {
        // A sequence is at most 4 bytes: look back at most 3 for the lead byte of the last one.
        var index = bytes.count
        var continuations = 0
        while index > 0, continuations < 4, bytes[index - 1] & 0xC0 == 0x80 {
            index -= 1
            continuations += 1
        }
        guard index > 0 else { return bytes.count }
        let lead = bytes[index - 1]
        let length = lead < 0x80 ? 1 : lead >= 0xF0 ? 4 : lead >= 0xE0 ? 3 : lead >= 0xC0 ? 2 : 1
        return continuations + 1 < length ? index - 1 : bytes.count
    }

    private static func utf16(_ bytes: ArraySlice<UInt8>, bigEndian: Bool) -> String {
        var units: [UInt16] = []
        units.reserveCapacity(bytes.count / 2)
        var index = bytes.startIndex
        while index + 1 < bytes.endIndex {
            let (first, second) = (UInt16(bytes[index]), UInt16(bytes[index + 1]))
            units.append(bigEndian ? first << 8 | second : second << 8 | first)
            index += 2
        }
        return String(decoding: units, as: UTF16.self)
    }

    private static func windows1252(_ bytes: [UInt8]) -> String {
        var scalars = String.UnicodeScalarView()
        for byte in bytes {
            if (0x80...0x9F).contains(byte), let scalar = Unicode.Scalar(windows1252High[Int(byte) - 0x80]) {
                scalars.append(scalar)
            } else {
                scalars.append(Unicode.Scalar(byte))
            }
        }
        return String(scalars)
    }

    /// Windows-1252 for 0x80–0x9F; the five unassigned bytes keep their Latin-1 (C1) value.
    private static let windows1252High: [UInt32] = [
        0x20AC, 0x0081, 0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021,
        0x02C6, 0x2030, 0x0160, 0x2039, 0x0152, 0x008D, 0x017D, 0x008F,
        0x0090, 0x2018, 0x2019, 0x201C, 0x201D, 0x2022, 0x2013, 0x2014,
        0x02DC, 0x2122, 0x0161, 0x203A, 0x0153, 0x009D, 0x017E, 0x0178,
    ]
}
