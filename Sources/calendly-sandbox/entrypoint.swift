import CalendlySandbox
import Foundation
import Logging

// `calendly-sandbox --port P [--host H] [--seed N] [--free-plan] [misbehaviour flags]`:
// parsing lives in the library (SandboxCommandLine) so it is tested there.
@main
struct CalendlySandboxMain {
    static func main() async {
        let options: SandboxOptions
        do {
            guard let parsed = try SandboxCommandLine.parse(Array(CommandLine.arguments.dropFirst())) else {
                print(SandboxCommandLine.usage)
                return
            }
            options = parsed
        } catch {
            FileHandle.standardError.write(Data("calendly-sandbox: \(error)\n\n\(SandboxCommandLine.usage)\n".utf8))
            exit(2)
        }
        var logger = Logger(label: "calendly-sandbox")
        logger.logLevel = .info
        do {
            let server = try await SandboxServer.start(options: options, logger: logger)
            print("Calendly sandbox at \(server.baseURL) (token: \(server.apiToken))")
            print("widget: \(server.widgetScriptURL)")
            // Serve until killed; SIGTERM/SIGINT end the process.
            while true { try await Task.sleep(for: .seconds(3_600)) }
        } catch {
            FileHandle.standardError.write(Data("calendly-sandbox: \(error)\n".utf8))
            exit(1)
        }
    }
}
