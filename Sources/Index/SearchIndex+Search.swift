import Foundation
import GRDB

/// What to look for: an optional query and any filters. Filters alone list the newest matches.
public struct SearchRequest: Sendable, Hashable {
    public var query: SearchQuery?
    /// Document kinds to keep (any of them); empty keeps all.
    public var kinds: [String]
    /// Words that must appear, as a phrase, among a document's creator and addressees.
    public var party: String?
    public var series: String?
    /// The submission's current state.
    public var state: String?
    /// Inclusive range of the document's date, `YYYY-MM-DD`.
    public var from: String?
    public var to: String?
    public var limit: Int
    public var offset: Int
    /// Whether to count the matches (up to `SearchIndex.countLimit`): one more query, which a
    /// person reading a results page wants and a script paging through them does not.
    public var countsMatches: Bool
    /// What the asker may not see, left out of the hits, the counts and the snippets alike;
    /// nil: everything (someone cleared for all of it).
    public var restriction: SearchRestriction?
    /// Rank by FTS5's own `bm25()` and let FTS5 match prefixes against its stems, as Docket did
    /// before it kept term statistics: slower on broad words, phrases and prefixes. For
    /// measuring against (the benchmark's baseline), never for people.
    public var usesFTS5Ranking = false

    public init(
        query: SearchQuery? = nil, kinds: [String] = [], party: String? = nil, series: String? = nil,
        state: String? = nil, from: String? = nil, to: String? = nil, limit: Int = 20, offset: Int = 0,
        countsMatches: Bool = false
    ) {
        self.query = query
        self.kinds = kinds
        self.party = party
        self.series = series
        self.state = state
        self.from = from
        self.to = to
        self.limit = limit
        self.offset = offset
        self.countsMatches = countsMatches
    }
}

/// Documents a search leaves out because the asker is not cleared for them: every document
/// whose protective marking is not one of `openMarkings`, and every document of the
/// submissions in `hiddenSubmissions` (items exempt from publication). Applied in the same SQL
/// as the match, so a restricted document adds nothing to a count and gives no snippet.
public struct SearchRestriction: Sendable, Hashable {
    public var openMarkings: [String]
    public var hiddenSubmissions: [String]

    public init(openMarkings: [String], hiddenSubmissions: [String]) {
        self.openMarkings = openMarkings
        self.hiddenSubmissions = hiddenSubmissions
    }

    /// The SQL condition on `d` (document) and `s` (submission), and its arguments.
    var condition: (sql: String, arguments: [any DatabaseValueConvertible]) {
        var parts = [
            openMarkings.isEmpty
                ? "0"
                : "upper(trim(d.marking)) IN (\(Array(repeating: "?", count: openMarkings.count).joined(separator: ", ")))"
        ]
        if !hiddenSubmissions.isEmpty {
            parts.append(
                "s.reference NOT IN (\(Array(repeating: "?", count: hiddenSubmissions.count).joined(separator: ", ")))")
        }
        return (parts.joined(separator: " AND "), openMarkings + hiddenSubmissions)
    }
}

/// A document found by a search or listed in a thread.
public struct DocumentHit: Sendable, Hashable {
    public var reference: String
    public var submissionTitle: String
    public var submissionState: String
    public var sha256: String
    public var title: String
    public var kind: String
    public var date: String?
    public var added: Date
    public var creator: String?
    public var addressees: [String]
    public var annex: String?
    public var mediaType: String
    public var originalFileName: String
    /// Why its text is not searchable, if it is not.
    public var textNote: String?
    /// A passage around the matches, each match between `SearchIndex.highlightStart` and
    /// `highlightEnd`; the opening of the text when there was no query.
    public var snippet: String
    /// Links from this document to others: (kind, target SHA-256).
    public var relations: [IndexedRelation]
}

