import Fluent
import SQLKit
import Vapor

/// The number `CreateDataVersion`'s triggers move forward on every change to the cached tables.
///
/// A request reads it once, before anything it may cache, and stores what it builds under that
/// number. A change committed in between only makes the copy newer than its number says, so the
/// next request, reading a larger number, builds it again: a copy is never older than its number.
enum DataVersion {
    static func read(on db: any Database) async throws -> Int64 {
        let row = try await db.sql().raw("SELECT version FROM data_version WHERE id = 1").first()
        guard let row else { throw Abort(.internalServerError, reason: "data_version has no row: run `crm migrate`") }
        return try row.decode(column: "version", as: Int64.self)
    }
}

extension Request {
    private struct DataVersionKey: StorageKey { typealias Value = Int64 }

    /// The data version as this request first read it: the signed-in checks read it, and a read-only
    /// handler reuses it. A handler that changes data must read `DataVersion` afresh before it
    /// serves anything from a cache, or it would get the copy from before its own change.
    func dataVersion() async throws -> Int64 {
        if let version = storage[DataVersionKey.self] { return version }
        let version = try await DataVersion.read(on: db)
        storage[DataVersionKey.self] = version
        return version
    }
}
