import HTTPTypes
import Hummingbird

/// Sets the request's client address before anything logs it: the peer, or what a trusted
/// proxy forwarded (`TrustedProxies.clientAddress(peer:forwardedFor:)` decides). First in the
/// chain, so the request log and every access-log entry see the same address.
struct ClientAddressMiddleware: RouterMiddleware {
    typealias Context = DocketRequestContext
    let trustedProxies: TrustedProxies

    static let forwardedFor = HTTPField.Name("X-Forwarded-For")!

    func handle(
        _ request: Request, context: Context, next: (Request, Context) async throws -> Response
    ) async throws -> Response {
        var context = context
        context.clientAddress = trustedProxies.clientAddress(
            peer: context.peerAddress, forwardedFor: request.headers[values: Self.forwardedFor])
        // The request log's lines (and any other line logged for this request) name the client.
        if let address = context.clientAddress { context.logger[metadataKey: "client"] = .string(address) }
        return try await next(request, context)
    }
}
