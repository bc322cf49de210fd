import Archive
import DocketKit
import Foundation
import Hummingbird
import Index
import Mail
import Workflow

/// Email in the web app: the unfiled tray (`/correspondence`), uploading an `.eml` (or an
/// Outlook `.msg`, converted), filing a message to a submission, downloading an unfiled
/// message, and recording the response from a filed message's attachment. Who may do each is
/// the library's answer.
struct CorrespondenceController: Sendable {
    typealias Context = DocketRequestContext

    let docket: DocketArchive
    let pages: Pages
    let uploadLimit: Int

    var routes: RouteCollection<Context> {
        RouteCollection(context: Context.self)
            .get("correspondence", use: tray)
            .post("correspondence", use: upload)
            .get("correspondence/:sha256", use: download)
            .get("correspondence/:sha256/thread", use: thread)
            .post("correspondence/:sha256/filing", use: file)
            .post("submissions/:reference/correspondence/:sha256/response", use: recordResponse)
    }

    // MARK: - Handlers

    @Sendable func tray(_ request: Request, context: Context) async throws -> Response {
        let user = try context.requireUser()
        return try await trayPage(user: user, context: context, flash: request.uri.queryParameters.get("done"))
    }

    func trayPage(user: String, context: Context, flash: String? = nil, error: WebError? = nil) async throws
        -> Response
    {
        var chrome = await Chrome("Unfiled correspondence", context, docket: docket)
        chrome.flash = flash.map { "Filed to \($0)." }
        let limit = uploadLimit
        let model = try await blocking { [docket] in
            let messages = try docket.unfiledMessages(for: user)
            // The most recently active submissions, from the index (not every history replayed).
            let references = try docket.submissionLines(limit: 200).map(\.reference).sorted()
            return TrayModel(
                messages: messages.map(TrayModel.Row.init), references: references,
                uploadLimit: Wording.megabytes(limit), error: error?.sentence)
        }
        return pages.render(
            "correspondence", SimplePage(chrome: chrome, model: model), status: error?.status ?? .ok)
    }

    @Sendable func upload(_ request: Request, context: Context) async throws -> Response {
        let user = try context.requireUser()
        let upload: MultipartUpload
        do {
            upload = try await MultipartUpload.read(request, limit: uploadLimit)
        } catch let error as WebError where error.status == .contentTooLarge {
            return try await trayPage(user: user, context: context, error: error)
        }
        try context.requireCSRF(token: upload.fields["csrf"])
        guard let file = upload.file, !file.bytes.isEmpty else {
            return try await trayPage(
                user: user, context: context,
                error: WebError(status: .badRequest, code: "invalid-input", message: "Choose an .eml or .msg file."))
        }
        let submission = upload.fields["submission"].flatMap { $0.isEmpty ? nil : $0 }
        do {
            let arrival = try await blocking { [docket] in
                try docket.receiveUploadedMessage(file.bytes, fileName: file.fileName, submission: submission, as: user)
            }
            if let reference = arrival.filedTo { return DocketWebApp.redirect("/submissions/\(reference)") }
            return DocketWebApp.redirect("/correspondence")
        } catch let error as WebError where error.isCorrectableInput {
            return try await trayPage(user: user, context: context, error: error)
        }
    }

