import Fluent
import SQLKit

/// The search functions as this version writes them (`PostgresSearchFunctions`), over a database
/// that has them from `AddPostgresSearchFunctions` or an earlier change. Same signatures, same
/// answers. Each change to the functions ships as one more of these (`Change`), so a database
/// migrated before it gets it once.
///
/// Replaced in place (`CREATE OR REPLACE`), not dropped and made again: during a rolling upgrade
/// the instances still on the earlier version keep searching, and never find the functions
/// missing. Reverting keeps them: the earlier text is not kept anywhere, and these answer every
/// search the same. SQLite has no such functions.
struct ReplacePostgresSearchFunctions: AsyncMigration {
    enum Change: String {
        /// Each kind looked through down to the date the matches found in the kinds before it
        /// set, not only their first windows.
        case lookEachKindDownToTheFloor
        /// The rest not looked for when the names' matches fill the answer; every sparse kind
        /// asked of its GIN index in one statement; a kind looked on through from where its
        /// window ended.
        case skipTheRestWhenNamesFill
    }

    let change: Change

    /// The first change kept the name Fluent gave the migration before there were others.
    var name: String {
        change == .lookEachKindDownToTheFloor ? "App.ReplacePostgresSearchFunctions" : "App.ReplacePostgresSearchFunctions.\(change.rawValue)"
    }

    func prepare(on database: any Database) async throws {
        let sql = try database.sql()
        guard sql.dialect.name == "postgresql" else { return }
        try await PostgresSearchFunctions.create(sql)
    }

    func revert(on database: any Database) async throws {}
}
