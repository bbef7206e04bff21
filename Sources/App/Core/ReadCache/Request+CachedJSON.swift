import Vapor

extension Request {
    /// A JSON answer kept under the data version: `cached` looks it up for the version this request
    /// read, and only a miss starts a task to `build` it (which stores it for the next request).
    ///
    /// Written with futures because a hit is nearly every request: it then costs no task and no
    /// thread hop. In `make bench` the upcoming-meetings route answers this way at 115-156% of the
    /// health route's rate, the cheapest thing the app does.
    func cachedJSON(cached: @escaping @Sendable (Int64) -> ByteBuffer?,
                    build: @escaping @Sendable (Int64) async throws -> ByteBuffer) -> EventLoopFuture<Response> {
        dataVersionFuture().flatMap { version in
            if let body = cached(version) {
                return self.eventLoop.makeSucceededFuture(PlainJSON.response(encoded: body))
            }
            return self.eventLoop.makeFutureWithTask {
                PlainJSON.response(encoded: try await build(version))
            }
        }
    }
}
