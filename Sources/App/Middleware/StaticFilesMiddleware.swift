import Vapor

/// Serves `Public/` for every path but the API's: no static file lives under `/api`, so API calls
/// skip the file-system look-up.
struct StaticFilesMiddleware: Middleware {
    let files: FileMiddleware

    func respond(to request: Request, chainingTo next: any Responder) -> EventLoopFuture<Response> {
        request.isAPI ? next.respond(to: request) : files.respond(to: request, chainingTo: next)
    }
}
