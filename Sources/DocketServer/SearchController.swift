import Archive
import DocketKit
import Foundation
import Hummingbird
import Index
import Workflow

/// The search page: a query and filters in, a page of ranked documents out. Searches take a
/// slot of the shared `WorkLimiter`, as the API's do.
struct SearchController: Sendable {
    typealias Context = DocketRequestContext

    let docket: DocketArchive
    let pages: Pages
    let searches: WorkLimiter

    /// Hits per page.
    static let pageSize = 20

    var routes: RouteCollection<Context> {
        RouteCollection(context: Context.self)
            .get("search", use: search)
    }

    // MARK: - Handlers

    @Sendable func search(_ request: Request, context: Context) async throws -> Response {
        let user = try context.requireUser()
        let parameters = request.uri.queryParameters
        let model = try await searchModel(
            for: user, query: parameters.get("q") ?? "", kind: parameters.get("kind") ?? "",
            party: parameters.get("party") ?? "",
            state: parameters.get("state") ?? "", from: parameters.get("from") ?? "", to: parameters.get("to") ?? "",
            page: parameters.get("page").flatMap(Int.init) ?? 1)
        return pages.render("search", SimplePage(chrome: await Chrome("Search", context, docket: docket), model: model))
    }

    // MARK: - Helpers

    func searchModel(
        for user: String, query: String, kind: String, party: String, state: String, from: String, to: String, page: Int
    ) async throws -> SearchModel {
        var model = SearchModel(
            query: query, kind: kind, party: party, state: state, from: from, to: to,
            kinds: DocumentKind.allCases.map { .init(value: $0.rawValue, selected: $0.rawValue == kind) },
            states: try await Self.stateOptions(docket, selected: state), hits: [],
            searched: false, error: nil, page: max(1, page), previousPage: nil, nextPage: nil, note: nil, count: nil)
        let trimmed = query.trimmingCharacters(in: .whitespaces)
        guard !trimmed.isEmpty || !kind.isEmpty || !party.isEmpty || !state.isEmpty || !from.isEmpty || !to.isEmpty
        else { return model }
        model.searched = true
        let request: SearchRequest
        do {
            request = SearchRequest(
                query: trimmed.isEmpty ? nil : try SearchQuery(trimmed), kinds: kind.isEmpty ? [] : [kind],
                party: party.isEmpty ? nil : party, state: state.isEmpty ? nil : state, from: from.isEmpty ? nil : from,
                to: to.isEmpty ? nil : to, limit: Self.pageSize, offset: (model.page - 1) * Self.pageSize,
                countsMatches: true)
        } catch {
            model.error = "\(error)"
            return model
        }
        do {
            let results = try await searches.run {
                try await blocking { [docket] in try docket.search(request, for: user) }
            }
            model.hits = results.hits.map(SearchModel.Hit.init)
            model.count = Self.countText(results)
            model.previousPage = model.page > 1 ? model.page - 1 : nil
            model.nextPage = results.hasMore ? model.page + 1 : nil
            if let window = results.rankedAmongNewest {
                model.note = "Many documents match: these are ranked among the \(window) newest matches."
            }
        } catch let error as WebError {
            model.error = error.message
        }
        return model
    }

    /// The states a submission can be in (every workflow's, in each workflow's order, once
    /// each), to choose from rather than type.
    static func stateOptions(_ docket: DocketArchive, selected: String) async throws -> [SearchModel.KindOption] {
        let workflows = try await blocking { [docket] in try docket.workflows() }
        let labels = StateLabels(workflows)
        var seen: Set<String> = []
        let states = workflows.flatMap { $0.states.map(\.id) }.filter { seen.insert($0).inserted }
        return states.map { .init(value: $0, label: labels.label(of: $0), selected: $0 == selected) }
    }

    /// How many documents match, as a person reads it.
    static func countText(_ results: SearchResults) -> String? {
        if results.matchCountIsCapped {
            return "More than \(SearchIndex.countLimit.formatted()) documents match."
        }
        switch results.matchCount {
        case nil, 0: return nil  // the page says "No documents match."
        case 1: return "1 document matches."
        case let count?: return "\(count.formatted()) documents match."
        }
    }

    /// A snippet as HTML: the text escaped, the matches in `<mark>`.
    static func highlighted(_ snippet: String) -> String {
        var html = ""
        for character in snippet {
            switch character {
            case "<": html += "&lt;"
            case ">": html += "&gt;"
            case "&": html += "&amp;"
            case "\"": html += "&quot;"
            case "'": html += "&#39;"
            case Character(SearchIndex.highlightStart): html += "<mark>"
            case Character(SearchIndex.highlightEnd): html += "</mark>"
            default: html.append(character)
            }
        }
        return html
    }
}

// MARK: - Page model

struct SearchModel: Sendable {
    struct Hit: Sendable {
        var reference: String
        var sha256: String
        var title: String
        var kind: String
        var date: String?
        var parties: String
        /// Escaped text and `<mark>` only: built here, shown with triple braces.
        var snippetHTML: String
        /// An email: the page links to it with its replies.
        var isEmail = false
    }

    var query: String
    var kind: String
    var party: String
    var state: String
    var from: String
    var to: String
    var kinds: [KindOption]
    /// Every state of the archive's workflows, the chosen one selected.
    var states: [KindOption]
    var hits: [Hit]
    var searched: Bool
    var error: String?
    var page: Int
    var previousPage: Int?
    var nextPage: Int?
    var note: String?
    /// "23 documents match", "More than 1,000 documents match"; nil before a search.
    var count: String?

    struct KindOption: Sendable {
        var value: String
        /// What the list shows (the value when nil, as for document kinds).
        var label: String? = nil
        var selected: Bool
    }
}

extension SearchModel.Hit {
    /// The one mapping from a search hit to a line of the search page.
    init(_ hit: DocumentHit) {
        self.init(
            reference: hit.reference, sha256: hit.sha256, title: hit.title, kind: hit.kind, date: hit.date,
            parties: ([hit.creator].compactMap { $0 } + hit.addressees).joined(separator: " → "),
            snippetHTML: SearchController.highlighted(hit.snippet),
            isEmail: hit.mediaType == "message/rfc822")
    }
}
