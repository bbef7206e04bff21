import Fluent
import SQLKit
import Vapor

/// The number `CreateDataVersion`'s triggers move forward on every change to the cached tables.
///
/// A request reads it once, before anything it may cache, and stores what it builds under that
/// number. A change committed in between only makes the copy newer than its number says, so the
/// next request, reading a larger number, builds it again: a copy is never older than its number.
enum DataVersion {
    static func future(on db: any Database) -> EventLoopFuture<Int64> {
        do {
            return try db.sql().raw("SELECT version FROM data_version WHERE id = 1").first().flatMapThrowing { row in
                guard let row else { throw Abort(.internalServerError, reason: "data_version has no row: run `crm migrate`") }
                return try row.decode(column: "version", as: Int64.self)
            }
        } catch {
            return db.eventLoop.makeFailedFuture(error)
        }
    }
}

extension Request {
    private struct DataVersionKey: StorageKey { typealias Value = Int64 }

    /// The data version as this request first read it: the signed-in checks read it, and a read-only
    /// handler reuses it. A handler that changes data must read `DataVersion` afresh before it
    /// serves anything from a cache, or it would get the copy from before its own change.
    func dataVersion() async throws -> Int64 {
        try await dataVersionFuture().get()
    }

    /// `dataVersion()` for code written with futures (see `Request.cached`). Requests that ask at
    /// about the same moment share one read (see `CoalescedRead`).
    func dataVersionFuture() -> EventLoopFuture<Int64> {
        if let version = storage[DataVersionKey.self] { return eventLoop.makeSucceededFuture(version) }
        let db = self.db
        return application.readCaches.dataVersionReads.value(on: eventLoop) {
            DataVersion.future(on: db)
        }.map { version in
            self.storage[DataVersionKey.self] = version
            return version
        }
    }
}
