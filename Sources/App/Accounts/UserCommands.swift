import Vapor

/// `crm user create --email E [--time-zone Z]` and `crm user reset-password --email E`, password on
/// standard input; `crm user reset-2fa --email E`.
struct UserCommands: AsyncCommandGroup {
    var commands: [String: any AnyAsyncCommand] { ["create": CreateUserCommand(), "reset-password": ResetPasswordCommand(), "reset-2fa": ResetTwoFactorCommand()] }
    var help: String { "Manages the owner account." }
}

struct CreateUserCommand: AsyncCommand {
    struct Signature: CommandSignature {
        @Option(name: "email", help: "The owner's email address.")
        var email: String?
        @Option(name: "time-zone", help: "Time zone pages show times in, e.g. Europe/Berlin (default UTC).")
        var timeZone: String?
    }

    var help: String { "Creates the owner account; reads the password from standard input." }

    func run(using context: CommandContext, signature: Signature) async throws {
        let email = try CommandFailure.required(signature.email, "--email")
        try await context.onMigratedDatabase { app in
            let password = PasswordInput.read(console: context.console)
            let account = try await app.accounts.createOwner(email: email, password: password, timeZone: signature.timeZone ?? "UTC")
            context.console.output("Created the owner account \(account.email).".consoleText(.success))
        }
    }
}

/// For an owner who forgot their password: sets a new one and signs out every session.
struct ResetPasswordCommand: AsyncCommand {
    struct Signature: CommandSignature {
        @Option(name: "email", help: "The owner's email address.")
        var email: String?
    }

    var help: String { "Sets a new password for the owner (read from standard input) and signs out every session." }

    func run(using context: CommandContext, signature: Signature) async throws {
        let email = try CommandFailure.required(signature.email, "--email")
        try await context.onMigratedDatabase { app in
            let password = PasswordInput.read(console: context.console)
            try await app.accounts.resetPassword(email: email, to: password)
            await app.audit.record(.passwordChanged, .succeeded, "reset on the server; every session signed out")
            context.console.output("Password changed for \(FieldRules.normalizedEmail(email)); every session is signed out.".consoleText(.success))
        }
    }
}

/// For an owner who lost their authenticator app and their recovery codes: turns two-factor sign-in off.
struct ResetTwoFactorCommand: AsyncCommand {
    struct Signature: CommandSignature {
        @Option(name: "email", help: "The owner's email address.")
        var email: String?
    }

    var help: String { "Turns two-factor sign-in off for the owner, so the password alone signs in again." }

    func run(using context: CommandContext, signature: Signature) async throws {
        let email = try CommandFailure.required(signature.email, "--email")
        try await context.onMigratedDatabase { app in
            try await app.twoFactor.reset(email: email)
            await app.audit.record(.twoFactorDisabled, .succeeded, "reset on the server (crm user reset-2fa)")
            context.console.output("Two-factor sign-in is off for \(FieldRules.normalizedEmail(email)); the password alone signs in. Turn it on again from Settings › Security.".consoleText(.success))
        }
    }
}

/// Reads a password without echo on a terminal, or one line from a pipe.
enum PasswordInput {
    static func read(console: any Console) -> String {
        if isatty(STDIN_FILENO) != 0 {
            console.output("Password: ", newLine: false)
            return console.input(isSecure: true)
        }
        return readLine(strippingNewline: true) ?? ""
    }
}
