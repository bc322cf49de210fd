import Foundation

/// Text from bytes in a MIME charset: Foundation's decoders where they exist, and the few
/// code points of ISO-8859-15 that Foundation on Linux lacks.
enum Charsets {
    /// The text of `bytes` in `charset`, or nil if the charset is unknown or the bytes are not
    /// valid in it (the caller then records a problem and decodes lossily).
    static func decode(_ bytes: some Collection<UInt8>, charset: String) -> String? {
        switch normalized(charset) {
        case "utf-8", "utf8":
            return String(validating: bytes, as: UTF8.self)
        case "us-ascii", "ascii", "ansi_x3.4-1968":
            // Mislabelled 8-bit text is common; the bytes are kept if they are valid UTF-8.
            return String(validating: bytes, as: UTF8.self) ?? latin1(bytes)
        case "iso-8859-1", "iso8859-1", "latin1", "latin-1", "l1":
            return latin1(bytes)
        case "iso-8859-15", "iso8859-15", "latin-9", "latin9":
            return latin9(bytes)
        case "windows-1252", "cp1252":
            return windows1252(bytes)
        default:
            return nil
        }
    }

    /// Whether `decode` knows `charset`.
    static func isKnown(_ charset: String) -> Bool {
        decode([], charset: charset) != nil
    }

    /// Header bytes in no declared charset: UTF-8 when they are valid UTF-8, else Windows-1252
    /// (a superset of ISO-8859-1 in its printable range, the commonest 8-bit sender).
    static func headerText(_ bytes: some Collection<UInt8>) -> String {
        if bytes.allSatisfy({ $0 < 0x80 }) { return String(decoding: bytes, as: UTF8.self) }
        return String(validating: bytes, as: UTF8.self) ?? windows1252(bytes)
    }

    static func normalized(_ charset: String) -> String {
        charset.trimmingCharacters(in: .whitespaces).lowercased().replacingOccurrences(of: "_", with: "-")
    }

    static func latin1(_ bytes: some Collection<UInt8>) -> String {
        String(String.UnicodeScalarView(bytes.map { Unicode.Scalar($0) }))
    }

    /// ISO-8859-15 differs from ISO-8859-1 in eight code points (the euro sign among them).
    static func latin9(_ bytes: some Collection<UInt8>) -> String {
        let replaced: [UInt8: UInt32] = [
            0xA4: 0x20AC, 0xA6: 0x0160, 0xA8: 0x0161, 0xB4: 0x017D, 0xB8: 0x017E, 0xBC: 0x0152, 0xBD: 0x0153,
            0xBE: 0x0178,
        ]
        return String(
            String.UnicodeScalarView(
                bytes.map { byte in replaced[byte].flatMap(Unicode.Scalar.init) ?? Unicode.Scalar(byte) }))
    }

    /// Foundation's Windows-1252, with the five bytes it leaves undefined read as ISO-8859-1
    /// (C1 controls), as Python and browsers do, so that no byte is lost.
    static func windows1252(_ bytes: some Collection<UInt8>) -> String {
        if let text = String(bytes: Array(bytes), encoding: .windowsCP1252) { return text }
        return String(
            String.UnicodeScalarView(
                bytes.map { byte in
                    if (0x80...0x9F).contains(byte),
                        let text = String(bytes: [byte], encoding: .windowsCP1252),
                        let scalar = text.unicodeScalars.first
                    {
                        return scalar
                    }
                    return Unicode.Scalar(byte)
                }))
    }
}
