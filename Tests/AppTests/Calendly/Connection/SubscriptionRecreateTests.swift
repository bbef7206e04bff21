@testable import App
@testable import CalendlySandbox
import Fluent
import Foundation
import Testing
import VaporTesting

/// Recreating the webhook subscription never leaves a gap (SPEC 4.2, 4.4; REFERENCE-2026.md): the
/// new subscription is created first, under the next generation in its URL because Calendly refuses
/// two subscriptions with one URL; either key is accepted while both exist; the receiver never
/// answers 410 (Calendly would delete the subscription) and never redirects (a failure to Calendly).
@Suite("Webhook subscription rules")
struct SubscriptionRecreateTests {
    private func subscriptions(_ s: SandboxedApp) async throws -> [[String: Any]] {
        let me = try await s.sandboxCall(.GET, "/users/me")
        let organization = try #require((me.body["resource"] as? [String: Any])?["current_organization"] as? String)
        let list = try await s.sandboxCall(.GET, "/webhook_subscriptions?scope=organization&organization=\(organization)")
        return list.body["collection"] as? [[String: Any]] ?? []
    }

    private func recreate(_ s: SandboxedApp) async throws -> CalendlySubscriber.Outcome {
        let account = try await s.app.calendly.account(s.app.appConfig, fresh: true).get()
        return try await CalendlySubscriber(client: try s.app.calendly.client(s.app.appConfig.calendly), db: s.app.db,
                                            writer: s.app.databaseWriter, sandbox: false)
            .subscribe(url: s.app.appConfig.webhookURL, scope: account.scope, replace: true)
    }

    @Test func recreatingCreatesTheNewOneFirstUnderTheNextGeneration() async throws {
        try await withSandboxedApp { s in
            let before = try await subscriptions(s)
            #expect(before.count == 1)
            let transport = RecordingTransport.live()
            s.app.useCalendly(transport)
            // when
            guard case .created(let created) = try await recreate(s) else { Issue.record("not recreated"); return }
            // then: created before anything was deleted, with ?generation=1, and the old one is gone
            let calls = transport.requests.map { "\($0.method) \(URLComponents(string: $0.url)?.path ?? "")" }
            let create = try #require(calls.firstIndex(of: "POST /webhook_subscriptions"))
            let delete = try #require(calls.firstIndex { $0.hasPrefix("DELETE /webhook_subscriptions/") })
            #expect(create < delete)
            #expect(created.callbackUrl == s.app.appConfig.webhookURL + "?generation=1")
            let after = try await subscriptions(s)
            #expect(after.map { $0["callback_url"] as? String } == [created.callbackUrl])
            // and a booking is delivered to it and verified with the new key
            let uri = try await s.book()
            await s.flushWebhooks()
            #expect(try await Consultation.query(on: s.app.db).filter(\.$calendlyInviteeURI == uri).count() == 1)
        }
    }

