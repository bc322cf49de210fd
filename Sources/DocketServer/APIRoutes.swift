import Archive
import DocketKit
import Foundation
import Hummingbird
import Index
import Workflow

/// JSON shapes of the API (described in `Static/openapi.json`).
enum API {
    struct SubmissionLine: Codable, Sendable {
        var reference: String
        var title: String
        var state: String
        var deadline: String?
    }

    struct Document: Codable, Sendable {
        var sha256: String
        var kind: String
        var title: String
        var date: String?
        var fileName: String
        var size: Int
    }

    struct Event: Codable, Sendable {
        var sequence: Int
        var time: Date
        var user: String
        var what: String
    }

    struct Submission: Codable, Sendable {
        var reference: String
        var title: String
        var workflow: String
        var state: String
        var deadline: String?
        var sequence: Int
        var allowedNow: [String]
        var documents: [Document]
        var events: [Event]
    }

    struct FireRequest: Codable, Sendable {
        var event: String
        var comment: String?
        var fields: [String: String]?
    }

    struct Fired: Codable, Sendable {
        var state: String
        var sequence: Int
    }

    struct Hit: Codable, Sendable {
        var reference: String
        var sha256: String
        var title: String
        var kind: String
        var date: String?
        var snippet: String
    }

    struct Meeting: Codable, Sendable {
        var id: String
        var board: String
        var date: String
        var published: Bool
        var items: [Item]

        struct Item: Codable, Sendable {
            var number: Int
            var title: String
            var reference: String?
            var published: Bool
        }
    }
}

extension DocketWebApp {
    func addAPIRoutes(to router: Router<DocketRequestContext>) {
        let api = router.group("api")

        api.get("openapi.json") { _, _ -> Response in
            guard let document = Pages.staticFile("openapi.json") else {
                throw WebError.notFound("no OpenAPI document")
            }
            return Self.bytes(document, type: "application/json")
        }

        api.get("submissions") { request, context -> Response in
            _ = try requireUser(context)
            let state = request.uri.queryParameters.get("state")
            let limit = min(max(request.uri.queryParameters.get("limit").flatMap(Int.init) ?? 50, 1), 500)
            let offset = max(request.uri.queryParameters.get("offset").flatMap(Int.init) ?? 0, 0)
            let lines = try await blocking { [docket] in
                try docket.submissionLines(inState: state, limit: limit, offset: offset).map {
                    API.SubmissionLine(reference: $0.reference, title: $0.title, state: $0.state, deadline: $0.deadline)
                }
            }
            return try Self.json(lines)
        }

        api.get("submissions/:reference") { _, context -> Response in
            let user = try requireUser(context)
            let reference = try context.parameters.require("reference")
            let view = try await blocking { [docket] in try docket.submission(reference, for: user) }
            var response = try Self.json(Self.apiSubmission(view))
            response.headers[.eTag] = Self.etag(view)
            return response
        }

        api.post("submissions/:reference/events") { request, context -> Response in
            let user = try requireUser(context)
            let reference = try context.parameters.require("reference")
            let expected = try Self.requireIfMatch(request, reference: reference)
            let body = try await request.body.collect(upTo: 1 << 20)
            let fire: API.FireRequest
            do {
                fire = try JSONDecoder().decode(API.FireRequest.self, from: Data(buffer: body))
            } catch {
                throw WebError.badRequest("the body must be JSON {\"event\": …, \"comment\": …, \"fields\": {…}}")
            }
            let (fired, view) = try await blocking { [docket] in
                let fired = try docket.fire(
                    fire.event, on: reference, as: user, fields: fire.fields ?? [:], comment: fire.comment,
                    expectedSequence: expected)
                return (fired, try docket.submission(reference, for: user))
            }
            var response = try Self.json(
                API.Fired(state: fired.state, sequence: fired.event.sequence), status: .created)
            response.headers[.eTag] = Self.etag(view)
            return response
        }

        api.post("submissions/:reference/documents") { request, context -> Response in
            let user = try requireUser(context)
            let reference = try context.parameters.require("reference")
            let expected = try Self.requireIfMatch(request, reference: reference)
            let upload = try await MultipartUpload.read(request, limit: configuration.uploadLimit)
            let (metadata, view) = try await blocking { [docket] in
                let current = try docket.submission(reference)
                guard current.sequence == expected else {
                    throw WebError(
                        status: .preconditionFailed, code: "stale",
                        message: "\(reference) has changed since it was read (If-Match does not match its ETag)")
                }
                let metadata = try docket.addDocument(to: reference, upload: upload, as: user)
                return (metadata, try docket.submission(reference, for: user))
            }
            var response = try Self.json(Self.apiDocument(metadata), status: .created)
            response.headers[.eTag] = Self.etag(view)
            return response
        }

        api.get("search") { request, context -> Response in
            _ = try requireUser(context)
            let parameters = request.uri.queryParameters
            let query = parameters.get("q") ?? ""
            let searchRequest: SearchRequest
            do {
                searchRequest = SearchRequest(
                    query: query.isEmpty ? nil : try SearchQuery(query),
                    kinds: parameters.get("kind").map { [$0] } ?? [],
                    party: parameters.get("party"), series: parameters.get("series"), state: parameters.get("state"),
                    from: parameters.get("from"), to: parameters.get("to"),
                    limit: min(max(parameters.get("limit").flatMap(Int.init) ?? 20, 1), 100),
                    offset: max(parameters.get("offset").flatMap(Int.init) ?? 0, 0))
            } catch {
                throw WebError.badRequest("\(error)")
            }
            let hits = try await blocking { [docket] in
                try docket.search(searchRequest).hits.map {
                    API.Hit(
                        reference: $0.reference, sha256: $0.sha256, title: $0.title, kind: $0.kind, date: $0.date,
                        snippet: $0.snippet.replacingOccurrences(of: SearchIndex.highlightStart, with: "«")
                            .replacingOccurrences(of: SearchIndex.highlightEnd, with: "»"))
                }
            }
            return try Self.json(hits)
        }

        api.get("meetings") { _, context -> Response in
            _ = try requireUser(context)
            let meetings = try await blocking { [docket] in
                try docket.meetingIDs().map { id in
                    let meeting = try docket.meeting(id)
                    return API.Meeting(
                        id: id, board: meeting.definition.board, date: meeting.definition.date.description,
                        published: meeting.publications > 0,
                        items: meeting.items.map {
                            .init(
                                number: $0.number, title: $0.title, reference: $0.reference, published: $0.isPublished)
                        })
                }
            }
            return try Self.json(meetings)
        }
    }

