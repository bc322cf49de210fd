import ArgumentParser
import DocketKit
import Foundation
import Index
import Workflow

/// `docket search`
struct SearchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "search",
        abstract: "Find archived documents by text, party, kind, series, state and date.",
        discussion: """
            QUERY: words (all must appear), "exact phrases", prefix* (e.g. commission*), and \
            AND, OR, NOT and parentheses, written in capitals (NOT binds tightest, then AND, then \
            OR): 'mayor OR "chief executive"', 'grants NOT housing'. Words are matched by their \
            stem, so "councils" finds "council". Filters alone (no QUERY) list the newest \
            documents that match them.

            Results are ranked by relevance (BM25). A query matching more than \
            \(SearchIndex.rankingWindow) documents is ranked among its \(SearchIndex.rankingWindow) \
            newest matches, and says so.

            The search index (index.sqlite in the archive) is brought up to date first: \
            submissions written by another process or restored from a backup are read again.

            Exit status: 0 (also when nothing is found), 1 bad query or filter, 2 usage error.
            """
    )

    @OptionGroup var archive: ArchiveOptions
    @OptionGroup var output: OutputFormat
    @Argument(help: "What to search for (optional when a filter is given).") var query: String?
    @Option(name: .long, help: ArgumentHelp("Only documents of this kind (repeatable).", valueName: "KIND"))
    var kind: [String] = []
    @Option(name: .long, help: ArgumentHelp("Only documents from or to this party (words of a name).", valueName: "P"))
    var party: String?
    @Option(name: .long, help: ArgumentHelp("Only submissions of this series.", valueName: "S")) var series: String?
    @Option(name: .long, help: ArgumentHelp("Only submissions now in this state.", valueName: "S")) var state: String?
    @Option(name: .long, help: ArgumentHelp("Only documents dated on or after (YYYY-MM-DD).", valueName: "DATE"))
    var from: String?
    @Option(name: .long, help: ArgumentHelp("Only documents dated on or before (YYYY-MM-DD).", valueName: "DATE"))
    var to: String?
    @Option(name: .long, help: "At most this many results (1-1000).") var limit = 20
    @Option(name: .long, help: "Skip this many results (for paging).") var offset = 0

    func validate() throws {
        let filters = !kind.isEmpty || party != nil || series != nil || state != nil || from != nil || to != nil
        if query == nil && !filters {
            throw ValidationError("give a QUERY, a filter (--kind, --party, --series, --state, --from, --to) or both")
        }
        for name in kind where DocumentKind(rawValue: name) == nil {
            let kinds = DocumentKind.allCases.map(\.rawValue).joined(separator: ", ")
            throw ValidationError("unknown kind '\(name)'; kinds are \(kinds)")
        }
    }

    func run() throws {
        let docket = try archive.open()
        var parsed: SearchQuery?
        if let query {
            do {
                parsed = try SearchQuery(query)
            } catch {
                throw DocketError.index(error)
            }
        }
        let request = SearchRequest(
            query: parsed, kinds: kind, party: party, series: series, state: state, from: from, to: to, limit: limit,
            offset: offset)
        let display = ProgressDisplay()
        defer { display.finish() }
        let results = try docket.search(request, progress: IndexProgressReporter(display).report)
        display.finish()
        if output.json { return try printJSON(SearchJSON(results)) }
        if results.hits.isEmpty {
            print("no documents found")
            return
        }
        let highlight = isatty(STDOUT_FILENO) != 0 ? ("\u{1B}[1m", "\u{1B}[0m") : ("«", "»")
        for (number, hit) in results.hits.enumerated() {
            print("\(offset + number + 1). \(hit.reference)  \(hit.title)")
            let parties = ([hit.creator].compactMap { $0 } + hit.addressees).joined(separator: "; ")
            print("   \(hit.kind)  \(hit.date ?? "undated")  \(parties)")
            let snippet = hit.snippet.replacingOccurrences(of: SearchIndex.highlightStart, with: highlight.0)
                .replacingOccurrences(of: SearchIndex.highlightEnd, with: highlight.1)
            if !snippet.isEmpty { print("   \(snippet)") }
            if let note = hit.textNote { print("   (text not searchable: \(note))") }
            print("   sha256 \(hit.sha256)")
        }
        if let window = results.rankedAmongNewest {
            print("(many documents match: ranked among the \(window) newest matches; narrow the query or add a filter)")
        }
        if results.hasMore { print("(more results: --offset \(offset + results.hits.count))") }
    }
}

