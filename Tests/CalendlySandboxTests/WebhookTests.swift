import Foundation
import Testing
@testable import CalendlySandbox

@Suite("Webhook subscriptions and deliveries")
struct WebhookTests {
    @Test("create 201 without echoing the key, 409 on the same URL, list needs organization and scope, delete 204")
    func subscriptions() async throws {
        try await withSandbox { sandbox in
            // when
            let created = try await sandbox.subscribe("http://127.0.0.1:9/hook")
            let duplicate = try await sandbox.subscribe("http://127.0.0.1:9/hook")

            // then
            #expect(created.status == 201)
            #expect(created.resource.string("state") == "active")
            #expect(created.resource["signing_key"] == nil)
            #expect(duplicate.status == 409)
            #expect(duplicate.json["title"] as? String == "Already Exists")
            #expect(duplicate.json["message"] as? String == "Hook with this url already exists")
            let org = try await sandbox.me().organization
            let listed = try await sandbox.get("/webhook_subscriptions?organization=\(org)&scope=organization")
            #expect(listed.collection.count == 1)
            #expect(try await sandbox.get("/webhook_subscriptions?scope=organization").status == 400)
            #expect(try await sandbox.get("/webhook_subscriptions?organization=\(org)").status == 400)
            let uri = try #require(created.resource.string("uri"))
            #expect(try await sandbox.get(uri).resource.string("callback_url") == "http://127.0.0.1:9/hook")
            #expect(try await sandbox.call(.DELETE, uri).status == 204)
            #expect(try await sandbox.get(uri).status == 404)
            let bad = try await sandbox.call(.POST, "/webhook_subscriptions", json: #"{"url":"nope","events":[]}"#)
            #expect(bad.status == 400)
        }
    }

    @Test("a plan limit refuses webhook subscriptions with Calendly's upgrade message")
    func freePlan() async throws {
        try await withSandbox(SandboxOptions(freePlan: true)) { sandbox in
            let answer = try await sandbox.subscribe("http://127.0.0.1:9/hook")
            #expect(answer.status == 403)
            #expect(answer.json["message"] as? String == "Please upgrade to a paid Calendly account.")
            #expect(try await sandbox.get("/users/me").headers.first(name: "X-RateLimit-Limit") == "50")
        }
    }

    @Test("a booking is delivered in Calendly's envelope, signed with the subscription's key")
    func signedDelivery() async throws {
        try await withReceiver { receiver in
            try await withSandbox { sandbox in
                // given
                _ = try await sandbox.subscribe(receiver.url, key: "secret-123")

                // when
                let booked = try await sandbox.book(extra: #","answers":["Essay plan"],"tracking":{"utm_source":"personal-crm","utm_content":"student-7"}"#)

                // then
                let delivery = try #require(try await receiver.waitFor(1).first)
                #expect(delivery.event == "invitee.created")
                #expect(delivery.json["created_by"] as? String == (try await sandbox.me().user))
                #expect((delivery.json["created_at"] as? String)?.hasSuffix(".000000Z") == true)
                #expect(delivery.payload["uri"] as? String == booked.json.object("invitee").string("uri"))
                #expect(delivery.payload.object("tracking").string("utm_content") == "student-7")
                #expect(delivery.payload.object("scheduled_event").string("uri") == booked.json.object("event").string("uri"))
                let qa = delivery.payload["questions_and_answers"] as? [[String: Any]] ?? []
                #expect(qa.first?["answer"] as? String == "Essay plan")
                let signature = try #require(delivery.signature)
                let parts = Dictionary(uniqueKeysWithValues: signature.split(separator: ",").map {
                    let kv = $0.split(separator: "=", maxSplits: 1)
                    return (String(kv[0]), String(kv[1]))
                })
                let t = try #require(Int(parts["t"] ?? ""))
                #expect(abs(Double(t) - Date().timeIntervalSince1970) < 60)
                #expect(parts["v1"] == WebhookSigner.v1(body: Data(delivery.body.utf8), signingKey: "secret-123", timestamp: t))
            }
        }
    }

    @Test("a reschedule sends the old invitee's cancel with rescheduled and new_invitee, then the new one's create with old_invitee")
    func reschedule() async throws {
        try await withReceiver { receiver in
            try await withSandbox { sandbox in
                // given
                let booked = try await sandbox.book()
                let oldURI = try #require(booked.json.object("invitee").string("uri"))
                let oldUUID = try #require(oldURI.components(separatedBy: "/").last)
                _ = try await sandbox.subscribe(receiver.url)
                let slots = try await sandbox.call(.GET, "/_sandbox/slots?event_type=consultation-30", authorized: false)
                let newStart = try #require((slots.json["slots"] as? [String])?.last)

                // when
                let moved = try await sandbox.call(.POST, "/_sandbox/invitees/\(oldUUID)/reschedule",
                                                   json: #"{"start_time":"\#(newStart)"}"#, authorized: false)

                // then
                #expect(moved.status == 201)
                let newURI = try #require(moved.json.object("invitee").string("uri"))
                let deliveries = try await receiver.waitFor(2)
                #expect(deliveries.map(\.event) == ["invitee.canceled", "invitee.created"])
                let cancel = deliveries[0].payload, create = deliveries[1].payload
                #expect(cancel["uri"] as? String == oldURI)
                #expect(cancel["rescheduled"] as? Bool == true)
                #expect(cancel["new_invitee"] as? String == newURI)
                #expect(cancel.object("cancellation").string("canceler_type") == "invitee")
                #expect(create["uri"] as? String == newURI)
                #expect(create["old_invitee"] as? String == oldURI)
                #expect(create["rescheduled"] as? Bool == false)
                #expect(create.object("scheduled_event").string("start_time") == newStart)
                #expect(try await sandbox.get(oldURI).resource.string("status") == "canceled")
            }
        }
    }

    @Test("invitee and host cancels, no-show create and delete each reach the subscriber")
    func everyChange() async throws {
        try await withReceiver { receiver in
            try await withSandbox { sandbox in
                let first = try await sandbox.book()
                let second = try await sandbox.book(name: "Bo Student", email: "bo@student.example")
                _ = try await sandbox.subscribe(receiver.url)
                let firstUUID = try #require(first.json.object("invitee").string("uri")?.components(separatedBy: "/").last)
                let secondEvent = try #require(second.json.object("event").string("uri"))

                _ = try await sandbox.call(.POST, "/_sandbox/invitees/\(firstUUID)/no_show", authorized: false)
                _ = try await sandbox.call(.DELETE, "/_sandbox/invitees/\(firstUUID)/no_show", authorized: false)
                _ = try await sandbox.call(.POST, "/_sandbox/invitees/\(firstUUID)/cancel", json: #"{"canceled_by":"invitee"}"#, authorized: false)
                _ = try await sandbox.call(.POST, "\(secondEvent)/cancellation", json: #"{"reason":"Sick"}"#)

                let deliveries = try await receiver.waitFor(4)
                #expect(deliveries.map(\.event) == ["invitee_no_show.created", "invitee_no_show.deleted",
                                                    "invitee.canceled", "invitee.canceled"])
                #expect(deliveries[0].payload.object("no_show").string("uri") != nil)
                #expect(deliveries[2].payload.object("cancellation").string("canceler_type") == "invitee")
                #expect(deliveries[3].payload.object("cancellation").string("canceler_type") == "host")
                #expect(deliveries[3].payload.object("cancellation").string("reason") == "Sick")
            }
        }
    }

    @Test("only subscribed events are sent")
    func eventFilter() async throws {
        try await withReceiver { receiver in
            try await withSandbox { sandbox in
                _ = try await sandbox.subscribe(receiver.url, events: ["invitee.canceled"])
                let booked = try await sandbox.book()
                let uuid = try #require(booked.json.object("invitee").string("uri")?.components(separatedBy: "/").last)
                _ = try await sandbox.call(.POST, "/_sandbox/invitees/\(uuid)/cancel", json: "{}", authorized: false)
                await sandbox.server.flushWebhooks()
                #expect(try await receiver.waitFor(1).map(\.event) == ["invitee.canceled"])
            }
        }
    }
}
