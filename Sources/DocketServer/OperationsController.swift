import DocketKit
import Foundation
import Hummingbird

/// What the council's monitoring reads: `/healthz` and `/metrics`.
///
/// Added to the router ahead of the pages' middleware: a probe every few seconds would fill the
/// request log, and the session middleware would take the metrics token for an API token.
struct OperationsController: Sendable {
    typealias Context = DocketRequestContext
    let docket: DocketArchive
    let metrics: ServerMetrics?
    /// The bearer token `/metrics` asks for.
    let metricsToken: String?
    let searches: WorkLimiter

    var routes: RouteCollection<Context> {
        let routes = RouteCollection(context: Context.self).get("healthz", use: health)
        // Only when a token was configured: the request count per route, the volume of events
        // and the mail outcomes are the council's business, and behind the TLS proxy every
        // request comes from loopback, so the peer address cannot tell the scraper from the
        // world. Without a token, /metrics is not there at all.
        if metrics != nil, metricsToken != nil { routes.get("metrics", use: metricsText) }
        return routes
    }

    /// 200 `{"status":"ok","checks":{"archive":"ok","index":"ok"}}` when the archive and the
    /// index can be used; 503 naming the part that failed (the details go to the log, not to
    /// an unauthenticated caller).
    @Sendable func health(_ request: Request, context: Context) async throws -> Response {
        let report = try await blocking { [docket] in docket.health() }
        var checks: [String: String] = [:]
        for check in report.checks {
            checks[check.name] = check.problem == nil ? "ok" : "failing"
            if let problem = check.problem {
                context.logger.error("health check failed", metadata: ["problem": "\(problem)"])
            }
        }
        let body = HealthBody(status: report.isHealthy ? "ok" : "unavailable", checks: checks)
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        var headers = HTTPFields()
        headers[.contentType] = "application/json"
        headers[.cacheControl] = "no-store"
        return Response(
            status: report.isHealthy ? .ok : .serviceUnavailable, headers: headers,
            body: .init(byteBuffer: ByteBuffer(data: try encoder.encode(body))))
    }

    /// The metrics in Prometheus's text format, to a bearer of the metrics token.
    @Sendable func metricsText(_ request: Request, context: Context) async throws -> Response {
        guard let metrics, let metricsToken else { return Response(status: .notFound) }
        let given = request.headers[.authorization].flatMap { $0.hasPrefix("Bearer ") ? String($0.dropFirst(7)) : nil }
        guard let given, DocketWebApp.constantTimeEqual(given, metricsToken) else {
            var headers = HTTPFields()
            headers[.wwwAuthenticate] = "Bearer realm=\"metrics\""
            return Response(status: .unauthorized, headers: headers)
        }
        var headers = HTTPFields()
        headers[.contentType] = "text/plain; version=0.0.4; charset=utf-8"
        headers[.cacheControl] = "no-store"
        let text = metrics.exposition(searchQueueLength: await searches.queued)
        return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: text)))
    }
}

/// `/healthz`'s answer.
struct HealthBody: Codable, Sendable {
    var status: String
    var checks: [String: String]
}