    /// A submission's entity tag: its reference and the number of its last event, which every
    /// change increments.
    static func etag(_ view: SubmissionView) -> String {
        "\"\(view.record.reference)-\(view.sequence)\""
    }

    /// The event number an `If-Match` header names: 428 without one, 412 for another
    /// submission's tag or a malformed one.
    static func requireIfMatch(_ request: Request, reference: String) throws -> Int {
        guard let header = request.headers[.ifMatch] else {
            throw WebError(
                status: .preconditionRequired, code: "precondition-required",
                message: "send If-Match with the submission's ETag (GET /api/submissions/\(reference))")
        }
        let tag = header.trimmingCharacters(in: .whitespaces)
        let prefix = "\"\(reference)-"
        guard tag.hasPrefix(prefix), tag.hasSuffix("\""), let sequence = Int(tag.dropFirst(prefix.count).dropLast())
        else {
            throw WebError(
                status: .preconditionFailed, code: "stale",
                message: "If-Match \(tag) is not a current ETag of \(reference)")
        }
        return sequence
    }

    static func apiDocument(_ document: DocumentMetadata) -> API.Document {
        API.Document(
            sha256: document.sha256, kind: document.kind.rawValue, title: document.title,
            date: document.date?.description,
            fileName: document.originalFileName, size: document.size)
    }

    static func apiSubmission(_ view: SubmissionView) -> API.Submission {
        API.Submission(
            reference: view.record.reference, title: view.record.title, workflow: view.record.workflowName,
            state: view.state, deadline: view.deadline?.description, sequence: view.sequence,
            allowedNow: view.allowedNow, documents: view.documents.map(apiDocument),
            events: view.events.map { event in
                let what: String
                switch event.body {
                case .transition(let transition): what = transition.name
                case .documentAdded(let document, _): what = "document-added:\(document.kind.rawValue)"
                }
                return API.Event(sequence: event.sequence, time: event.time, user: event.actor.user, what: what)
            })
    }

    static func json(_ value: some Encodable, status: HTTPResponse.Status = .ok) throws -> Response {
        let encoder = JSONEncoder()
        encoder.dateEncodingStrategy = .iso8601
        encoder.outputFormatting = [.sortedKeys]
        var headers = HTTPFields()
        headers[.contentType] = "application/json"
        headers[.cacheControl] = "no-store"
        return Response(
            status: status, headers: headers, body: .init(byteBuffer: ByteBuffer(data: try encoder.encode(value))))
    }
}