/// The answer to a search.
public struct SearchResults: Sendable {
    public var hits: [DocumentHit]
    /// Whether more results follow this page.
    public var hasMore: Bool
    /// Set when the query matched too many documents to rank them all within a search's time
    /// budget: ranking (BM25) was then done among this many of the newest matches.
    public var rankedAmongNewest: Int?
    /// How many documents match, counted up to one past `SearchIndex.countLimit` (a broad word at
    /// a million documents would otherwise cost a walk of its whole doclist just to say so); nil
    /// unless the request asked for it (`countsMatches`).
    public var matchCount: Int?
    /// Whether more than `SearchIndex.countLimit` documents match (the count stopped there).
    public var matchCountIsCapped: Bool { (matchCount ?? 0) > SearchIndex.countLimit }
}

extension SearchIndex {
    /// The most matches a search counts (see `SearchResults.matchCount`).
    public static let countLimit = 1000

    /// Marks the start of a match in a snippet (a control character, never in indexed text).
    public static let highlightStart = "\u{2}"
    /// Marks the end of a match in a snippet.
    public static let highlightEnd = "\u{3}"

    /// How many of the newest matches a broad query ranks by BM25. Ranking every match of a word
    /// that most letters contain ("council") costs a second at a million documents; ranking the
    /// newest few hundred costs milliseconds and is what someone searching records wants first.
    /// (2,000 was tried: ranking and phrase checks grow with the window, and p50 missed 5 ms.)
    public static let rankingWindow = 500

    /// Finds documents.
    ///
    /// - Throws: `IndexError.badFilter` for an impossible filter (a malformed date, a limit out
    ///   of range); SQLite's own errors never reach the caller as raw text.
    ///
    /// - Parameter statements: called with each SQL statement run, its values written in as SQL
    ///   literals (the benchmark replays them in `sqlite3` to compare like with like).
    public func search(
        _ request: SearchRequest, statements: ((String) -> Void)? = nil
    ) throws(IndexError) -> SearchResults {
        guard (1...1_000).contains(request.limit) else { throw .badFilter("limit must be between 1 and 1000") }
        guard request.offset >= 0 else { throw .badFilter("offset must not be negative") }
        // Named as the search page labels them; the CLI's --from and --to read the same.
        for (name, date) in [("dated from", request.from), ("dated to", request.to)] {
            if let date, !Self.isISODate(date) {
                throw .badFilter("“\(name)” must be a date YYYY-MM-DD, not '\(date)'")
            }
        }
        // The user's words come first (their phrases are the ones ranked; see RankFunction), in
        // the read below, where the plan looks up its counts and expansions.
        var terms: [String] = []
        if let party = request.party {
            guard let phrase = SearchQuery.columnPhrase("parties", party) else {
                throw .badFilter("the party to search for needs at least one word")
            }
            terms.append(phrase)
        }
        if !request.kinds.isEmpty {
            terms.append(
                "facets : (" + request.kinds.map { "\"\(SearchFacets.kind($0))\"" }.joined(separator: " OR ") + ")")
        }
        if let series = request.series { terms.append("facets : \"\(SearchFacets.series(series))\"") }
        if let state = request.state { terms.append("facets : \"\(SearchFacets.state(state))\"") }
        let run = StatementRunner(record: statements)
        return try read { db in
            var terms = terms
            var ranking: Ranking?
            if let query = request.query {
                // The user's words search the text columns only, never the facet tokens.
                if request.usesFTS5Ranking {
                    terms.insert("{title body parties context} : (\(query.expression))", at: 0)
                    ranking = .fts5
                } else {
                    let plan = try QueryPlan(query, in: db)
                    terms.insert("{title body parties context} : (\(plan.expression))", at: 0)
                    ranking = .documentCounts(plan.documentCounts)
                }
            }
            var exact: [String] = []
            var exactArguments: [any DatabaseValueConvertible] = []
            if request.from != nil || request.to != nil {
                // Open ends become the archive's own earliest and latest dates, keeping the
                // month terms few.
                // (Two subqueries: SQLite answers a lone min() or max() from the index, both
                // together only by scanning the table.)
                var bounds: Row?
                if request.from == nil || request.to == nil {
                    bounds = try run.rows(
                        db, "SELECT (SELECT min(date) FROM document), (SELECT max(date) FROM document)", []
                    ).first
                }
                let from = request.from ?? bounds?[0] ?? "1900-01-01"
                let to = request.to ?? bounds?[1] ?? "2199-12-31"
                if let range = SearchFacets.dateRange(from: from, to: to) { terms.append(range) }
                exact.append("d.date BETWEEN ? AND ?")
                exactArguments += [from, to]
            }
            if let restriction = request.restriction {
                let condition = restriction.condition
                exact.append(condition.sql)
                exactArguments += condition.arguments
            }
            guard !terms.isEmpty else {
                return try listAll(db, request: request, exact: exact, exactArguments: exactArguments, run: run)
            }
            let match = terms.joined(separator: " AND ")
            return try runSearch(
                db, match: match, exact: exact, exactArguments: exactArguments, request: request,
                ranking: ranking, run: run)
        }
    }

