import Vapor

/// `crm token create --name N`: prints a new API token, once, alone on the last line.
struct TokenCommands: AsyncCommandGroup {
    var commands: [String: any AnyAsyncCommand] { ["create": CreateTokenCommand()] }
    var help: String { "Manages API tokens." }
}

struct CreateTokenCommand: AsyncCommand {
    struct Signature: CommandSignature {
        @Option(name: "name", help: "What the token is for, e.g. \"backup script\".")
        var name: String?
    }

    var help: String { "Creates an API token for scripts (sent as Authorization: Bearer)." }

    func run(using context: CommandContext, signature: Signature) async throws {
        let name = try CommandFailure.required(signature.name, "--name")
        try await context.onMigratedDatabase { app in
            let token = try await app.accounts.createToken(name: name)
            await app.audit.record(.tokenCreated, .succeeded, "“\(name.prefix(100))” (crm token create)")
            context.console.output("API token \"\(name)\" created. It is shown only this once:")
            context.console.output(token.consoleText())
        }
    }
}
