import Fluent
import Vapor

/// Re-applies stored deliveries through the same inbox that received them.
struct WebhookReplay {
    let inbox: WebhookInbox
    let db: any Database

    struct Summary: CustomStringConvertible, Equatable {
        var counts: [WebhookDeliveryState: Int] = [:]
        var failed: Int { counts[.failed] ?? 0 }
        var description: String {
            "Replayed: " + WebhookDeliveryState.allCases.map { "\(counts[$0] ?? 0) \($0.rawValue)" }.joined(separator: ", ")
        }
    }

    func replay(all: Bool, ids: [UUID]? = nil, progress: (Int, Int) -> Void = { _, _ in }) async throws -> Summary {
        let query = WebhookDelivery.query(on: db).sort(\.$receivedAt)
        if let ids { query.filter(\.$id ~~ ids) } else if !all { query.filter(\.$state ~~ [.failed, .pending]) }
        let deliveries = try await query.all()
        var summary = Summary()
        for (index, delivery) in deliveries.enumerated() {
            // A replay re-applies: drop the old verdict so the duplicate check does not count this one.
            delivery.state = .pending
            let state = try await inbox.process(delivery)
            summary.counts[state, default: 0] += 1
            progress(index + 1, deliveries.count)
        }
        return summary
    }
}