    /// Everything linked to a submission: its own documents, then — transitively — every
    /// document anywhere that replies to, annexes or versions one of them; by date.
    public func thread(of reference: String, restriction: SearchRestriction? = nil) throws(IndexError)
        -> [DocumentHit]
    {
        try read { db in
            let condition = restriction?.condition
            let rows = try Row.fetchAll(
                db,
                sql: """
                    WITH RECURSIVE linked(id) AS (
                        SELECT d.id FROM document d JOIN submission s ON s.id = d.submission_id WHERE s.reference = ?
                        UNION
                        SELECT r.document_id FROM linked
                        JOIN document target ON target.id = linked.id
                        JOIN relation r ON r.target_sha256 = target.sha256
                    )
                    SELECT \(Self.hitColumns), '' FROM linked
                    JOIN document d ON d.id = linked.id JOIN submission s ON s.id = d.submission_id
                    \(condition.map { "WHERE \($0.sql)" } ?? "")
                    ORDER BY coalesce(d.date, date(d.added, 'unixepoch')), d.added, d.id
                    """, arguments: StatementArguments([reference] + (condition?.arguments ?? [])))
            return try rows.map { try Self.hit($0, db) }
        }
    }

    // MARK: - Queries

    /// The columns of a `DocumentHit`, the snippet following them. Relations come in the same
    /// statement (one line "KIND TARGET" each), so a search is one or two statements in all.
    static let hitColumns = """
        s.reference, s.title, s.state, d.sha256, d.title, d.kind, d.date, d.added, d.creator, d.addressees, d.annex,
        d.media_type, d.original_file_name, d.text_note,
        (SELECT group_concat(r.kind || ' ' || r.target_sha256, char(10))
         FROM (SELECT kind, target_sha256 FROM relation WHERE document_id = d.id ORDER BY kind, target_sha256) r)
        """

    /// Runs the search's statements, telling the caller's recorder about each.
    struct StatementRunner {
        let record: ((String) -> Void)?

        func rows(_ db: Database, _ sql: String, _ arguments: [any DatabaseValueConvertible]) throws -> [Row] {
            if let record { record(Self.inline(sql, arguments)) }
            return try Row.fetchAll(db, sql: sql, arguments: StatementArguments(arguments))
        }

        /// `sql` with each `?` replaced by its value as an SQL literal. (The statements here
        /// have no `?` inside string literals.)
        static func inline(_ sql: String, _ arguments: [any DatabaseValueConvertible]) -> String {
            var result = ""
            var values = arguments.makeIterator()
            for character in sql {
                guard character == "?", let value = values.next() else {
                    result.append(character)
                    continue
                }
                switch value.databaseValue.storage {
                case .null: result += "NULL"
                case .int64(let number): result += String(number)
                case .double(let number): result += String(number)
                case .string(let text): result += "'" + text.replacingOccurrences(of: "'", with: "''") + "'"
                case .blob(let data): result += "X'" + data.map { String(format: "%02X", $0) }.joined() + "'"
                }
            }
            return result
        }
    }

