/// Why a `RichDocument` could not be rendered. Both renderers check the same rules, so a
/// document that one format accepts is never refused by the other.
public enum ReportError: Error, Sendable, Hashable, CustomStringConvertible {
    /// A heading level other than 1 (a section) or 2 (a sub-heading).
    case headingLevelOutOfRange(Int)
    /// A table whose header row has no cells: neither HTML nor WordprocessingML has a table
    /// without columns.
    case tableWithoutColumns
    /// A table row whose number of cells differs from the header's (rows count from 1).
    case tableRowWidth(row: Int, cells: Int, columns: Int)
    /// A language that is not shaped like a BCP 47 tag (letters, digits and hyphens, e.g. "en-GB").
    case invalidLanguageTag(String)
    /// The DOCX package could not be assembled.
    case packagingFailed(String)

    public var description: String {
        switch self {
        case .headingLevelOutOfRange(let level):
            return "heading level \(level) is not supported (use 1 for a section, 2 for a sub-heading)"
        case .tableWithoutColumns:
            return "a table needs at least one header cell"
        case .tableRowWidth(let row, let cells, let columns):
            return "table row \(row) has \(cells) cells but the header has \(columns)"
        case .invalidLanguageTag(let tag):
            return "'\(tag)' is not a language tag such as en-GB"
        case .packagingFailed(let reason):
            return "the DOCX package could not be written: \(reason)"
        }
    }
}

extension RichDocument {
    /// Checks the rules both renderers rely on, before either writes anything.
    func validate() throws(ReportError) {
        for block in blocks {
            switch block {
            case .heading(_, _, let level):
                guard (1...2).contains(level) else { throw .headingLevelOutOfRange(level) }
            case .table(let header, let rows):
                guard !header.isEmpty else { throw .tableWithoutColumns }
                for (index, row) in rows.enumerated() where row.count != header.count {
                    throw .tableRowWidth(row: index + 1, cells: row.count, columns: header.count)
                }
            case .paragraph, .numberedList, .bulletList, .notice:
                break
            }
        }
    }
}

/// Checks that `tag` looks like a BCP 47 language tag: subtags of 1–8 ASCII letters or digits
/// joined by hyphens, the first made of letters. Not a registry lookup; it keeps spaces and
/// punctuation out of `lang` attributes and `w:lang` values.
func validateLanguageTag(_ tag: String) throws(ReportError) {
    let subtags = tag.split(separator: "-", omittingEmptySubsequences: false)
    let wellFormed = subtags.allSatisfy { subtag in
        (1...8).contains(subtag.count) && subtag.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber) }
    }
    guard wellFormed, let first = subtags.first, first.allSatisfy(\.isLetter) else {
        throw .invalidLanguageTag(tag)
    }
}
