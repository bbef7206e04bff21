import Vapor

/// Serves `Public/` for GET requests that no route answers. Routed pages and API calls never touch
/// the file system, and skip `FileMiddleware`'s task and thread hops.
struct StaticFilesMiddleware: Middleware {
    let files: FileMiddleware

    func respond(to request: Request, chainingTo next: any Responder) -> EventLoopFuture<Response> {
        next.respond(to: request).flatMapError { error in
            guard [.GET, .HEAD].contains(request.method), !request.isAPI, !(error is AppError),
                  (error as? any AbortError)?.status == .notFound else {
                return request.eventLoop.makeFailedFuture(error)
            }
            // A path through a file (`/css/app.css/x`) makes the file system fail rather than find
            // nothing; that is still "no such file", not a server error.
            return files.respond(to: request, chainingTo: Failing(error: error)).flatMapError { fileError in
                request.eventLoop.makeFailedFuture(fileError is any AbortError ? fileError : error)
            }
        }
    }

    /// What answers when there is no such file either: the router's own "not found".
    private struct Failing: Responder {
        let error: any Error

        func respond(to request: Request) -> EventLoopFuture<Response> {
            request.eventLoop.makeFailedFuture(error)
        }
    }
}
