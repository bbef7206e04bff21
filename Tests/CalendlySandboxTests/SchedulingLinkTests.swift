import Foundation
import Testing
@testable import CalendlySandbox

@Suite("POST /scheduling_links: single-use links")
struct SchedulingLinkTests {
    private func create(_ sandbox: Sandbox, _ fields: [String: Any]) async throws -> HTTPAnswer {
        try await sandbox.call(.POST, "/scheduling_links", json: jsonText(fields))
    }

    @Test("201 with a booking URL for the event type; it prefills, carries utm_content, books once, then says it was used")
    func singleUse() async throws {
        try await withReceiver { receiver in
            try await withSandbox { sandbox in
                // given
                _ = try await sandbox.subscribe(receiver.url)
                let type = try await sandbox.eventTypeURI("thesis-review")
                let created = try await create(sandbox, ["max_event_count": 1, "owner": type, "owner_type": "EventType"])
                #expect(created.status == 201)
                #expect(created.resource.string("owner") == type)
                #expect(created.resource.string("owner_type") == "EventType")
                let link = try #require(created.resource.string("booking_url"))
                #expect(link.hasPrefix("\(sandbox.base)/d/") && link.hasSuffix("/thesis-review"))
                let url = link + "?name=Jonas%20Berg&email=jonas%40student.example&utm_source=personal-crm&utm_content=student-42"

                // when the invitee opens the link and books
                let page = try await sandbox.get(url, authorized: false)
                #expect(page.status == 200)
                #expect(page.body.contains(#"value="Jonas Berg""#) && page.body.contains(#"value="jonas@student.example""#))
                #expect(page.body.contains(#"name="utm_content" value="student-42""#))
                let start = try #require(page.body.components(separatedBy: #"name="start_time" value=""#).dropFirst().first?
                    .components(separatedBy: "\"").first)
                let form = "start_time=\(start)&name=Jonas+Berg&email=jonas%40student.example&timezone=Europe%2FBerlin&utm_source=personal-crm&utm_content=student-42"
                let booked = try await sandbox.call(.POST, url, authorized: false, form: form)

                // then it is booked with the tracking, and the webhook carries it
                #expect(booked.status == 200)
                #expect(booked.body.contains(#"data-page="scheduled""#))
                let delivery = try #require(try await receiver.waitFor(1).first)
                #expect(delivery.event == "invitee.created")
                #expect(delivery.payload.object("tracking").string("utm_content") == "student-42")
                #expect(delivery.payload.string("timezone") == "Europe/Berlin")
                #expect(delivery.payload.object("scheduled_event").string("event_type") == type)
                let invitee = try await sandbox.get(try #require(delivery.payload.string("uri"))).resource
                #expect(invitee.object("tracking").string("utm_content") == "student-42")

                // and the link, opened or posted to again, says it has been used
                let reopened = try await sandbox.get(url, authorized: false)
                #expect(reopened.status == 410)
                #expect(reopened.body.contains("This link has already been used"))
                #expect(reopened.headers.first(name: "Content-Type")?.contains("text/html") == true)
                let second = try await sandbox.openStarts(type).first ?? start
                let again = try await sandbox.call(.POST, link, authorized: false,
                                                   form: "start_time=\(second)&name=Bo&email=bo%40student.example")
                #expect(again.status == 410)
                #expect(again.body.contains("This link has already been used"))
                await sandbox.server.flushWebhooks()
                #expect(await receiver.deliveries.count == 1)
                // while a new link books again
                let fresh = try await create(sandbox, ["max_event_count": 1, "owner": type, "owner_type": "EventType"])
                #expect(try await sandbox.get(try #require(fresh.resource.string("booking_url")), authorized: false).status == 200)
            }
        }
    }

    @Test("two invitees racing for one link: exactly one books")
    func race() async throws {
        try await withSandbox { sandbox in
            let type = try await sandbox.eventTypeURI()
            let link = try #require(try await create(sandbox, ["max_event_count": 1, "owner": type, "owner_type": "EventType"])
                .resource.string("booking_url"))
            let starts = Array(try await sandbox.openStarts(type).prefix(4))
            let statuses = try await withThrowingTaskGroup(of: Int.self) { group in
                for (index, start) in starts.enumerated() {
                    group.addTask {
                        try await sandbox.call(.POST, link, authorized: false,
                                               form: "start_time=\(start)&name=R\(index)&email=r\(index)%40student.example").status
                    }
                }
                return try await group.reduce(into: [Int]()) { $0.append($1) }
            }
            #expect(statuses.sorted() == [200, 410, 410, 410])
        }
    }

    @Test("max_event_count other than 1, owner_type other than EventType, or a missing field: 400; unknown owner: 404")
    func refusals() async throws {
        try await withSandbox { sandbox in
            let type = try await sandbox.eventTypeURI()
            #expect(try await create(sandbox, ["max_event_count": 2, "owner": type, "owner_type": "EventType"])
                .isInvalid("max_event_count", code: "inclusion"))
            #expect(try await create(sandbox, ["owner": type, "owner_type": "EventType"]).isInvalid("max_event_count", code: "blank"))
            #expect(try await create(sandbox, ["max_event_count": 1, "owner": type, "owner_type": "User"])
                .isInvalid("owner_type", code: "inclusion"))
            #expect(try await create(sandbox, ["max_event_count": 1, "owner_type": "EventType"]).isInvalid("owner", code: "blank"))
            let unknown = try await create(sandbox, ["max_event_count": 1, "owner": "\(sandbox.base)/event_types/nope",
                                                     "owner_type": "EventType"])
            #expect(unknown.status == 404)
            #expect(try await sandbox.get("\(sandbox.base)/d/nope-nope/consultation-30", authorized: false).status == 404)
        }
    }

    @Test("needs scheduling_links:write")
    func scope() async throws {
        try await withSandbox { sandbox in
            let type = try await sandbox.eventTypeURI()
            let token = try await sandbox.call(.POST, "/_sandbox/tokens", json: #"{"scopes":["scheduled_events:write"]}"#,
                                               authorized: false).json["token"] as? String
            let answer = try await sandbox.call(.POST, "/scheduling_links", json: jsonText(
                ["max_event_count": 1, "owner": type, "owner_type": "EventType"]), token: token)
            #expect(answer.status == 403)
        }
    }
}
