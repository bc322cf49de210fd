extension Wording {
    /// Bytes in one megabyte as people meet it in file managers and browsers (1024 × 1024).
    public static let bytesPerMegabyte = 1024 * 1024

    /// A size for people, in megabytes to one decimal place: "120.3 MB", and "100 MB" for a
    /// whole number (a limit reads better without ".0").
    ///
    /// Rounded up, so that a file one byte over a limit never reads as the limit itself.
    public static func megabytes(_ bytes: Int) -> String {
        let tenths = (bytes * 10 + bytesPerMegabyte - 1) / bytesPerMegabyte
        return tenths % 10 == 0 ? "\(tenths / 10) MB" : "\(tenths / 10).\(tenths % 10) MB"
    }

    /// Why something is refused for its size: "the file is 120.3 MB, over the 100 MB limit".
    public static func overSizeLimit(_ what: String, bytes: Int, limit: Int) -> String {
        "\(what) is \(megabytes(bytes)), over the \(megabytes(limit)) limit"
    }
}
