/// Limits applied when parsing untrusted XML. The defaults are the hardened ones; there is
/// deliberately no switch to allow DTDs, entity expansion, XInclude or network access.
public struct XMLParseOptions: Sendable, Hashable {
    /// Inputs larger than this many bytes are refused before libxml2 sees them.
    public var maximumInputSize: Int
    /// Elements nested deeper than this are refused (libxml2's own limit is 256).
    public var maximumDepth: Int

    /// 16 MiB: far above any metadata file, far below what would strain the machine.
    public static let defaultMaximumInputSize = 16 * 1024 * 1024

    public init(maximumInputSize: Int = defaultMaximumInputSize, maximumDepth: Int = 128) {
        self.maximumInputSize = maximumInputSize
        self.maximumDepth = maximumDepth
    }

    /// The hardened defaults.
    public static let `default` = XMLParseOptions()
}
