import Archive
import DocketKit
import Foundation
import Hummingbird
import Index
import Workflow

/// The JSON API under `/api/` (described in `Static/openapi.json`): submissions (read, fire an
/// event, add a document, each write guarded by `If-Match`), search and meetings.
struct APIController: Sendable {
    typealias Context = DocketRequestContext

    let docket: DocketArchive
    let searches: WorkLimiter
    /// The largest document an upload may carry.
    let uploadLimit: Int
    /// The call-in period the decisions register counts.
    var callIn: CallInPeriod = .standard

    /// The routes, relative to `/api`.
    var routes: RouteCollection<Context> {
        RouteCollection(context: Context.self)
            .get("openapi.json", use: openAPI)
            .get("submissions", use: submissions)
            .get("submissions/:reference", use: submission)
            .post("submissions/:reference/events", use: fire)
            .post("submissions/:reference/documents", use: addDocument)
            .post("submissions/:reference/documents/:sha256/removal", use: removeDocument)
            .get("submissions/:reference/documents/:sha256", use: documentContent)
            .get("search", use: search)
            .get("meetings", use: meetings)
            .get("decisions", use: decisions)
            .post("correspondence", use: receiveMessage)
            .get("correspondence/unfiled", use: unfiledCorrespondence)
    }

    /// The methods each API path answers, for 405 answers' Allow header.
    static func allowedMethods(_ path: String) -> String? {
        let parts = path.split(separator: "/", omittingEmptySubsequences: true)
        guard parts.first == "api" else { return nil }
        switch (parts.count, parts.dropFirst().first) {
        case (2, "submissions"), (2, "search"), (2, "meetings"), (2, "decisions"), (2, "openapi.json"),
            (3, "submissions"):
            return "GET"
        case (4, "submissions") where parts[3] == "events" || parts[3] == "documents": return "POST"
        case (6, "submissions") where parts[3] == "documents" && parts[5] == "removal": return "POST"
        case (5, "submissions") where parts[3] == "documents": return "GET"
        default: return nil
        }
    }

    // MARK: - Handlers

    @Sendable func openAPI(_ request: Request, context: Context) async throws -> Response {
        guard let document = Pages.staticFile("openapi.json") else {
            throw WebError.notFound("no OpenAPI document")
        }
        return DocketWebApp.bytes(document, type: "application/json")
    }

    @Sendable func submissions(_ request: Request, context: Context) async throws -> Response {
        _ = try context.requireUser()
        let state = request.uri.queryParameters.get("state").flatMap { $0.isEmpty ? nil : $0 }
        let limit = try Self.integer(request, "limit", default: 50, in: 1...500)
        let offset = try Self.integer(request, "offset", default: 0, in: 0...Int(Int32.max))
        let lines = try await blocking { [docket] in
            try docket.submissionLines(inState: state, limit: limit, offset: offset).map(API.SubmissionLine.init)
        }
        return try Self.json(lines)
    }

    @Sendable func submission(_ request: Request, context: Context) async throws -> Response {
        let user = try context.requireUser()
        let reference = try context.parameters.require("reference")
        let address = context.clientAddress
        let view = try await blocking { [docket] in try docket.submission(reference, for: user, from: address) }
        var response = try Self.json(API.Submission(view))
        response.headers[.eTag] = Self.etag(view)
        return response
    }

    /// A document's content, as archived; 410 Gone once destroyed under its retention schedule.
    @Sendable func documentContent(_ request: Request, context: Context) async throws -> Response {
        let user = try context.requireUser()
        let reference = try context.parameters.require("reference")
        let sha = try context.parameters.require("sha256")
        return try await DocketWebApp.documentContent(
            docket, reference: reference, sha256: sha, for: user, from: context.clientAddress)
    }

