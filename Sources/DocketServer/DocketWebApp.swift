import Archive
import DocketKit
import Foundation
import HTTPTypes
import Hummingbird
import Logging
import OpenIDConnect

/// The web app and JSON API over one archive. Handlers only translate HTTP to `DocketKit`
/// calls and back: every rule (roles, states, fields, deadlines) is the library's.
public struct DocketWebApp: Sendable {
    let docket: DocketArchive
    let configuration: WebConfiguration
    let pages: Pages
    let sessions: SessionStore
    let throttle: SignInThrottle
    /// The council's OpenID provider, when sign-in through it is configured.
    let openID: OpenIDClient?
    /// Searches run a few at a time (see `WorkLimiter`): one fewer than the cores. They keep the
    /// cores busy rather than wait on the disk, so more at once only slows everything else down:
    /// when archive work ran on Dispatch's worker threads (about one per core), a search on every
    /// one of them left a dashboard waiting 300 ms for a thread.
    let searches = WorkLimiter(slots: max(1, ProcessInfo.processInfo.activeProcessorCount - 1))

    static let sessionCookie = "docket_session"
    static let signInCookie = "docket_signin"

    /// Prepares the app (loads the templates, opens the search index so the first request
    /// does not pay for it).
    public init(docket: DocketArchive, configuration: WebConfiguration = WebConfiguration()) async throws {
        self.docket = docket
        self.configuration = configuration
        pages = try await Pages.load()
        sessions = SessionStore(idleTimeout: configuration.idleTimeout, now: configuration.sessionClock)
        throttle = SignInThrottle(limit: configuration.maximumFailedSignIns, window: configuration.throttleWindow)
        openID = configuration.openID.map { OpenIDClient(configuration: $0, now: configuration.sessionClock) }
        _ = try? await blocking { [docket] in try docket.index() }
        // The use cases tell the metrics what they did, whichever page or API call reached them.
        if let metrics = configuration.metrics { docket.observer = metrics }
    }

    /// The middleware, then the routes of each area's controller.
    public func router() -> Router<DocketRequestContext> {
        let router = Router(context: DocketRequestContext.self)
        // Outermost, so that every request (the probes too) is counted with the status it got.
        if let metrics = configuration.metrics { router.add(middleware: RequestMetricsMiddleware(metrics: metrics)) }
        // Before the rest of the middleware, which applies only to the routes added after it.
        router.addRoutes(
            OperationsController(
                docket: docket, metrics: configuration.metrics, metricsToken: configuration.metricsToken,
                searches: searches
            ).routes)
        router.addMiddleware {
            ClientAddressMiddleware(trustedProxies: configuration.trustedProxies)
            RequestLogMiddleware()
            ErrorMiddleware(pages: pages)
            SecurityHeadersMiddleware()
            SessionMiddleware(sessions: sessions, docket: docket)
            NoRoleMiddleware(pages: pages, docket: docket)
        }
        router.addRoutes(StaticFilesController().routes)
        router.addRoutes(
            SignInController(
                docket: docket, pages: pages, sessions: sessions, throttle: throttle, configuration: configuration
            ).routes)
        if let openID {
            router.addRoutes(
                OIDCSignInController(docket: docket, sessions: sessions, client: openID, configuration: configuration)
                    .routes)
        }
        router.addRoutes(
            SubmissionPagesController(docket: docket, pages: pages, uploadLimit: configuration.uploadLimit).routes)
        router.addRoutes(SearchController(docket: docket, pages: pages, searches: searches).routes)
        router.addRoutes(
            CorrespondenceController(docket: docket, pages: pages, uploadLimit: configuration.uploadLimit).routes)
        router.addRoutes(AdministrationController(docket: docket, pages: pages).routes)
        router.addRoutes(AccountController(docket: docket, pages: pages).routes)
        router.addRoutes(AccessController(docket: docket, pages: pages, sessions: sessions).routes, atPath: "admin")
        router.addRoutes(BoardController(docket: docket, pages: pages).routes)
        router.addRoutes(MeetingRecordController(docket: docket).routes)
        router.addRoutes(DecisionsController(docket: docket, pages: pages, callIn: configuration.callIn).routes)
        router.addRoutes(ActionsController(docket: docket, pages: pages).routes)
        router.addRoutes(RetentionController(docket: docket, pages: pages).routes)
        router.addRoutes(
            APIController(
                docket: docket, searches: searches, uploadLimit: configuration.uploadLimit, callIn: configuration.callIn
            ).routes,
            atPath: "api")
        return router
    }

    /// The HTTP application, listening where the configuration says, with the notify pass
    /// beside it when the configuration schedules one.
    public func application(logger: Logger) -> some ApplicationProtocol {
        Application(
            router: router(),
            configuration: .init(
                address: .hostname(configuration.host, port: configuration.port), serverName: "Docket"),
            services: configuration.mailSchedule.map { [NotifyService(docket: docket, schedule: $0, logger: logger)] }
                ?? [],
            logger: logger)
    }

    // MARK: - Shared helpers

    static func constantTimeEqual(_ a: String, _ b: String) -> Bool {
        let left = Array(a.utf8)
        let right = Array(b.utf8)
        guard left.count == right.count else { return false }
        return zip(left, right).reduce(UInt8(0)) { $0 | ($1.0 ^ $1.1) } == 0
    }

    static func redirect(_ location: String) -> Response {
        Response.redirect(to: location, type: .normal)
    }