    @Sendable func download(_ request: Request, context: Context) async throws -> Response {
        let user = try context.requireUser()
        let sha = try context.parameters.require("sha256")
        let bytes = try await blocking { [docket] in try docket.arrivedMessageBytes(sha, for: user) }
        var headers = HTTPFields()
        headers[.contentType] = "message/rfc822"
        headers[.contentDisposition] = "attachment; filename=\"\(sha.prefix(12)).eml\""
        headers[.init("X-Content-Type-Options")!] = "nosniff"
        return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: bytes)))
    }

    /// A message with its replies, and replies to those (what `docket mail thread` prints).
    @Sendable func thread(_ request: Request, context: Context) async throws -> Response {
        let user = try context.requireUser()
        let sha = try context.parameters.require("sha256")
        let chrome = await Chrome("An email with its replies", context, docket: docket)
        let rows = try await blocking { [docket] in
            try docket.messageThread(sha, for: user).map { item in
                ThreadRow(
                    sha256: item.card.sha256, subject: item.card.subject ?? "(no subject)",
                    from: item.card.from.first ?? "(no sender)",
                    sent: Wording.londonTime(item.card.sent ?? item.card.received), depth: item.depth,
                    isReply: item.depth > 0, filedTo: item.filedTo)
            }
        }
        return pages.render("correspondence-thread", SimplePage(chrome: chrome, model: ThreadModel(messages: rows)))
    }

    @Sendable func file(_ request: Request, context: Context) async throws -> Response {
        let (user, form) = try await context.signedInForm(request)
        let sha = try context.parameters.require("sha256")
        let reference = (form["submission"] ?? "").trimmingCharacters(in: .whitespaces)
        do {
            guard !reference.isEmpty else {
                throw WebError(
                    status: .badRequest, code: "invalid-input", message: "Choose the submission to file it to.")
            }
            _ = try await blocking { [docket] in try docket.fileMessage(sha, to: reference, as: user) }
        } catch let error as WebError where error.isCorrectableInput {
            return try await trayPage(user: user, context: context, error: error)
        }
        return DocketWebApp.redirect("/correspondence?done=\(reference)")
    }

    @Sendable func recordResponse(_ request: Request, context: Context) async throws -> Response {
        let (user, form) = try await context.signedInForm(request)
        let reference = try context.parameters.require("reference")
        let message = try context.parameters.require("sha256")
        let expected = form["sequence"].flatMap(Int.init)
        let fired = try await blocking { [docket] in
            try docket.recordResponse(
                fromMessage: message, attachment: form["attachment"] ?? "", in: reference, as: user,
                expectedSequence: expected)
        }
        return DocketWebApp.redirect("/submissions/\(reference)?done=\(fired.event.sequence)")
    }
}

/// A thread page's model: each message with its depth, linked where it is filed.
struct ThreadModel: Sendable {
    var messages: [ThreadRow]
}

struct ThreadRow: Sendable {
    var sha256: String
    var subject: String
    var from: String
    var sent: String
    var depth: Int
    var isReply: Bool
    var filedTo: String?
}

/// The unfiled tray page's model.
struct TrayModel: Sendable {
    struct Row: Sendable {
        var sha256: String
        var short: String
        var subject: String
        var from: String
        var received: String
        var attachments: Int
        var flags: String?

        init(_ message: IndexedMessage) {
            sha256 = message.sha256
            short = String(message.sha256.prefix(12))
            subject = message.subject ?? "(no subject)"
            from = message.sender ?? "(no sender)"
            received = Wording.londonTime(message.received)
            attachments = message.attachments
            flags = message.flags.isEmpty ? nil : message.flags.joined(separator: ", ")
        }
    }

    var messages: [Row]
    var references: [String]
    var uploadLimit: String
    var error: String?
}

/// The correspondence section of a submission's page: its email, as threads, outside the pack.
extension SubmissionPage {
    struct MailRow: Sendable {
        struct Attachment: Sendable {
            var sha256: String
            var fileName: String
            var size: Int
            /// The message it came in (the response form posts it).
            var messageSHA256: String
        }

        var sha256: String
        var short: String
        var subject: String
        var from: String
        var sent: String
        var how: String
        /// 0 for the first message of a thread; replies are indented by it.
        var depth: Int
        var isReply: Bool
        var attachments: [Attachment]
        var flags: String?
    }

    /// Fills the correspondence section from the view; `canRecordResponse` when the state takes
    /// a response and the user may record it.
    mutating func setCorrespondence(_ view: SubmissionView) {
        correspondence = DocketArchive.threads(of: view.correspondence).flatMap { thread in
            thread.map { item in
                let message = item.message
                let sent = message.card?.sent.map(Wording.londonTime) ?? Wording.londonTime(message.filed)
                return MailRow(
                    sha256: message.message.sha256, short: String(message.message.sha256.prefix(12)),
                    subject: message.message.title, from: message.message.creator?.description ?? "(no sender)",
                    sent: sent, how: message.rule.wording, depth: item.depth, isReply: item.depth > 0,
                    attachments: message.attachments.map {
                        MailRow.Attachment(
                            sha256: $0.sha256, fileName: $0.originalFileName, size: $0.size,
                            messageSHA256: message.message.sha256)
                    },
                    flags: message.card.flatMap { card in
                        card.flags.isEmpty ? nil : card.flags.map(\.kind.rawValue).joined(separator: ", ")
                    })
            }
        }
        let responseEvent = view.workflow.state(view.state)?.transitions.first {
            $0.requiredDocuments.contains(.response)
        }
        canRecordResponse = responseEvent.map { view.allowedNow.contains($0.event) } ?? false
    }
}