    @Sendable func fire(_ request: Request, context: Context) async throws -> Response {
        let user = try context.requireUser()
        let reference = try context.parameters.require("reference")
        let body = try await request.body.collect(upTo: 1 << 20)
        let fire: API.FireRequest
        do {
            fire = try JSONDecoder().decode(API.FireRequest.self, from: Data(buffer: body)).withLFLineBreaks
        } catch {
            throw WebError.badRequest("the body must be JSON {\"event\": …, \"comment\": …, \"fields\": {…}}")
        }
        let expected = try Self.requireIfMatch(request, reference: reference)
        let fired = try await blocking { [docket] in
            try docket.fire(
                fire.event, on: reference, as: user, fields: fire.fields ?? [:], comment: fire.comment,
                expectedSequence: expected)
        }
        var response = try Self.json(API.Fired(state: fired.state, sequence: fired.event.sequence), status: .created)
        // The tag of the state this event made, from the event itself: reading the whole view
        // back (every document's metadata) cost a fire a quarter of its time, and a view read
        // later could already show another client's next event under this answer's tag.
        response.headers[.eTag] = Self.etag(reference: reference, sequence: fired.event.sequence)
        return response
    }

    @Sendable func addDocument(_ request: Request, context: Context) async throws -> Response {
        let user = try context.requireUser()
        let reference = try context.parameters.require("reference")
        let upload = try await MultipartUpload.read(request, limit: uploadLimit)
        // What the request itself lacks is answered before the precondition (400, not 412).
        guard upload.file != nil, upload.fields["kind"].flatMap(DocumentKind.init(rawValue:)) != nil else {
            throw WebError.badRequest("send a file and its kind (one of the documented kinds)")
        }
        let expected = try Self.requireIfMatch(request, reference: reference)
        let (metadata, view) = try await blocking { [docket] in
            // If-Match is checked by the library under the submission's lock: two uploads
            // sent with the same ETag cannot both pass it.
            let metadata = try docket.addDocument(to: reference, upload: upload, as: user, expectedSequence: expected)
            return (metadata, try docket.submission(reference, for: user))
        }
        var response = try Self.json(API.Document(metadata), status: .created)
        response.headers[.eTag] = Self.etag(view)
        return response
    }

    /// Archives an uploaded email as it is, then files it (multipart: `file`, optional `submission`).
    @Sendable func receiveMessage(_ request: Request, context: Context) async throws -> Response {
        let user = try context.requireUser()
        let upload = try await MultipartUpload.read(request, limit: uploadLimit)
        guard let file = upload.file, !file.bytes.isEmpty else {
            throw WebError.badRequest("send the message as `file`")
        }
        let submission = upload.fields["submission"].flatMap { $0.isEmpty ? nil : $0 }
        let arrival = try await blocking { [docket] in
            try docket.receiveUploadedMessage(file.bytes, fileName: file.fileName, submission: submission, as: user)
        }
        return try Self.json(
            API.MessageArrival(
                sha256: arrival.sha256, duplicate: arrival.isDuplicate, filedTo: arrival.filedTo,
                flags: arrival.record.flags.map(\.kind.rawValue), subject: arrival.record.subject,
                messageID: arrival.record.messageID), status: .created)
    }

    /// The unfiled tray, oldest first.
    @Sendable func unfiledCorrespondence(_ request: Request, context: Context) async throws -> Response {
        let user = try context.requireUser()
        let messages = try await blocking { [docket] in try docket.unfiledMessages(for: user) }
        return try Self.json(
            messages.map {
                API.Message(
                    sha256: $0.sha256, messageID: $0.messageID, subject: $0.subject, from: $0.sender, sent: $0.sent,
                    received: $0.received, flags: $0.flags, attachments: $0.attachments, filedTo: $0.filedTo)
            })
    }

    /// Records that a document left the pack (it stays archived): JSON `{"reason": …}`.
    @Sendable func removeDocument(_ request: Request, context: Context) async throws -> Response {
        let user = try context.requireUser()
        let reference = try context.parameters.require("reference")
        let sha = try context.parameters.require("sha256")
        let body = try await request.body.collect(upTo: 1 << 20)
        let removal: API.RemovalRequest
        do {
            removal = try JSONDecoder().decode(API.RemovalRequest.self, from: Data(buffer: body))
        } catch {
            throw WebError.badRequest("the body must be JSON {\"reason\": …}")
        }
        let expected = try Self.requireIfMatch(request, reference: reference)
        let (event, view) = try await blocking { [docket] in
            let event = try docket.removeDocument(
                sha, from: reference, reason: removal.reason, as: user, expectedSequence: expected)
            return (event, try docket.submission(reference, for: user))
        }
        var response = try Self.json(API.Fired(state: view.state, sequence: event.sequence), status: .created)
        response.headers[.eTag] = Self.etag(view)
        return response
    }

