import Fluent
import SQLKit

/// One counter that every change to the tables pages and answers are built from moves forward, by
/// trigger, so a cache anywhere can tell in one read whether its copy is still current — whichever
/// process (another app instance, a `crm` command) made the change.
struct CreateDataVersion: AsyncMigration {
    /// What the caches are built from: the owner's data, and who may sign in.
    static let watchedTables = ["students", "consultations", "accounts", "api_tokens", "_fluent_sessions"]

    func prepare(on database: any Database) async throws {
        let sql = try database.sql()
        try await sql.raw("CREATE TABLE data_version (id INTEGER PRIMARY KEY, version BIGINT NOT NULL)").run()
        try await sql.raw("INSERT INTO data_version (id, version) VALUES (1, 0)").run()
        if sql.dialect.name == "postgresql" {
            // Once per statement; the row lock it takes is held to commit, so readers never see
            // the new number before the change itself.
            try await sql.raw("""
                CREATE FUNCTION crm_bump_data_version() RETURNS trigger LANGUAGE plpgsql AS $$
                BEGIN UPDATE data_version SET version = version + 1 WHERE id = 1; RETURN NULL; END $$
                """).run()
            for table in Self.watchedTables {
                try await sql.raw("""
                    CREATE TRIGGER \(unsafeRaw: table)_data_version AFTER INSERT OR UPDATE OR DELETE ON \(ident: table)
                    FOR EACH STATEMENT EXECUTE FUNCTION crm_bump_data_version()
                    """).run()
            }
        } else {
            // SQLite has row triggers only.
            for table in Self.watchedTables {
                for event in ["INSERT", "UPDATE", "DELETE"] {
                    try await sql.raw("""
                        CREATE TRIGGER \(unsafeRaw: table)_\(unsafeRaw: event.lowercased())_data_version AFTER \(unsafeRaw: event) ON \(ident: table)
                        BEGIN UPDATE data_version SET version = version + 1 WHERE id = 1; END
                        """).run()
                }
            }
        }
    }

    func revert(on database: any Database) async throws {
        let sql = try database.sql()
        let postgres = sql.dialect.name == "postgresql"
        for table in Self.watchedTables {
            if postgres {
                try await sql.raw("DROP TRIGGER IF EXISTS \(unsafeRaw: table)_data_version ON \(ident: table)").run()
            } else {
                for event in ["insert", "update", "delete"] {
                    try await sql.raw("DROP TRIGGER IF EXISTS \(unsafeRaw: table)_\(unsafeRaw: event)_data_version").run()
                }
            }
        }
        if postgres { try await sql.raw("DROP FUNCTION IF EXISTS crm_bump_data_version()").run() }
        try await sql.raw("DROP TABLE data_version").run()
    }
}
