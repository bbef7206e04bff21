import Fluent
import Foundation

/// Reads and writes the single `calendly_connections` row.
struct CalendlyConnectionStore {
    let db: any Database

    func load() async throws -> CalendlyConnection? {
        try await CalendlyConnection.query(on: db).filter(\.$key == "default").first()
    }

    func loadOrNew() async throws -> CalendlyConnection {
        try await load() ?? CalendlyConnection()
    }

    /// The key webhook signatures are checked with: `CALENDLY_WEBHOOK_SECRET`, else the key the app
    /// generated when it created the subscription.
    func signingKey(configured: String?) async throws -> String? {
        if let configured { return configured }
        return try await load()?.signingKey
    }
}
