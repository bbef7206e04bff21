import NIOConcurrencyHelpers
import NIOCore
import Vapor

/// Reads a request's whole body before anything looks at it, within a size and a time limit.
///
/// Vapor collects a route's body only after the route's middleware has run, so a middleware that
/// reads the body (the CSRF check reads a form's token) would otherwise see only the part that had
/// arrived; on a real network a body arrives in pieces. The time limit answers a client trickling a
/// body in with a 408 rather than holding its request open.
struct BodyCollector: Middleware {
    let maxSize: ByteCount

    func respond(to request: Request, chainingTo next: any Responder) -> EventLoopFuture<Response> {
        guard ![.GET, .HEAD, .OPTIONS].contains(request.method) else { return next.respond(to: request) }
        return request.collectBody(max: maxSize).flatMap { _ in next.respond(to: request) }
    }
}

/// How much a request may carry and how long it may take to arrive.
enum BodyLimits {
    /// Forms and JSON that carry the owner's prose: two 100,000-character fields in any script,
    /// percent-encoded (up to 12 bytes a character), with room for the rest of the form.
    static let prose: ByteCount = "3mb"
    /// Sign-in and setup: an email, a password and a few short fields.
    static let small: ByteCount = "64kb"
    /// A students CSV to import (SPEC 12).
    static let csvImport: ByteCount = "5mb"
    /// A 100 KB note from a slow phone at 30 KB/s still fits.
    static let arrivalDeadline: TimeAmount = .seconds(60)
}

extension Request {
    /// The whole body, collected within `max` bytes and `BodyLimits.arrivalDeadline`: a 413 beyond
    /// the size, a 408 beyond the time.
    func collectBody(max: ByteCount, within deadline: TimeAmount = BodyLimits.arrivalDeadline) -> EventLoopFuture<ByteBuffer?> {
        if let data = body.data {
            guard data.readableBytes <= max.value else { return eventLoop.makeFailedFuture(AppError.tooLarge(limit: max)) }
            return eventLoop.makeSucceededFuture(data)
        }
        let promise = eventLoop.makePromise(of: ByteBuffer?.self)
        let settled = NIOLockedValueBox(false)
        let settle: @Sendable (Result<ByteBuffer?, any Error>) -> Void = { result in
            guard settled.withLockedValue({ done in defer { done = true }; return !done }) else { return }
            promise.completeWith(result)
        }
        let timer = eventLoop.scheduleTask(in: deadline) { settle(.failure(AppError.bodyTimedOut)) }
        // Vapor refuses a body that reaches its `max`; the limit here is the largest size allowed.
        body.collect(max: max.value + 1).whenComplete { result in
            timer.cancel()
            settle(result.mapError { error in
                (error as? any AbortError)?.status == .payloadTooLarge ? AppError.tooLarge(limit: max) : error
            })
        }
        return promise.futureResult
    }
}
