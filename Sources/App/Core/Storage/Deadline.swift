import NIOConcurrencyHelpers

/// Runs work with a deadline that does not wait for the work: past it, the caller gets
/// `Deadline.Exceeded` at once while the work goes on by itself (it cannot be cut short; a driver
/// call may not answer cancellation). For work whose caller must not hang, such as a webhook that
/// Calendly gives up on after 15 seconds.
enum Deadline {
    struct Exceeded: Error, CustomStringConvertible {
        let limit: Duration
        var description: String { "the database did not answer within \(limit)" }
    }

    static func run<T: Sendable>(within limit: Duration, _ work: @escaping @Sendable () async throws -> T) async throws -> T {
        let settled = NIOLockedValueBox(false)
        return try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<T, any Error>) in
            let finish: @Sendable (Result<T, any Error>) -> Void = { result in
                let first = settled.withLockedValue { done in
                    defer { done = true }
                    return !done
                }
                if first { continuation.resume(with: result) }
            }
            let timer = Task {
                try await Task.sleep(for: limit)
                finish(.failure(Exceeded(limit: limit)))
            }
            Task {
                do { finish(.success(try await work())) } catch { finish(.failure(error)) }
                timer.cancel()
            }
        }
    }
}
