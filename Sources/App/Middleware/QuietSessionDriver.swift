import Vapor

/// Wraps the database session driver so that sessions cost a write only when they change, and a
/// read only when some session changed since.
///
/// Vapor writes a request's session back after every response, changed or not, and creates a row
/// for any request that touches an empty session (an unknown or stale cookie, say). Here a page
/// view that changed nothing writes nothing, and an empty session is never stored.
struct QuietSessionDriver: SessionDriver {
    let inner: any SessionDriver

    private struct ReadDataKey: StorageKey { typealias Value = SessionData }

    func createSession(_ data: SessionData, for request: Request) -> EventLoopFuture<SessionID> {
        guard !data.snapshot.isEmpty else {
            return request.eventLoop.makeSucceededFuture(SessionID(string: RandomToken.make()))
        }
        return inner.createSession(data, for: request)
    }

    /// Served from the read cache while no session (nor anything else watched) has changed.
    func readSession(_ sessionID: SessionID, for request: Request) -> EventLoopFuture<SessionData?> {
        request.cached(sessionID.string, in: request.application.readCaches.sessions) {
            inner.readSession(sessionID, for: request)
        }.map { data in
            request.storage[ReadDataKey.self] = data
            return data
        }
    }

    func updateSession(_ sessionID: SessionID, to data: SessionData, for request: Request) -> EventLoopFuture<SessionID> {
        if let read = request.storage[ReadDataKey.self], read == data {
            return request.eventLoop.makeSucceededFuture(sessionID)
        }
        return inner.updateSession(sessionID, to: data, for: request)
    }

    func deleteSession(_ sessionID: SessionID, for request: Request) -> EventLoopFuture<Void> {
        inner.deleteSession(sessionID, for: request)
    }
}
