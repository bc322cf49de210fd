/// Lower-case hexadecimal, two digits a byte: how Docket writes every SHA-256 (archive files,
/// documents, workflow digests, export manifests). The one encoder, in the lowest module
/// that hashes, so that every layer above spells digests the same way.
extension Sequence<UInt8> {
    /// Lower-case hexadecimal, two digits a byte (`SHA256.hash(data:)` is such a sequence).
    public var hexadecimal: String {
        let digits = Array("0123456789abcdef".utf8)
        var text: [UInt8] = []
        text.reserveCapacity(underestimatedCount * 2)
        for byte in self {
            text.append(digits[Int(byte >> 4)])
            text.append(digits[Int(byte & 0x0F)])
        }
        return String(decoding: text, as: UTF8.self)
    }
}