    /// Runs a search whose filters are all in `match` (FTS5) except the exact day bounds.
    ///
    /// A ranked search first steps back `rankingWindow` matches from the newest (cheap: FTS5
    /// walks its doclists in rowid order without scoring); if there are that many, only
    /// matches from there on are ranked (`ranking`). Unranked (filters alone: `ranking` nil)
    /// lists the newest first.
    private func runSearch(
        _ db: Database, match: String, exact: [String], exactArguments: [any DatabaseValueConvertible],
        request: SearchRequest, ranking: Ranking?, run: StatementRunner
    ) throws -> SearchResults {
        let ranked = ranking != nil
        var conditions = ["document_text MATCH ?"] + exact
        var arguments: [any DatabaseValueConvertible] = [match] + exactArguments
        var window: Int?
        if ranked {
            // Ascending rowids run newest first (see IndexWriter).
            let probe = """
                SELECT rowid FROM document_text WHERE document_text MATCH ?
                ORDER BY rowid LIMIT 1 OFFSET ?
                """
            if let ceiling: Int64 = try run.rows(db, probe, [match, Self.rankingWindow - 1]).first?[0] {
                conditions.append("document_text.rowid <= ?")
                arguments.append(ceiling)
                window = Self.rankingWindow
            }
        }
        let passage =
            ranked
            ? "trim(replace(snippet(document_text, 1, char(2), char(3), '…', 14), char(10), ' '))"
            : "trim(replace(substr(document_text.body, 1, 160), char(10), ' '))"
        let from = """
            FROM document_text JOIN document d ON d.id = document_text.rowid
            JOIN submission s ON s.id = d.submission_id
            WHERE \(conditions.joined(separator: " AND "))
            """
        let rows: [Row]
        if case .documentCounts = ranking, let ranking {
            // Ranked by our function, the page is chosen first and only its rows are read in
            // full: SQLite computes every selected column before it sorts, and a snippet for each
            // of 500 candidates costs more than the ranking. (FTS5's own `rank` ordering is done
            // inside FTS5, which is why the single statement below is enough for it.)
            let page = try run.rows(
                db, "SELECT document_text.rowid \(from) ORDER BY \(ranking.orderBy) LIMIT ? OFFSET ?",
                arguments + ranking.arguments + [request.limit + 1, request.offset]
            ).map { $0[0] as Int64 }
            let full =
                page.isEmpty
                ? []
                : try run.rows(
                    db,
                    """
                    SELECT \(Self.hitColumns), \(passage), document_text.rowid AS page_id
                    FROM document_text JOIN document d ON d.id = document_text.rowid
                    JOIN submission s ON s.id = d.submission_id
                    WHERE document_text MATCH ? AND document_text.rowid IN (\(page.map(String.init).joined(separator: ", ")))
                    """, [match])
            let byID = Dictionary(full.map { ($0["page_id"] as Int64, $0) }, uniquingKeysWith: { first, _ in first })
            rows = page.compactMap { byID[$0] }
        } else {
            rows = try run.rows(
                db,
                "SELECT \(Self.hitColumns), \(passage) \(from) ORDER BY \(ranking?.orderBy ?? "document_text.rowid") LIMIT ? OFFSET ?",
                arguments + (ranking?.arguments ?? []) + [request.limit + 1, request.offset])
        }
        let hits = try rows.prefix(request.limit).map { try Self.hit($0, db) }
        // Counted without the ranking window, in rowid order, stopping at the limit.
        let count = """
            SELECT count(*) FROM (SELECT 1 FROM document_text JOIN document d ON d.id = document_text.rowid
            JOIN submission s ON s.id = d.submission_id
            WHERE \((["document_text MATCH ?"] + exact).joined(separator: " AND ")) LIMIT ?)
            """
        let matches: Int? =
            request.countsMatches
            ? try run.rows(db, count, [match] + exactArguments + [Self.countLimit + 1]).first?[0] ?? 0 : nil
        return SearchResults(
            hits: hits, hasMore: rows.count > request.limit, rankedAmongNewest: window, matchCount: matches)
    }

