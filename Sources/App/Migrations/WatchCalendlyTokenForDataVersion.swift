import Fluent
import SQLKit

/// The Calendly token entered on Settings moves the data version, as the owner's data does, so
/// every instance learns of a new or removed token at its next request (`CalendlyTokenRefresh`)
/// instead of at its next start. Only the token column is watched: the reconcile's bookkeeping in
/// the same row does not empty every cache. Written so that a run stopped half-way can run again.
struct WatchCalendlyTokenForDataVersion: AsyncMigration {
    func prepare(on database: any Database) async throws {
        let sql = try database.sql()
        try await dropTriggers(on: sql)
        if sql.dialect.name == "postgresql" {
            try await sql.raw("""
                CREATE TRIGGER calendly_connections_token_data_version
                AFTER INSERT OR DELETE OR UPDATE OF api_token ON calendly_connections
                FOR EACH STATEMENT EXECUTE FUNCTION crm_bump_data_version()
                """).run()
        } else {
            for (name, event) in [("insert", "INSERT"), ("delete", "DELETE"), ("update", "UPDATE OF api_token")] {
                try await sql.raw("""
                    CREATE TRIGGER calendly_connections_token_\(unsafeRaw: name)_data_version AFTER \(unsafeRaw: event) ON calendly_connections
                    BEGIN UPDATE data_version SET version = version + 1 WHERE id = 1; END
                    """).run()
            }
        }
    }

    func revert(on database: any Database) async throws {
        try await dropTriggers(on: try database.sql())
    }

    private func dropTriggers(on sql: any SQLDatabase) async throws {
        if sql.dialect.name == "postgresql" {
            try await sql.raw("DROP TRIGGER IF EXISTS calendly_connections_token_data_version ON calendly_connections").run()
        } else {
            for name in ["insert", "delete", "update"] {
                try await sql.raw("DROP TRIGGER IF EXISTS calendly_connections_token_\(unsafeRaw: name)_data_version").run()
            }
        }
    }
}
