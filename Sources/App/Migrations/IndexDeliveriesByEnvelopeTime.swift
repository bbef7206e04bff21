import Fluent
import SQLKit

/// The duplicate check's index, led by the envelope's time instead of the invitee's URI.
///
/// Led by the URI (random), every stored delivery dirtied a page of its own in the index, which
/// SQLite writes whole to the WAL at the commit and again at the checkpoint. Calendly's envelope
/// times increase as deliveries arrive, so new entries now go to the end of the index. The check
/// looks a delivery up by its time and invitee together, which this index answers as well.
/// Written so that a run stopped half-way can run again.
struct IndexDeliveriesByEnvelopeTime: AsyncMigration {
    func prepare(on database: any Database) async throws {
        let sql = try database.sql()
        try await sql.raw("CREATE INDEX IF NOT EXISTS webhook_deliveries_by_envelope ON webhook_deliveries (envelope_created_at, invitee_uri)").run()
        try await sql.raw("DROP INDEX IF EXISTS webhook_deliveries_identity").run()
    }

    func revert(on database: any Database) async throws {
        let sql = try database.sql()
        try await sql.raw("CREATE INDEX IF NOT EXISTS webhook_deliveries_identity ON webhook_deliveries (invitee_uri, event, envelope_created_at)").run()
        try await sql.raw("DROP INDEX IF EXISTS webhook_deliveries_by_envelope").run()
    }
}
