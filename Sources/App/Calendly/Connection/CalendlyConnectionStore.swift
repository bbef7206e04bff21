import Fluent
import Foundation

/// Reads and writes the `calendly_connections` row: one for the live account, one for the sandbox,
/// so trying the sandbox never leaves its signing key in place for real Calendly.
struct CalendlyConnectionStore {
    let db: any Database
    let key: String

    init(db: any Database, sandbox: Bool) {
        self.db = db
        self.key = sandbox ? "sandbox" : "default"
    }

    func load() async throws -> CalendlyConnection? {
        try await CalendlyConnection.query(on: db).filter(\.$key == key).first()
    }

    func loadOrNew() async throws -> CalendlyConnection {
        if let existing = try await load() { return existing }
        let connection = CalendlyConnection()
        connection.key = key
        return connection
    }

    /// The key webhook signatures are checked with: `CALENDLY_WEBHOOK_SECRET`, else the key the app
    /// generated when it created the subscription.
    func signingKey(configured: String?) async throws -> String? {
        try await signingKeys(configured: configured).first
    }

    /// Every key a delivery may be signed with: the current one, and while a recreated
    /// subscription's predecessor still exists, its key too.
    func signingKeys(configured: String?) async throws -> [String] {
        if let configured { return [configured] }
        guard let connection = try await load() else { return [] }
        return [connection.signingKey, connection.previousSigningKey].compactMap { $0 }
    }
}
