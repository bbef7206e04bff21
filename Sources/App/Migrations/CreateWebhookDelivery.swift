import Fluent
import SQLKit

struct CreateWebhookDelivery: AsyncMigration {
    func prepare(on database: any Database) async throws {
        try await database.schema("webhook_deliveries")
            .id()
            .field("received_at", .datetime, .required)
            .field("event", .string, .required)
            .field("invitee_uri", .string)
            .field("envelope_created_at", .string)
            .field("body", .data, .required)
            .field("state", .string, .required)
            .field("error", .string)
            .field("processed_at", .datetime)
            .create()
        let sql = try database.sql()
        // A delivery's identity is (event, payload.uri, envelope created_at).
        try await sql.raw("CREATE INDEX webhook_deliveries_identity ON webhook_deliveries (invitee_uri, event, envelope_created_at)").run()
        try await sql.raw("CREATE INDEX webhook_deliveries_state ON webhook_deliveries (state, received_at)").run()
        try await sql.raw("CREATE INDEX webhook_deliveries_received ON webhook_deliveries (received_at)").run()
    }

    func revert(on database: any Database) async throws {
        try await database.schema("webhook_deliveries").delete()
    }
}