    @Sendable func search(_ request: Request, context: Context) async throws -> Response {
        let user = try context.requireUser()
        let parameters = request.uri.queryParameters
        func value(_ name: String) -> String? { parameters.get(name).flatMap { $0.isEmpty ? nil : $0 } }
        for name in ["from", "to"] {
            if let text = parameters.get(name), CalendarDate(iso: text) == nil {
                throw WebError.badRequest("\(name) must be a date YYYY-MM-DD, not '\(text)'")
            }
        }
        // A query with nothing searchable in it (only punctuation) is no query: the filters
        // alone list the newest documents, as documented.
        let query = value("q").flatMap { try? SearchQuery($0) }
        if let text = value("q"), query == nil, text.contains(where: { $0.isLetter || $0.isNumber }) {
            do {
                _ = try SearchQuery(text)
            } catch {
                throw WebError.badRequest("\(error)")
            }
        }
        let searchRequest = SearchRequest(
            query: query, kinds: value("kind").map { [$0] } ?? [], party: value("party"), series: value("series"),
            state: value("state"), from: value("from"), to: value("to"),
            limit: try Self.integer(request, "limit", default: 20, in: 1...100),
            offset: try Self.integer(request, "offset", default: 0, in: 0...Int(Int32.max)))
        let hits = try await searches.run {
            try await blocking { [docket] in try docket.search(searchRequest, for: user).hits.map(API.Hit.init) }
        }
        return try Self.json(hits)
    }

    @Sendable func meetings(_ request: Request, context: Context) async throws -> Response {
        _ = try context.requireUser()
        let meetings = try await blocking { [docket] in
            try docket.meetingIDs().map { try API.Meeting(docket.meeting($0)) }
        }
        return try Self.json(meetings)
    }

    // MARK: - Helpers

    /// An integer query parameter within its documented range (400 otherwise).
    static func integer(_ request: Request, _ name: String, default value: Int, in range: ClosedRange<Int>) throws
        -> Int
    {
        guard let text = request.uri.queryParameters.get(name), !text.isEmpty else { return value }
        guard let number = Int(text), range.contains(number) else {
            throw WebError.badRequest("\(name) must be a whole number from \(range.lowerBound) to \(range.upperBound)")
        }
        return number
    }

    /// A submission's entity tag: its reference and the number of its last event, which every
    /// change increments.
    static func etag(_ view: SubmissionView) -> String {
        etag(reference: view.record.reference, sequence: view.sequence)
    }

