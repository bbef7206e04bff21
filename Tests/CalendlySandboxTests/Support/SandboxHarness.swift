import AsyncHTTPClient
import Foundation
import Logging
import NIOCore
import Vapor
@testable import CalendlySandbox

/// An answer from the sandbox: status, headers, raw body and the body parsed as JSON.
struct HTTPAnswer: @unchecked Sendable {
    let status: Int
    let headers: HTTPHeaders
    let body: String

    var json: [String: Any] {
        (try? JSONSerialization.jsonObject(with: Data(body.utf8))) as? [String: Any] ?? [:]
    }

    var resource: [String: Any] { json["resource"] as? [String: Any] ?? [:] }
    var collection: [[String: Any]] { json["collection"] as? [[String: Any]] ?? [] }
    var pagination: [String: Any] { json["pagination"] as? [String: Any] ?? [:] }
}

/// A running sandbox on a free loopback port, and a client that talks to it over real HTTP.
struct Sandbox: Sendable {
    let server: SandboxServer
    var base: String { server.baseURL }

    func call(_ method: HTTPMethod, _ pathOrURL: String, json: String? = nil, token: String? = nil,
              authorized: Bool = true, form: String? = nil) async throws -> HTTPAnswer {
        let url = pathOrURL.hasPrefix("http") ? pathOrURL : base + pathOrURL
        var request = HTTPClientRequest(url: url)
        request.method = method
        if authorized { request.headers.add(name: "Authorization", value: "Bearer \(token ?? server.apiToken)") }
        if let json {
            request.headers.add(name: "Content-Type", value: "application/json")
            request.body = .bytes(ByteBuffer(string: json))
        } else if let form {
            request.headers.add(name: "Content-Type", value: "application/x-www-form-urlencoded")
            request.body = .bytes(ByteBuffer(string: form))
        }
        let response = try await HTTPClient.shared.execute(request, timeout: .seconds(30))
        let body = try await response.body.collect(upTo: 8 << 20)
        return HTTPAnswer(status: Int(response.status.code), headers: response.headers,
                          body: String(buffer: body))
    }

    func get(_ path: String, authorized: Bool = true) async throws -> HTTPAnswer {
        try await call(.GET, path, authorized: authorized)
    }

    /// The owner's URIs, read from `/users/me` as a client would.
    func me() async throws -> (user: String, organization: String) {
        let me = try await get("/users/me").resource
        return (me["uri"] as? String ?? "", me["current_organization"] as? String ?? "")
    }

    /// Books the first free slot of an event type through the control API.
    func book(_ slug: String = "consultation-30", name: String = "Ada Student",
              email: String = "ada@student.example", extra: String = "") async throws -> HTTPAnswer {
        let body = #"{"event_type":"\#(slug)","name":"\#(name)","email":"\#(email)"\#(extra)}"#
        return try await call(.POST, "/_sandbox/bookings", json: body, authorized: false)
    }

    func subscribe(_ url: String, key: String? = "test-signing-key",
                   events: [String] = ["invitee.created", "invitee.canceled",
                                       "invitee_no_show.created", "invitee_no_show.deleted"]) async throws -> HTTPAnswer {
        let org = try await me().organization
        let eventList = events.map { "\"\($0)\"" }.joined(separator: ",")
        let keyPart = key.map { #","signing_key":"\#($0)""# } ?? ""
        return try await call(.POST, "/webhook_subscriptions", json: """
            {"url":"\(url)","events":[\(eventList)],"organization":"\(org)","scope":"organization"\(keyPart)}
            """)
    }
}

/// Starts a sandbox for one test and always shuts it down.
func withSandbox(_ options: SandboxOptions = SandboxOptions(),
                 _ body: (Sandbox) async throws -> Void) async throws {
    var logger = Logger(label: "sandbox-test")
    logger.logLevel = .warning
    var options = options
    options.port = 0
    let server = try await SandboxServer.start(options: options, logger: logger)
    do {
        try await body(Sandbox(server: server))
    } catch {
        try await server.shutdown()
        throw error
    }
    try await server.shutdown()
}

extension Dictionary where Key == String, Value == Any {
    func string(_ key: String) -> String? { self[key] as? String }
    func object(_ key: String) -> [String: Any] { self[key] as? [String: Any] ?? [:] }
}
