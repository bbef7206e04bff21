import Fluent
import SQLKit

/// Background work that several app instances on one PostgreSQL must not do at the same time (the
/// periodic reconcile, finishing deliveries left pending): each takes a PostgreSQL advisory lock
/// for the length of the work, and an instance that finds it taken skips its turn. On SQLite,
/// where one process serves the file, the work simply runs.
enum ExclusiveWork {
    enum Job: Int64 {
        case reconcile = 7_243_101
        case pendingDeliveries = 7_243_102
    }

    /// Runs `work` unless another instance holds `job`'s lock; returns whether it ran.
    @discardableResult
    static func run(_ job: Job, on db: any Database, _ work: @escaping @Sendable () async throws -> Void) async throws -> Bool {
        guard try db.sql().dialect.name == "postgresql" else {
            try await work()
            return true
        }
        // A session lock lives on one connection: taken and released on the same one, held while
        // the work (which uses other connections) runs.
        return try await db.withConnection { connection in
            let sql = try connection.sql()
            let locked = try await sql.raw("SELECT pg_try_advisory_lock(\(bind: job.rawValue)) AS locked")
                .first(decodingColumn: "locked", as: Bool.self) ?? false
            guard locked else { return false }
            do {
                try await work()
            } catch {
                _ = try? await sql.raw("SELECT pg_advisory_unlock(\(bind: job.rawValue))").run()
                throw error
            }
            try await sql.raw("SELECT pg_advisory_unlock(\(bind: job.rawValue))").run()
            return true
        }
    }
}
