/// Filterable facts about a document, written as tokens in the FTS table's `facets` column.
///
/// A filter then becomes a term ANDed into the MATCH expression, and FTS5 intersects it with
/// the query's terms inside its own index, walking doclists in rowid order. Joining every
/// match to the document table instead costs a row lookup per match: a second for a common
/// word at a million documents.
///
/// Tokens are letters and digits only (the tokenizer splits on anything else) behind a `zz`
/// prefix no English word has; the tokenizer stems them like any word, identically when
/// indexing and when querying, so they match exactly.
enum SearchFacets {
    static func kind(_ kind: String) -> String { "zzk" + plain(kind) }
    static func series(_ series: String) -> String { "zzs" + plain(series) }
    static func state(_ state: String) -> String { "zzst" + plain(state) }
    static func year(_ year: Int) -> String { "zzy\(year)" }
    static func month(_ year: Int, _ month: Int) -> String { "zzm\(year)\(month < 10 ? "0" : "")\(month)" }

    /// The facet tokens of a document in a submission.
    static func tokens(of document: IndexedDocument, in submission: IndexedSubmission) -> String {
        var tokens = [kind(document.kind), state(submission.state)]
        if let name = submission.series { tokens.append(series(name)) }
        if let (year, month) = yearAndMonth(document.date) {
            tokens.append(Self.year(year))
            tokens.append(Self.month(year, month))
        }
        return tokens.joined(separator: " ")
    }

    /// The FTS5 expression for documents dated within `from`…`to` (either may be open), to
    /// month precision: whole years where a range covers them, months at its edges. The exact
    /// day bounds are applied to the few rows ranked (see `SearchIndex.search`).
    static func dateRange(from: String?, to: String?) -> String? {
        guard from != nil || to != nil else { return nil }
        let start = yearAndMonth(from) ?? (1900, 1)
        let end = yearAndMonth(to) ?? (2199, 12)
        guard (start.0, start.1) <= (end.0, end.1) else { return "facets : \"zznone\"" }
        var terms: [String] = []
        for year in start.0...end.0 {
            let firstMonth = year == start.0 ? start.1 : 1
            let lastMonth = year == end.0 ? end.1 : 12
            if firstMonth == 1 && lastMonth == 12 {
                terms.append(Self.year(year))
            } else {
                for month in firstMonth...lastMonth { terms.append(Self.month(year, month)) }
            }
        }
        return "facets : (" + terms.map { "\"\($0)\"" }.joined(separator: " OR ") + ")"
    }

    static func yearAndMonth(_ date: String?) -> (Int, Int)? {
        guard let date, date.count >= 7, let year = Int(date.prefix(4)),
            let month = Int(date.dropFirst(5).prefix(2))
        else { return nil }
        return (year, month)
    }

    static func plain(_ text: String) -> String {
        String(
            text.lowercased().unicodeScalars.filter { ("a"..."z").contains($0) || ("0"..."9").contains($0) }.map(
                Character.init))
    }
}