    /// The tag of a submission after its event number `sequence`.
    static func etag(reference: String, sequence: Int) -> String {
        "\"\(reference)-\(sequence)\""
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
        // A malformed tag is a bad request; a well-formed one that is not this submission's
        // current tag is a failed precondition.
        guard tag.count > 2, tag.hasPrefix("\""), tag.hasSuffix("\""), let dash = tag.lastIndex(of: "-"),
            Int(tag[tag.index(after: dash)..<tag.index(before: tag.endIndex)]) != nil
        else {
            throw WebError.badRequest("If-Match must be an ETag such as \"\(reference)-7\", not '\(tag)'")
        }
        let prefix = "\"\(reference)-"
        guard tag.hasPrefix(prefix), let sequence = Int(tag.dropFirst(prefix.count).dropLast()) else {
            throw WebError(
                status: .preconditionFailed, code: "stale",
                message: "If-Match \(tag) is not a current ETag of \(reference)")
        }
        return sequence
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

// MARK: - JSON shapes

/// JSON shapes of the API (described in `Static/openapi.json`), each with the one mapping from
/// the library's value.
enum API {
    struct MessageArrival: Codable, Sendable {
        var sha256: String
        var duplicate: Bool
        var filedTo: String?
        var flags: [String]
        var subject: String?
        var messageID: String?
    }

    struct Message: Codable, Sendable {
        var sha256: String
        var messageID: String?
        var subject: String?
        var from: String?
        var sent: Date?
        var received: Date
        var flags: [String]
        var attachments: Int
        var filedTo: String?
    }

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
        /// The disposal list it was destroyed under (its content is gone: 410 on download).
        var destroyedUnder: String? = nil
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
        /// Documents that were in the pack and left it: still archived, cited by the history.
        var departedDocuments: [Document]
        /// Documents the caller is not cleared for: that they are there, and why withheld.
        var withheld: [Withheld]
        var events: [Event]
    }

    struct Withheld: Codable, Sendable {
        var sha256: String
        var kind: String
        var reason: String
    }

    struct FireRequest: Codable, Sendable {
        var event: String
        var comment: String?
        var fields: [String: String]?

        /// The request with its texts' line breaks as Docket keeps them (LF).
        var withLFLineBreaks: FireRequest {
            FireRequest(
                event: event, comment: comment.map(LineEndings.normalised),
                fields: fields?.mapValues(LineEndings.normalised))
        }
    }

    struct RemovalRequest: Codable, Sendable {
        /// Why the document leaves the pack (line breaks normalised by the library).
        var reason: String
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

extension API.SubmissionLine {
    init(_ summary: SubmissionSummary) {
        self.init(
            reference: summary.reference, title: summary.title, state: summary.state,
            deadline: summary.deadline?.description)
    }
}

extension API.Document {
    init(_ document: DocumentMetadata) {
        self.init(
            sha256: document.sha256, kind: document.kind.rawValue, title: document.title,
            date: document.date?.description, fileName: document.originalFileName, size: document.size)
    }
}

extension API.Event {
    init(_ event: StoredEvent) {
        let what: String
        switch event.body {
        case .transition(let transition): what = transition.name
        case .documentAdded(let document, _, _): what = "document-added:\(document.kind.rawValue)"
        case .documentRemoved(let document, _): what = "document-removed:\(document.kind.rawValue)"
        case .correspondenceFiled: what = "correspondence-filed"
        case .recordsDisposed(let disposal):
            what = disposal.action == .destroy ? "records-destroyed" : "records-transferred"
        }
        self.init(sequence: event.sequence, time: event.time, user: event.actor.user, what: what)
    }
}

extension API.Submission {
    init(_ view: SubmissionView) {
        self.init(
            reference: view.record.reference, title: view.record.title, workflow: view.record.workflowName,
            state: view.state, deadline: view.deadline?.description, sequence: view.sequence,
            allowedNow: view.allowedNow,
            documents: view.documents.map {
                var document = API.Document($0)
                document.destroyedUnder = view.disposals[$0.sha256].flatMap { $0.action == .destroy ? $0.list : nil }
                return document
            },
            departedDocuments: view.departedDocuments.map { API.Document($0.metadata) },
            withheld: view.withheld.map {
                API.Withheld(
                    sha256: $0.sha256, kind: $0.kind.rawValue, reason: "\($0.withholding.what): \($0.withholding.why)")
            },
            events: view.events.map(API.Event.init))
    }
}

extension API.Hit {
    /// The snippet's highlights as « and ».
    init(_ hit: DocumentHit) {
        self.init(
            reference: hit.reference, sha256: hit.sha256, title: hit.title, kind: hit.kind, date: hit.date,
            snippet: hit.snippet.replacingOccurrences(of: SearchIndex.highlightStart, with: "«")
                .replacingOccurrences(of: SearchIndex.highlightEnd, with: "»"))
    }
}

extension API.Meeting {
    init(_ meeting: MeetingView) {
        self.init(
            id: meeting.id, board: meeting.definition.board, date: meeting.definition.date.description,
            published: meeting.publications > 0,
            items: meeting.items.map {
                .init(number: $0.number, title: $0.title, reference: $0.reference, published: $0.isPublished)
            })
    }
}
