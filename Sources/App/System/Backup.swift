import Fluent
import FluentSQLiteDriver
import Foundation
import SQLKit
import Vapor

/// Copies of the SQLite database (SPEC 12): `VACUUM INTO` reads one consistent snapshot while the
/// server keeps writing, so every delivery acknowledged before the copy began is in it.
struct Backup {
    /// The tables whose rows a backup and its check count.
    static let countedTables = ["students", "consultations", "follow_ups", "webhook_deliveries", "accounts"]

    struct Summary {
        var bytes: Int
        var counts: [(table: String, rows: Int)]

        var description: String {
            let size = ByteCountFormatter.string(fromByteCount: Int64(bytes), countStyle: .file)
            return "\(size); " + counts.map { "\($0.rows) \($0.table.replacingOccurrences(of: "_", with: " "))" }.joined(separator: ", ")
        }
    }

    /// Writes a copy of `db` to `path`: first beside it under a temporary name, then renamed, so a
    /// copy that stopped half-way is never taken for a backup.
    static func write(from db: any Database, to path: String, force: Bool) async throws -> Summary {
        let target = URL(fileURLWithPath: path)
        let files = FileManager.default
        if files.fileExists(atPath: target.path), !force {
            throw CommandFailure("\(target.path) exists; pass --force to replace it")
        }
        let partial = target.deletingLastPathComponent().appendingPathComponent(".\(target.lastPathComponent).partial-\(RandomToken.make(bytes: 6))")
        defer { try? files.removeItem(at: partial) }
        try await db.sql().raw("VACUUM INTO \(literal: partial.path)").run()
        if files.fileExists(atPath: target.path) { try files.removeItem(at: target) }
        try files.moveItem(at: partial, to: target)
        return try await verify(path: target.path, on: db)
    }

    /// Checks a copy: SQLite's integrity check, the migrations it has, and its row counts.
    static func verify(path: String, on db: any Database) async throws -> Summary {
        let file = URL(fileURLWithPath: path)
        guard let attributes = try? FileManager.default.attributesOfItem(atPath: file.path) else {
            throw CommandFailure("\(file.path) does not exist")
        }
        let sql = try db.sql()
        // Attached read-only by URI, so checking a copy never changes it.
        let uri = "file:\(file.path.addingPercentEncoding(withAllowedCharacters: .urlPathAllowed) ?? file.path)?mode=ro"
        try await sql.raw("ATTACH DATABASE \(literal: uri) AS backup_copy").run()
        do {
            let summary = try await check(sql, bytes: (attributes[.size] as? NSNumber)?.intValue ?? 0)
            try await sql.raw("DETACH DATABASE backup_copy").run()
            return summary
        } catch {
            try? await sql.raw("DETACH DATABASE backup_copy").run()
            throw error
        }
    }

    private static func check(_ sql: any SQLDatabase, bytes: Int) async throws -> Summary {
        let integrity = try await sql.raw("PRAGMA backup_copy.integrity_check").all().compactMap { try? $0.decode(column: "integrity_check", as: String.self) }
        guard integrity == ["ok"] else {
            throw CommandFailure("the copy is damaged: \(integrity.prefix(5).joined(separator: "; "))")
        }
        let tables = try await sql.raw("SELECT name FROM backup_copy.sqlite_master WHERE type = 'table'").all()
            .compactMap { try? $0.decode(column: "name", as: String.self) }
        let missing = (countedTables + ["_fluent_migrations"]).filter { !tables.contains($0) }
        guard missing.isEmpty else {
            throw CommandFailure("not a Personal CRM database: no \(missing.joined(separator: ", ")) table")
        }
        var counts: [(String, Int)] = []
        for table in countedTables {
            let rows = try await sql.raw("SELECT COUNT(*) AS n FROM backup_copy.\(ident: table)").first(decodingColumn: "n", as: Int.self) ?? 0
            counts.append((table, rows))
        }
        return Summary(bytes: bytes, counts: counts)
    }
}

/// `crm backup PATH [--force]` and `crm backup --verify PATH`.
struct BackupCommand: AsyncCommand {
    struct Signature: CommandSignature {
        @Argument(name: "path", help: "Where to write the copy, or the copy to check with --verify.")
        var path: String
        @Flag(name: "force", help: "Replace an existing file at PATH.")
        var force: Bool
        @Flag(name: "verify", help: "Check a copy instead of making one: integrity and row counts.")
        var verify: Bool
    }

    var help: String { "Writes a consistent copy of the SQLite database while the app runs, or checks one (--verify)." }

    func run(using context: CommandContext, signature: Signature) async throws {
        let app = context.application
        switch app.appConfig.database {
        case .postgres:
            throw CommandFailure("""
                The database is PostgreSQL: back it up with pg_dump, e.g.
                  pg_dump --format=custom --file=crm.dump "$DATABASE_URL"
                and restore into an empty database with
                  pg_restore --no-owner --dbname="$DATABASE_URL" crm.dump
                """)
        case .sqliteMemory:
            throw CommandFailure("The database is in memory: there is nothing to back up.")
        case .sqliteFile:
            if signature.verify {
                let summary = try await Backup.verify(path: signature.path, on: app.db)
                context.console.output("\(signature.path) is a sound copy: \(summary.description).".consoleText(.success))
            } else {
                context.console.output("Copying the database to \(signature.path)…")
                let summary = try await Backup.write(from: app.db, to: signature.path, force: signature.force)
                context.console.output("Backed up to \(signature.path): \(summary.description).".consoleText(.success))
            }
        }
    }
}
