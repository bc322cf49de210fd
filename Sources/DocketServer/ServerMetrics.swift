import CoreMetrics
import DocketKit
import HTTPTypes
import Hummingbird
import Prometheus

/// The server's metrics, recorded through swift-metrics into one Prometheus registry, which
/// `/metrics` writes out in Prometheus's text format.
///
/// Every metric is made with this object's own factory, never `MetricsSystem`'s global one:
/// `docket serve` bootstraps the global system with the same factory (so anything else that
/// records through swift-metrics lands in the same registry), while tests, which cannot
/// bootstrap a process-wide system once per test, each read a registry of their own.
///
/// What is counted where: requests by the middleware round every route; events, documents and
/// notifications by DocketKit's use cases, which tell this object as an `ArchiveObserver`
/// (whatever path reached them); the search queue's length when `/metrics` is read.
public final class ServerMetrics: ArchiveObserver {
    /// Where the metrics are kept.
    public let registry: PrometheusCollectorRegistry
    /// The swift-metrics backend writing into `registry`.
    public let factory: PrometheusMetricsFactory
    let documentsAdded: CoreMetrics.Counter
    let searchQueue: CoreMetrics.Gauge

    public init(registry: PrometheusCollectorRegistry = PrometheusCollectorRegistry()) {
        self.registry = registry
        factory = PrometheusMetricsFactory(registry: registry)
        // Made now, so that a scrape shows them at zero before anything happened.
        documentsAdded = CoreMetrics.Counter(label: "docket_documents_added_total", factory: factory)
        searchQueue = CoreMetrics.Gauge(label: "docket_search_queue_length", factory: factory)
        for outcome in NotificationOutcome.allCases { notificationCounter(outcome).increment(by: 0) }
    }

    /// Makes this object's factory the process's swift-metrics backend, so that metrics recorded
    /// through `MetricsSystem` by any library land in `registry` too. Once per process (a
    /// second bootstrap stops the program): `docket serve` calls it, tests never do.
    public func bootstrapMetricsSystem() {
        MetricsSystem.bootstrap(factory)
    }

    /// One answered request: counted, and its time recorded in the latency histogram, by route
    /// pattern (`/api/submissions/{reference}`: never the path, whose ids would make a series per
    /// submission), method and status.
    func request(route: String, method: HTTPRequest.Method, status: HTTPResponse.Status, duration: Duration) {
        let dimensions = [("route", route), ("method", method.rawValue), ("status", String(status.code))]
        CoreMetrics.Counter(label: "docket_http_requests_total", dimensions: dimensions, factory: factory).increment()
        CoreMetrics.Timer(label: "docket_http_request_duration_seconds", dimensions: dimensions, factory: factory)
            .recordNanoseconds(duration.nanoseconds)
    }

    public func eventFired(_ event: String) {
        // Event names come from the archive's workflow definitions: a small, fixed set.
        CoreMetrics.Counter(label: "docket_events_fired_total", dimensions: [("event", event)], factory: factory)
            .increment()
    }

    public func documentAdded() {
        documentsAdded.increment()
    }

    public func notification(_ outcome: NotificationOutcome) {
        notificationCounter(outcome).increment()
    }

    /// The metrics in Prometheus's text exposition format, the search queue's length read now.
    func exposition(searchQueueLength: Int) -> [UInt8] {
        searchQueue.record(searchQueueLength)
        return registry.emitToBuffer()
    }

    private func notificationCounter(_ outcome: NotificationOutcome) -> CoreMetrics.Counter {
        CoreMetrics.Counter(
            label: "docket_notifications_total", dimensions: [("outcome", outcome.rawValue)], factory: factory)
    }
}

extension Duration {
    /// The whole nanoseconds (saturating: no request takes 292 years).
    var nanoseconds: Int64 {
        let (seconds, attoseconds) = components
        return seconds.multipliedReportingOverflow(by: 1_000_000_000).overflow
            ? .max : seconds * 1_000_000_000 + attoseconds / 1_000_000_000
    }
}

/// Counts every request and records its time, by route (the pattern the router matched,
/// `NotFound` for none) and status: outermost, so that it sees the status the client got.
///
/// The time is to the response's head (the handler's work); a download's transfer after it is
/// not in it. Counting when the handler returns, not when the body is written, also means a
/// client that read its answer finds it counted at its next scrape.
struct RequestMetricsMiddleware: RouterMiddleware {
    typealias Context = DocketRequestContext
    let metrics: ServerMetrics

    func handle(
        _ request: Request, context: Context, next: (Request, Context) async throws -> Response
    ) async throws -> Response {
        let start = ContinuousClock.now
        do {
            let response = try await next(request, context)
            record(request, context, response.status, since: start)
            return response
        } catch {
            let status = (error as? any HTTPResponseError)?.status ?? .internalServerError
            record(request, context, status, since: start)
            throw error
        }
    }

    private func record(
        _ request: Request, _ context: Context, _ status: HTTPResponse.Status, since start: ContinuousClock.Instant
    ) {
        metrics.request(
            route: context.endpointPath ?? "NotFound", method: request.method, status: status,
            duration: ContinuousClock.now - start)
    }
}