    /// How a search with words orders its candidates.
    enum Ranking {
        /// `RankFunction` with each phrase's document count.
        case documentCounts([Int])
        /// FTS5's own `bm25()` (the table's `rank`).
        case fts5

        var orderBy: String {
            switch self {
            case .documentCounts(let counts):
                "\(RankFunction.name)(document_text\(String(repeating: ", ?", count: counts.count)))"
            case .fts5: "rank"
            }
        }

        var arguments: [any DatabaseValueConvertible] {
            guard case .documentCounts(let counts) = self else { return [] }
            return counts
        }
    }

    /// No query and no filter: every document the asker may see (`exact`: the restriction's
    /// condition, if any), the newest first.
    private func listAll(
        _ db: Database, request: SearchRequest, exact: [String], exactArguments: [any DatabaseValueConvertible],
        run: StatementRunner
    ) throws -> SearchResults {
        let filter = exact.isEmpty ? "" : "WHERE " + exact.joined(separator: " AND ")
        let sql = """
            SELECT \(Self.hitColumns), trim(replace(substr(document_text.body, 1, 160), char(10), ' '))
            FROM document d JOIN submission s ON s.id = d.submission_id
            JOIN document_text ON document_text.rowid = d.id
            \(filter)
            ORDER BY d.id LIMIT ? OFFSET ?
            """
        let rows = try run.rows(db, sql, exactArguments + [request.limit + 1, request.offset])
        let hits = try rows.prefix(request.limit).map { try Self.hit($0, db) }
        let count =
            exact.isEmpty
            ? "SELECT count(*) FROM (SELECT 1 FROM document LIMIT ?)"
            : "SELECT count(*) FROM (SELECT 1 FROM document d JOIN submission s ON s.id = d.submission_id \(filter) LIMIT ?)"
        let matches: Int? =
            request.countsMatches
            ? try run.rows(db, count, exactArguments + [Self.countLimit + 1]).first?[0] ?? 0 : nil
        return SearchResults(
            hits: hits, hasMore: rows.count > request.limit, rankedAmongNewest: nil, matchCount: matches)
    }

    static func hit(_ row: Row, _ db: Database) throws -> DocumentHit {
        let relationLines: String? = row[14]
        let relations = (relationLines ?? "").split(separator: "\n").map { line in
            let parts = line.split(separator: " ", maxSplits: 1).map(String.init)
            return IndexedRelation(kind: parts[0], target: parts.count > 1 ? parts[1] : "")
        }
        let addressees: String = row[9]
        return DocumentHit(
            reference: row[0], submissionTitle: row[1], submissionState: row[2], sha256: row[3], title: row[4],
            kind: row[5], date: row[6], added: Date(timeIntervalSince1970: row[7]), creator: row[8],
            addressees: addressees.split(separator: "\n").map(String.init), annex: row[10], mediaType: row[11],
            originalFileName: row[12], textNote: row[13], snippet: row[15], relations: relations)
    }

    static func isISODate(_ text: String) -> Bool {
        let parts = text.split(separator: "-", omittingEmptySubsequences: false)
        guard parts.count == 3, parts[0].count == 4, parts[1].count == 2, parts[2].count == 2,
            let month = Int(parts[1]), let day = Int(parts[2]), Int(parts[0]) != nil
        else { return false }
        return (1...12).contains(month) && (1...31).contains(day)
    }
}

extension SearchIndex {
    /// Documents whose text is not in the index, with the reason in `textNote`.
    public func documentsWithoutText() throws(IndexError) -> [DocumentHit] {
        try read { db in
            try Row.fetchAll(
                db,
                sql: """
                    SELECT \(Self.hitColumns), '' FROM document d JOIN submission s ON s.id = d.submission_id
                    WHERE d.text_note IS NOT NULL ORDER BY s.reference, d.id
                    """
            ).map { try Self.hit($0, db) }
        }
    }
}