/// Search results as stable JSON. Matches in `snippet` are marked «like this».
struct SearchJSON: Encodable {
    struct Hit: Encodable {
        var reference: String
        var submissionTitle: String
        var state: String
        var sha256: String
        var title: String
        var kind: String
        var date: String?
        var creator: String?
        var addressees: [String]
        var annex: String?
        var mediaType: String
        var originalFileName: String
        var snippet: String
        var textExtracted: Bool
        var textNote: String?
        var relations: [[String: String]]

        init(_ hit: DocumentHit) {
            reference = hit.reference
            submissionTitle = hit.submissionTitle
            state = hit.submissionState
            sha256 = hit.sha256
            title = hit.title
            kind = hit.kind
            date = hit.date
            creator = hit.creator
            addressees = hit.addressees
            annex = hit.annex
            mediaType = hit.mediaType
            originalFileName = hit.originalFileName
            snippet = hit.snippet.replacingOccurrences(of: SearchIndex.highlightStart, with: "«")
                .replacingOccurrences(of: SearchIndex.highlightEnd, with: "»")
            textExtracted = hit.textNote == nil
            textNote = hit.textNote
            relations = hit.relations.map { ["kind": $0.kind, "target": $0.target] }
        }
    }

    var results: [Hit]
    var hasMore: Bool
    var rankedAmongNewest: Int?

    init(_ results: SearchResults) {
        self.results = results.hits.map(Hit.init)
        hasMore = results.hasMore
        rankedAmongNewest = results.rankedAmongNewest
    }
}

/// Shows index sync progress on a `ProgressDisplay`.
struct IndexProgressReporter: Sendable {
    let display: ProgressDisplay

    init(_ display: ProgressDisplay) { self.display = display }

    @Sendable func report(_ progress: IndexProgress) {
        switch progress {
        case .checking(let done, let total):
            // Checking is quick; only a large archive is worth a bar.
            if total >= 5_000 { display.update("checking submissions", done, total) }
        case .reading(let done, let total):
            if total >= 20 { display.update("indexing submissions", done, total) }
        }
    }
}

/// `docket reindex`
struct ReindexCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "reindex",
        abstract: "Rebuild the search index from the archive alone.",
        discussion: """
            The index (index.sqlite in the archive) is a cache: this throws it away and reads \
            every submission again. Searching does not need it — a changed archive is picked up \
            when it is opened — but after copying an archive or upgrading Docket it makes the \
            next search fast. The new index replaces the old only when complete.
            """
    )

    @OptionGroup var archive: ArchiveOptions
    @OptionGroup var output: OutputFormat

    struct Report: Encodable {
        var submissions: Int
        var unreadable: [String: String]
        var documentsWithoutText: Int
    }

    func run() throws {
        let docket = try archive.open()
        let display = ProgressDisplay()
        let report: IndexSyncReport
        do {
            defer { display.finish() }
            report = try docket.reindex { progress in
                switch progress {
                case .checking: break
                case .reading(let done, let total): display.update("indexing submissions", done, total)
                }
            }
        }
        let withoutText = try docket.documentsWithoutText()
        if output.json {
            return try printJSON(
                Report(
                    submissions: report.updated, unreadable: report.unreadable, documentsWithoutText: withoutText.count)
            )
        }
        print("indexed \(report.updated) submission(s)")
        for (reference, reason) in report.unreadable.sorted(by: { $0.key < $1.key }) {
            print("could not read \(reference): \(reason) (run docket verify)")
        }
        if !withoutText.isEmpty {
            print("\(withoutText.count) document(s) searchable by metadata only (text not extracted):")
            for hit in withoutText.prefix(20) { print("  \(hit.reference) \(hit.title): \(hit.textNote ?? "")") }
        }
    }
}
