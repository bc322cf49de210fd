import DocketKit
import Foundation
import Hummingbird
import Workflow

/// The decisions register page (`/decisions`, filtered by date, board or meeting) and each
/// decision's notice, HTML to read and print, Word to download. What a reader may see is the
/// library's answer: exempt items' decisions reach only readers cleared for them.
struct DecisionsController: Sendable {
    typealias Context = DocketRequestContext

    let docket: DocketArchive
    let pages: Pages
    let callIn: CallInPeriod

    /// Decisions per page.
    static let pageSize = 50

    var routes: RouteCollection<Context> {
        let routes = RouteCollection(context: Context.self)
            .get("decisions", use: register)
        for format in ReportFormat.allCases {
            routes.get("decisions/:meeting/:item/notice.\(format.fileExtension)") { request, context in
                try await notice(request, context: context, format: format)
            }
        }
        return routes
    }

    // MARK: - Handlers

    @Sendable func register(_ request: Request, context: Context) async throws -> Response {
        let user = try context.requireUser()
        let address = context.clientAddress
        let filters = try DecisionFilters(request)
        let query = DecisionsQuery(
            since: filters.sinceDate, board: filters.board, meeting: filters.meeting, callIn: callIn,
            limit: Self.pageSize, offset: filters.offset)
        let (page, boards) = try await blocking { [docket] in
            (try docket.decisionsRegister(query, for: user, from: address), try docket.boards())
        }
        let model = DecisionsPageModel(
            rows: page.decisions.map(DecisionRow.init), total: page.total, filters: filters,
            boards: boards.map { DecisionsPageModel.Choice(name: $0, selected: $0 == filters.board) },
            callIn: "\(callIn)",
            next: page.hasMore ? filters.href(offset: filters.offset + page.decisions.count) : nil)
        return pages.render(
            "decisions", SimplePage(chrome: await Chrome("Decisions", context, docket: docket), model: model))
    }

    @Sendable func notice(_ request: Request, context: Context, format: ReportFormat) async throws -> Response {
        let user = try context.requireUser()
        let address = context.clientAddress
        let meeting = try context.parameters.require("meeting")
        let item = try context.parameters.require("item")
        let bytes = try await blocking { [docket, callIn] in
            try docket.renderDecisionNotice(
                meeting: meeting, item: item, format: format, callIn: callIn, for: user, from: address)
        }
        return BoardController.document(
            bytes, format: format, fileName: "decision-notice-\(meeting)-item-\(item).\(format.fileExtension)")
    }
}

/// The register's filters as a query string gives them (blank fields are no filter).
struct DecisionFilters: Sendable {
    var since: String?
    var sinceDate: CalendarDate?
    var board: String?
    var meeting: String?
    var offset: Int

    init(_ request: Request) throws {
        let parameters = request.uri.queryParameters
        func value(_ name: String) -> String? {
            parameters.get(name).map { $0.trimmingCharacters(in: .whitespaces) }.flatMap { $0.isEmpty ? nil : $0 }
        }
        since = value("since")
        if let since {
            guard let date = CalendarDate(iso: since), date.description == since else {
                throw WebError.badRequest("since must be a date YYYY-MM-DD, not '\(since)'")
            }
            sinceDate = date
        }
        board = value("board")
        meeting = value("meeting")
        offset = value("offset").flatMap(Int.init).map { max(0, $0) } ?? 0
    }

    /// The register's address with these filters, from `offset`.
    func href(offset: Int) -> String {
        var allowed = CharacterSet.alphanumerics
        allowed.insert(charactersIn: "-._~")
        let pairs = [("since", since), ("board", board), ("meeting", meeting), ("offset", String(offset))]
        return "/decisions?"
            + pairs.compactMap { name, value in
                value.map { "\(name)=\($0.addingPercentEncoding(withAllowedCharacters: allowed) ?? $0)" }
            }.joined(separator: "&")
    }
}

struct DecisionsPageModel: Sendable {
    struct Choice: Sendable {
        var name: String
        var selected: Bool
    }

    var rows: [DecisionRow]
    var total: Int
    var filters: DecisionFilters
    var boards: [Choice]
    var callIn: String
    /// The next page's address, when there is one.
    var next: String?
}

/// A decision as the register page shows it.
struct DecisionRow: Sendable {
    struct Action: Sendable {
        var id: String
        var text: String
        var owner: String
        var due: String
    }

    var meeting: String
    var board: String
    var meetingDate: String
    var item: Int
    var itemTitle: String
    var reference: String?
    var decision: String
    var resolution: String
    var vote: String?
    var actions: [Action]
    var hasActions: Bool
    var published: String
    var mayBeImplementedAfter: String
    var exempt: Bool
    var noticeHTML: String
    var noticeDOCX: String
}

extension DecisionRow {
    /// The one mapping from a decision of the register to a row of the page.
    init(_ decision: RegisteredDecision) {
        let notice = "/decisions/\(decision.meeting)/\(decision.item)/notice"
        self.init(
            meeting: decision.meeting, board: decision.board, meetingDate: Wording.longDate(decision.meetingDate),
            item: decision.item, itemTitle: decision.itemTitle, reference: decision.reference,
            decision: DocketArchive.decisionWords(decision.type), resolution: decision.resolution,
            vote: decision.vote.map(DocketArchive.voteWords),
            actions: decision.actions.map {
                Action(id: $0.id, text: $0.text, owner: $0.owner, due: Wording.longDate($0.due))
            }, hasActions: !decision.actions.isEmpty,
            published: Wording.longDate(decision.published),
            mayBeImplementedAfter: Wording.longDate(decision.mayBeImplementedAfter), exempt: decision.isExempt,
            noticeHTML: "\(notice).html", noticeDOCX: "\(notice).docx")
    }
}
