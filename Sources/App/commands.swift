import Vapor

/// The `crm` subcommands. `serve` is the default.
func registerCommands(_ app: Application) {
    app.asyncCommands.use(CRMServeCommand(), as: "serve", isDefault: true)
    app.asyncCommands.use(MigrateCommand(), as: "migrate")
    app.asyncCommands.use(UserCommands(), as: "user")
    app.asyncCommands.use(TokenCommands(), as: "token")
    app.asyncCommands.use(CalendlyCommands(), as: "calendly")
    app.asyncCommands.use(WebhookCommands(), as: "webhooks")
    app.asyncCommands.use(BackupCommand(), as: "backup")
}
