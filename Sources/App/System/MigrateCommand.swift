import Fluent
import Vapor

/// `crm migrate [--revert] [--yes]`: brings the database schema up to date, or takes it all back.
struct MigrateCommand: AsyncCommand {
    struct Signature: CommandSignature {
        @Flag(name: "revert", help: "Revert every migration (erases all data).")
        var revert: Bool
        @Flag(name: "yes", short: "y", help: "Do not ask for confirmation before reverting.")
        var yes: Bool
    }

    var help: String { "Creates or updates the database tables (or reverts them with --revert)." }

    func run(using context: CommandContext, signature: Signature) async throws {
        let app = context.application
        if signature.revert {
            guard signature.yes || context.console.confirm("Revert every migration and erase all data?".consoleText(.warning)) else {
                context.console.output("Nothing reverted.")
                return
            }
            try await app.autoRevert()
            context.console.output("All migrations reverted.".consoleText(.success))
        } else {
            try await app.autoMigrate()
            context.console.output("Database is up to date.".consoleText(.success))
        }
    }
}
