import Vapor

/// A command failure with a message for the person at the terminal; the exit code is non-zero.
struct CommandFailure: Error, CustomStringConvertible, LocalizedError {
    var description: String
    init(_ message: String) { description = message }
    var errorDescription: String? { description }
}

extension CommandFailure {
    /// The option's value, or a failure naming the option.
    static func required(_ value: String?, _ option: String) throws -> String {
        guard let value else { throw CommandFailure("\(option) is required") }
        return value
    }
}

extension CommandContext {
    /// Runs `work` once the database schema is up to date; a refusal (`AppError`) becomes a message
    /// for the person at the terminal instead of an error trace.
    func onMigratedDatabase(_ work: (Application) async throws -> Void) async throws {
        try await application.autoMigrate()
        do {
            try await work(application)
        } catch let error as AppError {
            throw CommandFailure(error.reason)
        }
    }
}
