import Fluent
import SQLKit

/// The search functions as this version writes them (`PostgresSearchFunctions`), over a database
/// that has them from `AddPostgresSearchFunctions`: each kind is looked through down to the date
/// the matches found in the kinds before it set, not only their first windows. Same signatures,
/// same answers.
///
/// Replaced in place (`CREATE OR REPLACE`), not dropped and made again: during a rolling upgrade
/// the instances still on the earlier version keep searching, and never find the functions
/// missing. Reverting keeps them: the earlier text is not kept anywhere, and these answer every
/// search the same. SQLite has no such functions.
struct ReplacePostgresSearchFunctions: AsyncMigration {
    func prepare(on database: any Database) async throws {
        let sql = try database.sql()
        guard sql.dialect.name == "postgresql" else { return }
        try await PostgresSearchFunctions.create(sql)
    }

    func revert(on database: any Database) async throws {}
}
