import Hummingbird

/// The style sheet, the only static file pages load (the OpenAPI document is the API's).
struct StaticFilesController: Sendable {
    var routes: RouteCollection<DocketRequestContext> {
        RouteCollection(context: DocketRequestContext.self)
            .get("static/docket.css", use: styleSheet)
    }

    @Sendable func styleSheet(_ request: Request, context: DocketRequestContext) async throws -> Response {
        guard let css = Pages.staticFile("docket.css") else { throw WebError.notFound("no such file") }
        var response = DocketWebApp.bytes(css, type: "text/css; charset=utf-8")
        response.headers[.cacheControl] = "public, max-age=3600"
        return response
    }
}
