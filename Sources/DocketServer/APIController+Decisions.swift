import Archive
import DocketKit
import Foundation
import HTTPTypes
import Hummingbird
import Workflow

/// `GET /api/decisions`: the decisions register, paged like the other lists (`limit`,
/// `offset`), with an entity tag so that a client polling it is told 304 while nothing it may
/// see has changed.
extension APIController {
    @Sendable func decisions(_ request: Request, context: Context) async throws -> Response {
        let user = try context.requireUser()
        let address = context.clientAddress
        let parameters = request.uri.queryParameters
        func value(_ name: String) -> String? { parameters.get(name).flatMap { $0.isEmpty ? nil : $0 } }
        var since: CalendarDate?
        if let text = value("since") {
            guard let date = CalendarDate(iso: text), date.description == text else {
                throw WebError.badRequest("since must be a date YYYY-MM-DD, not '\(text)'")
            }
            since = date
        }
        let limit = try Self.integer(request, "limit", default: 50, in: 1...500)
        let offset = try Self.integer(request, "offset", default: 0, in: 0...Int(Int32.max))
        let query = DecisionsQuery(
            since: since, board: value("board"), meeting: value("meeting"), callIn: callIn, limit: limit,
            offset: offset)
        let page = try await blocking { [docket] in try docket.decisionsRegister(query, for: user, from: address) }
        let decisions = page.decisions
        // The tag is the body's digest: it changes with anything the reader may see, and differs
        // between readers who see different decisions.
        let encoder = JSONEncoder()
        encoder.dateEncodingStrategy = .iso8601
        encoder.outputFormatting = [.sortedKeys]
        let tag = "\"\(ArchiveStore.sha256([UInt8](try encoder.encode(decisions))).prefix(32))\""
        var response = Self.revalidated(try Self.json(decisions), tag: tag)
        if page.hasMore {
            response.headers[Self.linkField] =
                "<\(Self.decisionsPage(query, offset: offset + page.decisions.count))>; rel=\"next\""
        }
        if Self.matches(request.headers[.ifNoneMatch], tag) {
            var headers = HTTPFields()
            headers[.eTag] = tag
            headers[.cacheControl] = response.headers[.cacheControl]
            headers[.vary] = response.headers[.vary]
            return Response(status: .notModified, headers: headers)
        }
        return response
    }

    /// `Link`, for the next page.
    static let linkField = HTTPField.Name("Link")!

    /// The response with its entity tag, to be revalidated on every use (it is the reader's own).
    static func revalidated(_ response: Response, tag: String) -> Response {
        var response = response
        response.headers[.eTag] = tag
        response.headers[.cacheControl] = "private, no-cache"
        response.headers[.vary] = "Authorization, Cookie"
        return response
    }

    /// Whether an `If-None-Match` header names `tag` (or is `*`); weak tags compare by their value.
    static func matches(_ header: String?, _ tag: String) -> Bool {
        guard let header else { return false }
        return header.split(separator: ",").contains { candidate in
            var text = candidate.trimmingCharacters(in: .whitespaces)
            if text.hasPrefix("W/") { text.removeFirst(2) }
            return text == "*" || text == tag
        }
    }

    /// The address of another page of the register with the same filters.
    static func decisionsPage(_ query: DecisionsQuery, offset: Int) -> String {
        var allowed = CharacterSet.alphanumerics
        allowed.insert(charactersIn: "-._~")
        let pairs: [(String, String?)] = [
            ("since", query.since?.description), ("board", query.board), ("meeting", query.meeting),
            ("limit", query.limit.map(String.init)), ("offset", String(offset)),
        ]
        return "/api/decisions?"
            + pairs.compactMap { name, value in
                value.map { "\(name)=\($0.addingPercentEncoding(withAllowedCharacters: allowed) ?? $0)" }
            }.joined(separator: "&")
    }
}