    static func bytes(_ bytes: [UInt8], type: String, fileName: String? = nil, inline: Bool = false) -> Response {
        var headers = HTTPFields()
        headers[.contentType] = type
        headers[.cacheControl] = "private, no-store"
        if let fileName {
            headers[.contentDisposition] = "\(inline ? "inline" : "attachment"); filename=\"\(fileName)\""
        }
        return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: bytes)))
    }
}

/// Answers errors: JSON under `/api/`, an HTML page elsewhere; a page that needs a user sends
/// the browser to sign in.
struct ErrorMiddleware: RouterMiddleware {
    typealias Context = DocketRequestContext
    let pages: Pages

    func handle(
        _ request: Request, context: Context, next: (Request, Context) async throws -> Response
    ) async throws -> Response {
        do {
            return try await next(request, context)
        } catch let error as WebError {
            return answer(error, request)
        } catch let error as HTTPError
            where error.status == .notFound && APIController.allowedMethods(request.uri.path) != nil
        {
            // A path of the API asked with a method it does not answer: not allowed, not missing.
            let allowed = APIController.allowedMethods(request.uri.path) ?? ""
            var headers = HTTPFields()
            headers[.allow] = allowed
            return answer(
                WebError(
                    status: .methodNotAllowed, code: "method-not-allowed",
                    message: "\(request.method.rawValue) is not allowed here (\(allowed) is)", headers: headers),
                request)
        } catch let error as HTTPError {
            return answer(
                WebError(
                    status: error.status, code: error.status == .contentTooLarge ? "too-large" : "http-error",
                    message: error.body ?? error.status.reasonPhrase), request)
        }
    }

    func answer(_ error: WebError, _ request: Request) -> Response {
        let isAPI = request.uri.path.hasPrefix("/api/")
        if !isAPI, error.code == WebError.signInRequired.code {
            let next = request.uri.path.addingPercentEncoding(withAllowedCharacters: .urlPathAllowed) ?? "/"
            return Response.redirect(to: "/sign-in?next=\(next)", type: .normal)
        }
        var response: Response
        if isAPI {
            let body = APIError(error: .init(code: error.code, message: error.message))
            let data = (try? JSONEncoder().encode(body)) ?? Data()
            var headers = HTTPFields()
            headers[.contentType] = "application/json"
            response = Response(status: error.status, headers: headers, body: .init(byteBuffer: ByteBuffer(data: data)))
        } else {
            response = pages.render(
                "error",
                ErrorPage(status: Int(error.status.code), reason: error.status.reasonPhrase, message: error.message),
                status: error.status)
        }
        for field in error.headers { response.headers.append(field) }
        return response
    }
}

struct ErrorPage: Sendable {
    var status: Int
    var reason: String
    var message: String
}

/// `{"error": {"code": …, "message": …}}`.
struct APIError: Codable, Sendable {
    struct Body: Codable, Sendable {
        var code: String
        var message: String
    }

    var error: Body
}

/// Headers every answer carries: no framing, no MIME sniffing, no inline script.
struct SecurityHeadersMiddleware: RouterMiddleware {
    typealias Context = DocketRequestContext

    func handle(
        _ request: Request, context: Context, next: (Request, Context) async throws -> Response
    ) async throws -> Response {
        var response = try await next(request, context)
        // A handler's stricter policy (an archived document is served sandboxed) is kept.
        let policy = HTTPField.Name("Content-Security-Policy")!
        if response.headers[policy] == nil {
            response.headers[policy] =
                "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'none'; form-action 'self'; "
                + "frame-ancestors 'none'; base-uri 'none'"
        }
        response.headers[HTTPField.Name("X-Content-Type-Options")!] = "nosniff"
        response.headers[HTTPField.Name("Referrer-Policy")!] = "same-origin"
        response.headers[HTTPField.Name("X-Frame-Options")!] = "DENY"
        return response
    }
}

/// Finds the user: a live session cookie issued at the user's current credential generation,
/// or (for the API) a personal token.
struct SessionMiddleware: RouterMiddleware {
    typealias Context = DocketRequestContext
    let sessions: SessionStore
    let docket: DocketArchive

    func handle(
        _ request: Request, context: Context, next: (Request, Context) async throws -> Response
    ) async throws -> Response {
        var context = context
        if let id = request.cookies[DocketWebApp.sessionCookie]?.value, let session = await sessions.session(id) {
            // A password or role change since sign-in (made here or by the CLI) ends the session.
            let current = try await blocking { [docket] in docket.credentialGeneration(of: session.user) }
            if current == session.generation {
                context.session = session
            } else {
                await sessions.end(id)
            }
        } else if let authorization = request.headers[.authorization], authorization.hasPrefix("Bearer ") {
            let token = String(authorization.dropFirst("Bearer ".count))
            guard let user = try await blocking({ [docket] in docket.user(forToken: token) }) else {
                // Every refused token is recorded (never the token itself): guessing shows in the log.
                let event = AccessEvent.signInRefused(
                    name: nil, method: .token, reason: "the API token is not valid", address: context.clientAddress)
                try await blocking { [docket] in _ = try docket.recordAccess(event) }
                throw WebError(status: .unauthorized, code: "bad-token", message: "the API token is not valid")
            }
            // An account with no role (the provider's groups mapped to none) reaches nothing,
            // by token as by session.
            guard try await blocking({ [docket] in try !docket.permissions(for: user).roles.isEmpty }) else {
                throw WebError(status: .forbidden, code: "no-role", message: "this account has no role yet")
            }
            context.tokenUser = user
        }
        return try await next(request, context)
    }
}
