import Fluent
import SQLKit

/// SQLite's full-text rows numbered anew, newest lowest (`SQLiteSearchIndex.base(of:)`), so that
/// FTS5 walks a word's rows forwards: the full-text tables are made again, empty, and every record
/// is indexed into them before the app serves (as `CreateSearchIndex` did). The words list and the
/// queue stay. PostgreSQL's index has no such numbering; nothing changes there.
///
/// Reverting leaves the index as it is: the earlier numbering is not kept anywhere.
struct NumberSearchRowsNewestLowest: AsyncMigration {
    func prepare(on database: any Database) async throws {
        let sql = try database.sql()
        guard sql.dialect.name != "postgresql" else { return }
        try await SearchSchema.dropSQLiteFullText(sql)
        try await SearchSchema.createSQLiteFullText(sql)
        try await CreateSearchIndex.indexEveryRecord(on: database)
    }

    func revert(on database: any Database) async throws {}
}