    @Test func aFailedDeleteStillEndsWithAWorkingSubscriptionAndBothKeysAccepted() async throws {
        try await withSandboxedApp { s in
            // given Calendly fails every delete
            s.app.useCalendly(RecordingTransport.live { request in
                request.method == .DELETE ? .json(500, #"{"title":"Internal Server Error"}"#) : nil
            })
            _ = try await recreate(s)
            #expect(try await subscriptions(s).count == 2, "the old one is still there")
            let connection = try #require(try await CalendlyConnection.query(on: s.app.db).first())
            #expect(connection.previousSigningKey != nil)
            // when a booking is made, both subscriptions deliver it, each signed with its own key
            let uri = try await s.book()
            await s.flushWebhooks()
            // then both deliveries were accepted and there is one consultation
            let deliveries = try await WebhookDelivery.query(on: s.app.db).all()
            #expect(deliveries.count == 2)
            #expect(Set(deliveries.map(\.state)).isSubset(of: [.processed, .duplicate]))
            #expect(try await Consultation.query(on: s.app.db).filter(\.$calendlyInviteeURI == uri).count() == 1)
            // and once Calendly lets it, the next subscribe deletes the old one and forgets its key
            s.app.useCalendly(RecordingTransport.live())
            let account = try await s.app.calendly.account(s.app.appConfig, fresh: true).get()
            let outcome = try await CalendlySubscriber(client: try s.app.calendly.client(s.app.appConfig.calendly), db: s.app.db,
                                                       writer: s.app.databaseWriter, sandbox: false)
                .subscribe(url: s.app.appConfig.webhookURL, scope: account.scope, replace: false)
            guard case .alreadyActive = outcome else { Issue.record("expected the active one to be kept"); return }
            #expect(try await subscriptions(s).count == 1)
            #expect(try await CalendlyConnection.query(on: s.app.db).first()?.previousSigningKey == nil)
        }
    }

    @Test func withAConfiguredSecretTheNewSubscriptionIsSignedWithIt() async throws {
        try await withSandboxedApp(settings: { $0.webhookSecret = "the-owners-own-signing-key" }) { s in
            let account = try await s.app.calendly.account(s.app.appConfig, fresh: true).get()
            var subscriber = CalendlySubscriber(client: try s.app.calendly.client(s.app.appConfig.calendly), db: s.app.db,
                                                writer: s.app.databaseWriter, sandbox: false)
            subscriber.configuredSecret = s.app.appConfig.calendly.webhookSecret
            _ = try await subscriber.subscribe(url: s.app.appConfig.webhookURL, scope: account.scope, replace: true)
            // the receiver accepts only the configured secret, and the delivery verifies with it
            let uri = try await s.book()
            await s.flushWebhooks()
            #expect(try await Consultation.query(on: s.app.db).filter(\.$calendlyInviteeURI == uri).count() == 1)
            #expect(try await WebhookDelivery.query(on: s.app.db).all().map(\.state) == [.processed])
        }
    }

    @Test func theReceiverNeverAnswers410NorRedirects() async throws {
        try await withTestApp(calendly: webhookSettings) { t in
            let path = "/api/calendar/webhook/calendly"
            let stale = "t=\(Int(Date().timeIntervalSince1970) - 3600),v1=" + String(repeating: "ab", count: 32)
            let cases: [(HTTPMethod, String, HTTPHeaders, String)] = [
                (.POST, path, [:], "{}"),
                (.POST, path, ["Calendly-Webhook-Signature": "garbage"], "{}"),
                (.POST, path, ["Calendly-Webhook-Signature": stale], "{}"),
                (.POST, path, ["Calendly-Webhook-Signature": "t=1,v1=00"], "not json"),
                (.POST, path + "?generation=7", [:], "{}"),
                (.POST, path + "/", [:], "{}"),
                (.GET, path, [:], ""),
                (.PUT, path, [:], "{}"),
                (.DELETE, path, [:], ""),
                (.POST, path, ["Content-Type": "text/plain"], String(repeating: "x", count: 2_000_000)),
            ]
            for (method, target, headers, body) in cases {
                let response = try await t.app.testing(method: .running(port: 0)).sendRequest(method, target, headers: headers, body: ByteBuffer(string: body))
                #expect(response.status != .gone, "\(method) \(target)")
                #expect(!(300..<400).contains(response.status.code), "\(method) \(target) redirected")
                #expect(response.status.code < 500, "\(method) \(target) answered \(response.status)")
            }
        }
    }

    @Test func theSandboxRefusesASecondSubscriptionWithTheSameURL() async throws {
        try await withSandboxedApp { s in
            let me = try await s.sandboxCall(.GET, "/users/me")
            let organization = try #require((me.body["resource"] as? [String: Any])?["current_organization"] as? String)
            let second = try await s.sandboxCall(.POST, "/webhook_subscriptions", json: #"{"url":"\#(s.app.appConfig.webhookURL)","events":["invitee.created"],"organization":"\#(organization)","scope":"organization"}"#)
            #expect(second.status == 409)
        }
    }
}
