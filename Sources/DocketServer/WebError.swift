import DocketKit
import Foundation
import Hummingbird

/// An error a handler answers with: an HTTP status, a stable code for API clients and a
/// sentence for people.
struct WebError: Error, Sendable {
    var status: HTTPResponse.Status
    /// Stable, for clients: `not-permitted`, `not-found`, `stale`, `precondition-required` …
    var code: String
    var message: String
    /// Extra headers, e.g. Retry-After.
    var headers: HTTPFields = [:]

    /// Whether the person who sent a form can put this right by changing what they typed: the
    /// page then shows the form again, with the message beside it and their input kept.
    var isCorrectableInput: Bool { status == .badRequest || status == .unprocessableContent }

    /// The message as a sentence beside a form: a capital first letter and a full stop (the
    /// library's messages are phrased to follow "refused:" or an option's name in the CLI).
    var sentence: String {
        guard let first = message.first else { return message }
        let text = first.uppercased() + message.dropFirst()
        return text.hasSuffix(".") || text.hasSuffix("?") ? text : text + "."
    }

    static func notFound(_ message: String) -> WebError {
        WebError(status: .notFound, code: "not-found", message: message)
    }
    static func badRequest(_ message: String) -> WebError {
        WebError(status: .badRequest, code: "invalid-input", message: message)
    }
    /// The server is too busy to start this work now.
    static func busy(retryAfterSeconds: Int) -> WebError {
        var headers = HTTPFields()
        headers[.retryAfter] = "\(retryAfterSeconds)"
        return WebError(
            status: .serviceUnavailable, code: "busy",
            message: "Too many searches are running at once; try again in a moment.", headers: headers)
    }

    static let signInRequired = WebError(status: .unauthorized, code: "sign-in-required", message: "Sign in first.")
    static let csrf = WebError(
        status: .forbidden, code: "csrf",
        message: "This form has expired or did not come from Docket. Go back, reload the page and try again.")

    /// Translates a use case's refusal: roles → 403, unknown things → 404, stale views → 412
    /// or 409, everything else the user can correct → 422.
    init(_ error: DocketError) {
        let message = "\(error)"
        switch error {
        case .notPermitted, .delegationExpired:
            self.init(status: .forbidden, code: "not-permitted", message: message)
        case .withheld:
            self.init(status: .forbidden, code: "withheld", message: message)
        case .accountDisabled:
            self.init(status: .forbidden, code: "account-disabled", message: message)
        case .rejected(.wrongRole):
            self.init(status: .forbidden, code: "not-permitted", message: message)
        case .rejected:
            self.init(status: .unprocessableContent, code: "refused", message: message)
        case .notFound, .noSuchWorkflow, .archive(.noSuchSubmission), .archive(.noSuchDocument), .archive(.noSuchUser):
            self.init(status: .notFound, code: "not-found", message: message)
        case .archive(.staleSequence), .boardLogChanged:
            self.init(status: .preconditionFailed, code: "stale", message: message)
        case .archive(.conflict):
            self.init(status: .conflict, code: "conflict", message: message)
        case .packClosed:
            self.init(status: .conflict, code: "pack-closed", message: message)
        case .onHold:
            self.init(status: .conflict, code: "on-hold", message: message)
        case .destroyed:
            self.init(status: .gone, code: "destroyed", message: message)
        case .index(.badQuery), .index(.badFilter):
            self.init(status: .badRequest, code: "invalid-input", message: message)
        case .archive(.damaged), .archive(.io), .index:
            self.init(status: .internalServerError, code: "archive-error", message: message)
        default:
            self.init(status: .unprocessableContent, code: "invalid-input", message: message)
        }
    }

    init(status: HTTPResponse.Status, code: String, message: String, headers: HTTPFields = [:]) {
        self.status = status
        self.code = code
        self.message = message
        self.headers = headers
    }
}
