@testable import App
import Foundation
import Testing
import VaporTesting

@Suite("API security and errors")
struct SecurityTests {
    @Test(arguments: ["/api/students", "/api/consultations", "/api/calendar/meetings/upcoming", "/api/openapi.json"])
    func apiNeedsAuthentication(path: String) async throws {
        try await withTestApp { t in
            let response = try await t.app.testing().sendRequest(.GET, path)
            #expect(response.status == .unauthorized)
            #expect(try response.errorCode().code == "unauthorized")
        }
    }

    @Test func wrongTokenIsUnauthorized() async throws {
        try await withTestApp { t in
            let response = try await t.app.testing().sendRequest(.GET, "/api/students", headers: ["Authorization": "Bearer crm_wrong"])
            #expect(response.status == .unauthorized)
        }
    }

    @Test func healthAnswersWithoutAuthentication() async throws {
        try await withTestApp { t in
            let response = try await t.app.testing().sendRequest(.GET, "/api/health")
            #expect(response.status == .ok)
            #expect(try response.json() as NSDictionary == ["status": "ok", "database": "ok"])
        }
    }

    @Test func methodAPathDoesNotTakeIs405() async throws {
        try await withTestApp { t in
            let response = try await t.app.testing().sendRequest(.PUT, "/api/students", headers: t.bearer)
            #expect(response.status == .methodNotAllowed)
            #expect(response.headers.first(name: "Allow")?.contains("GET") == true)
            #expect(try response.errorCode().code == "method_not_allowed")
        }
    }

    @Test func unknownAPIPathIs404InJSON() async throws {
        try await withTestApp { t in
            let response = try await t.app.testing().sendRequest(.GET, "/api/nothing-here", headers: t.bearer)
            #expect(response.status == .notFound)
            #expect(try response.errorCode().code == "not_found")
        }
    }

    @Test func bodyOverTheProseLimitIs413() async throws {
        try await withTestApp { t in
            let big = #"{"name": ""# + String(repeating: "x", count: BodyLimits.prose.value + 1) + #""}"#
            let response = try await t.app.testing(method: .running(port: 0)).sendRequest(.POST, "/api/students", headers: t.bearer, body: rawBody(big))
            #expect(response.status == .payloadTooLarge)
            #expect(try response.errorCode().code == "payload_too_large")
            #expect(try await Student.query(on: t.app.db).count() == 0)
        }
    }

    @Test func responsesCarrySecurityHeaders() async throws {
        try await withTestApp { t in
            let response = try await t.app.testing().sendRequest(.GET, "/sign-in")
            let policy = try #require(response.headers.first(name: "Content-Security-Policy"))
            #expect(policy.contains("default-src 'self'"))
            #expect(policy.contains("https://assets.calendly.com"))
            #expect(response.headers.first(name: "X-Content-Type-Options") == "nosniff")
            #expect(response.headers.first(name: "X-Frame-Options") == "DENY")
            // Served over plain http here: no HSTS, which would lock browsers out of this address.
            #expect(response.headers.first(name: "Strict-Transport-Security") == nil)
        }
    }

    @Test func anHTTPSAddressGetsHSTS() async throws {
        try await withTestApp(adjust: { $0.publicBaseURL = URL(string: "https://crm.example.org")! }) { t in
            let page = try await t.app.testing().sendRequest(.GET, "/sign-in")
            #expect(page.headers.first(name: "Strict-Transport-Security") == "max-age=31536000")
            let api = try await t.app.testing().sendRequest(.GET, "/api/health")
            #expect(api.headers.first(name: "Strict-Transport-Security") == "max-age=31536000")
        }
    }

    @Test func apiTokenIsStoredOnlyAsAHash() async throws {
        try await withTestApp { t in
            let stored = try await APIToken.query(on: t.app.db).all()
            #expect(stored.count == 1)
            #expect(stored[0].tokenHash != t.token)
            #expect(stored[0].tokenHash == APIToken.hash(t.token))
        }
    }

    @Test func openAPIDocumentIsServedToSignedInClients() async throws {
        try await withTestApp { t in
            let response = try await t.app.testing().sendRequest(.GET, "/api/openapi.json", headers: t.bearer)
            #expect(response.status == .ok)
            let paths = try #require(try response.json()["paths"] as? [String: Any])
            #expect(paths.keys.contains("/api/students/{id}"))
        }
    }
}
