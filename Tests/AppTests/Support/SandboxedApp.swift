@testable import App
import AsyncHTTPClient
@testable import CalendlySandbox
import Foundation
import Testing
import VaporTesting

/// The app listening on a real loopback port, configured against a Calendly sandbox on another,
/// so every Calendly call and webhook crosses real HTTP as it would with Calendly.
struct SandboxedApp {
    let t: TestApp
    let sandbox: SandboxServer
    let appPort: Int

    var app: Application { t.app }
    var sandboxBase: String { sandbox.baseURL }

    /// A raw HTTP call to the sandbox (control API or Calendly API).
    func sandboxCall(_ method: HTTPMethod, _ path: String, json: String? = nil) async throws -> (status: UInt, body: [String: Any]) {
        var request = HTTPClientRequest(url: sandbox.baseURL + path)
        request.method = method
        request.headers.add(name: "Authorization", value: "Bearer \(sandbox.apiToken)")
        if let json {
            request.headers.add(name: "Content-Type", value: "application/json")
            request.body = .bytes(ByteBuffer(string: json))
        }
        let response = try await HTTPClient.shared.execute(request, timeout: .seconds(30))
        let body = try await response.body.collect(upTo: 8 << 20)
        let object = (try? JSONSerialization.jsonObject(with: Data(buffer: body))) as? [String: Any] ?? [:]
        return (response.status.code, object)
    }

    /// Books a meeting on the sandbox as an invitee would; returns the invitee URI.
    @discardableResult
    func book(_ slug: String = "consultation-30", name: String = "Ada Student", email: String = "ada@student.example",
              extra: String = "") async throws -> String {
        let answer = try await sandboxCall(.POST, "/_sandbox/bookings", json: #"{"event_type":"\#(slug)","name":"\#(name)","email":"\#(email)"\#(extra)}"#)
        #expect(answer.status == 201 || answer.status == 200, "booking answered \(answer.status): \(answer.body)")
        let invitee = answer.body["invitee"] as? [String: Any]
        return try #require(invitee?["uri"] as? String)
    }

    /// Waits until the sandbox has attempted every queued webhook delivery.
    func flushWebhooks() async {
        await sandbox.flushWebhooks()
    }
}

/// Runs `body` with the app and a fresh sandbox. `subscribe` creates the webhook subscription as
/// `crm calendly subscribe` would, so the sandbox delivers to the app.
func withSandboxedApp(
    sandboxOptions: SandboxOptions = SandboxOptions(),
    subscribe: Bool = true,
    settings: (inout CalendlySettings) -> Void = { _ in },
    _ body: (SandboxedApp) async throws -> Void
) async throws {
    var options = sandboxOptions
    options.host = "127.0.0.1"
    options.port = 0
    if options.webhookRetrySchedule == SandboxOptions().webhookRetrySchedule { options.webhookRetrySchedule = [0.2, 0.5, 1] }
    let sandbox = try await SandboxServer.start(options: options, logger: Logger(label: "sandbox-test"))
    do {
        var calendly = CalendlySettings(apiKey: sandbox.apiToken, apiBaseURL: URL(string: sandbox.baseURL)!,
                                        widgetScriptURL: URL(string: sandbox.widgetScriptURL)!, widgetCSSURL: URL(string: sandbox.widgetCSSURL)!,
                                        syncIntervalMinutes: 0)
        settings(&calendly)
        try await withTestApp(calendly: calendly) { t in
            try await t.app.server.start(address: .hostname("127.0.0.1", port: 0))
            let port = try #require(t.app.http.server.shared.localAddress?.port)
            t.app.environmentConfig.publicBaseURL = URL(string: "http://127.0.0.1:\(port)")!
            let harness = SandboxedApp(t: t, sandbox: sandbox, appPort: port)
            if subscribe {
                let account = try await t.app.calendly.account(t.app.appConfig).get()
                _ = try await CalendlySubscriber(client: try t.app.calendly.client(t.app.appConfig.calendly), db: t.app.db,
                                                 writer: t.app.databaseWriter, sandbox: false)
                    .subscribe(url: t.app.appConfig.webhookURL, scope: account.scope, replace: false)
                await t.app.calendly.accountCache.invalidate()
            }
            do {
                try await body(harness)
            } catch {
                await t.app.server.shutdown()
                throw error
            }
            await t.app.server.shutdown()
        }
    } catch {
        try? await sandbox.shutdown()
        throw error
    }
    try await sandbox.shutdown()
}
