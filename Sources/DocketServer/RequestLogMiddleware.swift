import Hummingbird

/// The request log, with the identity provider's callback logged without its query: the
/// one-time code and the state are not for log files (useless without the PKCE verifier kept
/// in memory, but a log is read by more people than the server).
struct RequestLogMiddleware: RouterMiddleware {
    typealias Context = DocketRequestContext
    let log = LogRequestsMiddleware<Context>(.info)

    func handle(
        _ request: Request, context: Context, next: (Request, Context) async throws -> Response
    ) async throws -> Response {
        guard request.uri.path == "/sign-in/oidc/callback", request.uri.query != nil else {
            return try await log.handle(request, context: context, next: next)
        }
        var head = request.head
        head.path = request.uri.path + "?(query not logged)"
        // The log sees the redacted request; the handlers get the real one.
        return try await log.handle(Request(head: head, body: request.body), context: context) { _, context in
            try await next(request, context)
        }
    }
}
