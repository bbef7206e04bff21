import Foundation
import Vapor

/// The API requests the sandbox answered, newest last (at most `capacity`): who asked (its
/// `User-Agent`), what, when it started and ended. Tests read it at `GET /_sandbox/requests` to see,
/// say, which app instance ran a reconcile and whether two ran at once.
actor RequestLog {
    struct Entry: Content {
        let method: String
        let path: String
        let userAgent: String
        let startedAt: Date
        let finishedAt: Date
        let status: Int

        enum CodingKeys: String, CodingKey {
            case method, path, status, userAgent = "user_agent", startedAt = "started_at", finishedAt = "finished_at"
        }
    }

    static let capacity = 10_000
    private var entries: [Entry] = []

    func record(_ entry: Entry) {
        entries.append(entry)
        if entries.count > Self.capacity { entries.removeFirst(entries.count - Self.capacity) }
    }

    func all() -> [Entry] { entries }
}

struct RequestLogRoutes {
    let context: SandboxContext

    func register(on control: any RoutesBuilder) {
        control.get("requests", use: list)
    }

    struct Listing: Content {
        let requests: [RequestLog.Entry]
    }

    func list(req: Request) async throws -> Listing {
        Listing(requests: await context.requestLog.all())
    }
}
