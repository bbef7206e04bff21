import Foundation
import Logging
import Vapor

/// A webhook endpoint for tests: records every delivery and answers with a status the test
/// chooses (by default 200), on its own loopback port.
final class WebhookReceiver: Sendable {
    struct Delivery: Sendable {
        let body: String
        let signature: String?
        let receivedAt: Date

        var json: [String: Any] {
            (try? JSONSerialization.jsonObject(with: Data(body.utf8))) as? [String: Any] ?? [:]
        }
        var event: String { json["event"] as? String ?? "" }
        var payload: [String: Any] { json["payload"] as? [String: Any] ?? [:] }
    }

    actor Log {
        var deliveries: [Delivery] = []
        var statuses: [UInt] = []
        func add(_ d: Delivery) -> UInt {
            deliveries.append(d)
            return statuses.isEmpty ? 200 : statuses.removeFirst()
        }
        func answer(with statuses: [UInt]) { self.statuses = statuses }
    }

    private let log: Log
    private let app: Application
    let url: String

    static func start(path: String = "hook") async throws -> WebhookReceiver {
        var logger = Logger(label: "receiver")
        logger.logLevel = .warning
        let app = try await Application.make(Environment(name: "testing", arguments: ["receiver"]), .singleton,
                                             logger: logger)
        let log = Log()
        app.post(PathComponent(stringLiteral: path)) { req async -> Response in
            let body = req.body.data.map { String(buffer: $0) } ?? ""
            let status = await log.add(Delivery(body: body, signature: req.headers.first(name: "Calendly-Webhook-Signature"),
                                                receivedAt: Date()))
            return Response(status: HTTPResponseStatus(statusCode: Int(status)))
        }
        try await app.asyncBoot()
        try await app.server.start(address: .hostname("127.0.0.1", port: 0))
        let port = app.http.server.shared.localAddress?.port ?? 0
        return WebhookReceiver(app: app, url: "http://127.0.0.1:\(port)/\(path)", log: log)
    }

    private init(app: Application, url: String, log: Log) {
        self.app = app
        self.url = url
        self.log = log
    }

    var deliveries: [Delivery] {
        get async { await log.deliveries }
    }

    /// The next deliveries get these statuses, in order; after them, 200.
    func answer(with statuses: [UInt]) async {
        await log.answer(with: statuses)
    }

    /// Polls until `count` deliveries have arrived (or the time runs out) and returns them.
    func waitFor(_ count: Int, timeout: TimeInterval = 10) async throws -> [Delivery] {
        let deadline = Date().addingTimeInterval(timeout)
        while Date() < deadline {
            let got = await deliveries
            if got.count >= count { return got }
            try await Task.sleep(for: .milliseconds(20))
        }
        return await deliveries
    }

    func stop() async throws {
        await app.server.shutdown()
        try await app.asyncShutdown()
    }
}

/// Runs `body` with a fresh receiver and always stops it.
func withReceiver(_ body: (WebhookReceiver) async throws -> Void) async throws {
    let receiver = try await WebhookReceiver.start()
    do {
        try await body(receiver)
    } catch {
        try await receiver.stop()
        throw error
    }
    try await receiver.stop()
}
