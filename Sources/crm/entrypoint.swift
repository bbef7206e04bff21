import App
import Foundation
import Logging
import Vapor

@main
enum Entrypoint {
    static func main() async throws {
        var env = try Environment.detect()
        // The level from `--log` or LOG_LEVEL, as Vapor reads it; the handler is the app's own.
        let level = try Logger.Level.detect(from: &env)
        LoggingSystem.bootstrap { label in SafeLogHandler(label: label, level: level) }
        bootstrapMetrics()
        let app = try await Application.make(env)
        app.directory = ProjectDirectory.detect()
        var failed = false
        do {
            // Vapor has merged `.env` into the process environment by now.
            let config = try AppConfig.load(from: ProcessInfo.processInfo.environment)
            try await configure(app, config: config)
            try await app.execute()
        } catch {
            SafeLogHandler.flush()
            let databaseURL = ProcessInfo.processInfo.environment["DATABASE_URL"]
            let message = DatabaseFailure.explain(error, databaseURL: databaseURL) ?? "\(error)"
            FileHandle.standardError.write(Data("crm: \(message)\n".utf8))
            failed = true
        }
        try await app.asyncShutdown()
        if failed { exit(1) }
    }
}
