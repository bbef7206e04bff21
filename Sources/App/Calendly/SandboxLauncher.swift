import Vapor

/// Starts the Calendly sandbox in-process for `serve --calendly-sandbox` and points the app at it.
enum SandboxLauncher {
    static func start(_ app: Application, hostname: String, port: Int) async throws {
        app.logger.warning("The Calendly sandbox is not available in this build.")
    }
}
