import Foundation
import Testing
@testable import CalendlySandbox

@Suite("Reconfirmation and location changes")
struct InviteeChangeTests {
    @Test("the host asks to reconfirm, then the invitee confirms: reconfirmation and updated_at change, no webhook")
    func reconfirmation() async throws {
        try await withReceiver { receiver in
            try await withSandbox { sandbox in
                // given
                let booked = try await sandbox.book()
                let uri = try #require(booked.json.object("invitee").string("uri"))
                let uuid = try #require(uri.components(separatedBy: "/").last)
                _ = try await sandbox.subscribe(receiver.url)
                let before = try await sandbox.get(uri).resource
                #expect(before["reconfirmation"] is NSNull)
                #expect(try await sandbox.call(.POST, "/_sandbox/invitees/\(uuid)/reconfirm", authorized: false).status == 400)

                // when the host asks
                let asked = try await sandbox.call(.POST, "/_sandbox/invitees/\(uuid)/reconfirmation", authorized: false)

                // then it is unconfirmed
                #expect(asked.status == 200)
                let pending = try await sandbox.get(uri).resource
                let requestedAt = try #require(pending.object("reconfirmation").string("created_at"))
                #expect(pending.object("reconfirmation")["confirmed_at"] is NSNull)
                #expect((pending.string("updated_at") ?? "") > (before.string("updated_at") ?? ""))

                // when the invitee confirms
                #expect(try await sandbox.call(.POST, "/_sandbox/invitees/\(uuid)/reconfirm", authorized: false).status == 200)

                // then
                let confirmed = try await sandbox.get(uri).resource
                #expect(confirmed.object("reconfirmation").string("created_at") == requestedAt)
                let confirmedAt = try #require(confirmed.object("reconfirmation").string("confirmed_at"))
                #expect(confirmedAt >= requestedAt)
                #expect((confirmed.string("updated_at") ?? "") >= (pending.string("updated_at") ?? ""))
                await sandbox.server.flushWebhooks()
                #expect(await receiver.deliveries.isEmpty)
                #expect(try await sandbox.call(.POST, "/_sandbox/invitees/unknown/reconfirmation", authorized: false).status == 404)
            }
        }
    }

    @Test("a location change is sent as a reschedule to the same start time, with both webhooks")
    func move() async throws {
        try await withReceiver { receiver in
            try await withSandbox { sandbox in
                // given a booking of the type held in a room
                let booked = try await sandbox.book("thesis-review", extra: #","tracking":{"utm_content":"student-5"}"#)
                let oldURI = try #require(booked.json.object("invitee").string("uri"))
                let oldUUID = try #require(oldURI.components(separatedBy: "/").last)
                let start = try #require(booked.json.object("event").string("start_time"))
                _ = try await sandbox.subscribe(receiver.url)

                // when the place changes
                let moved = try await sandbox.call(.POST, "/_sandbox/invitees/\(oldUUID)/move",
                                                   json: #"{"location": "Room 3.14"}"#, authorized: false)

                // then a new event at the same time, in the new place
                #expect(moved.status == 201)
                let newURI = try #require(moved.json.object("invitee").string("uri"))
                #expect(newURI != oldURI)
                #expect(moved.json.object("event").string("start_time") == start)
                #expect(moved.json.object("event").object("location").string("location") == "Room 3.14")
                #expect(moved.json.object("event").object("location").string("type") == "physical")
                let deliveries = try await receiver.waitFor(2)
                #expect(deliveries.map(\.event) == ["invitee.canceled", "invitee.created"])
                let cancel = deliveries[0].payload, create = deliveries[1].payload
                #expect(cancel.string("uri") == oldURI)
                #expect(cancel["rescheduled"] as? Bool == true)
                #expect(cancel.string("new_invitee") == newURI)
                #expect(cancel.object("scheduled_event").string("start_time") == start)
                #expect(create.string("uri") == newURI)
                #expect(create.string("old_invitee") == oldURI)
                #expect(create.object("scheduled_event").string("start_time") == start)
                #expect(create.object("scheduled_event").object("location").string("location") == "Room 3.14")
                #expect(create.object("tracking").string("utm_content") == "student-5")
                #expect(try await sandbox.get(oldURI).resource.string("status") == "canceled")
            }
        }
    }

    @Test("a move needs a location, and a canceled invitee cannot move")
    func moveRefusals() async throws {
        try await withSandbox { sandbox in
            let booked = try await sandbox.book()
            let uuid = try #require(booked.json.object("invitee").string("uri")?.components(separatedBy: "/").last)
            #expect(try await sandbox.call(.POST, "/_sandbox/invitees/\(uuid)/move", json: "{}", authorized: false).status == 400)
            _ = try await sandbox.call(.POST, "/_sandbox/invitees/\(uuid)/cancel", json: "{}", authorized: false)
            #expect(try await sandbox.call(.POST, "/_sandbox/invitees/\(uuid)/move", json: #"{"location":"Room 1"}"#,
                                           authorized: false).status == 403)
        }
    }
}
