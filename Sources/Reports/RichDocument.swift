/// A document as the council's templates describe it, independent of the output format:
/// a title, a header table and a run of blocks. `HTMLRenderer` and `DOCXWriter` turn the same
/// value into HTML (the web and print) and WordprocessingML (what officers edit in Word), so
/// the two formats can never say different things.
public struct RichDocument: Sendable, Hashable {
    /// The document's title (HTML `<title>`, DOCX core property `dc:title`).
    public var title: String
    /// A line above everything else, e.g. the Board's name.
    public var banner: String?
    public var blocks: [Block]

    public init(title: String, banner: String? = nil, blocks: [Block]) {
        self.title = title
        self.banner = banner
        self.blocks = blocks
    }

    /// One block of content, in reading order.
    public enum Block: Sendable, Hashable {
        /// A section heading, e.g. number "1", text "INTRODUCTION" (level 1), or a sub-heading
        /// (level 2) such as "Annex A: …".
        case heading(number: String?, text: String, level: Int)
        /// A paragraph, numbered ("1.1") or not.
        case paragraph(number: String?, text: String)
        /// An ordered list numbered 1, 2, 3 … (e.g. "The Board is asked to:").
        case numberedList([String])
        /// A bulleted list (e.g. the parts of an annex).
        case bulletList([String])
        /// A table whose first row is a header row, e.g. TITLE / SERVICE / ITEM NO / DATE.
        case table(header: [String], rows: [[String]])
        /// A notice set apart from the text, e.g. "Exempt: not for publication".
        case notice(String)
    }
}
