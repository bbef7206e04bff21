import Foundation
import Testing
@testable import CalendlySandbox

@Suite("Calendly API over HTTP")
struct APITests {
    @Test("/users/me answers the owner with Calendly's fields and rate-limit headers")
    func usersMe() async throws {
        try await withSandbox { sandbox in
            // when
            let answer = try await sandbox.get("/users/me")

            // then
            #expect(answer.status == 200)
            let user = answer.resource
            for key in ["uri", "name", "slug", "email", "scheduling_url", "timezone", "avatar_url",
                        "created_at", "updated_at", "current_organization"] {
                #expect(user[key] != nil, "missing \(key)")
            }
            #expect(user.string("uri")?.hasPrefix(sandbox.base + "/users/") == true)
            #expect(answer.headers.first(name: "X-RateLimit-Limit") == "500")
            #expect(answer.headers.first(name: "X-RateLimit-Remaining") == "499")
            #expect(Int(answer.headers.first(name: "X-RateLimit-Reset") ?? "") ?? 0 > 0)
            let byUUID = try await sandbox.get(try #require(user.string("uri")))
            #expect(byUUID.resource.string("email") == user.string("email"))
        }
    }

    @Test("a missing or wrong token is a 401 in Calendly's shape, with rate-limit headers")
    func unauthenticated() async throws {
        try await withSandbox { sandbox in
            let missing = try await sandbox.get("/users/me", authorized: false)
            let wrong = try await sandbox.call(.GET, "/users/me", token: "nope")
            for answer in [missing, wrong] {
                #expect(answer.status == 401)
                #expect(answer.json["title"] as? String == "Unauthenticated")
                #expect(answer.json["message"] as? String == "The access token is invalid")
                #expect(answer.headers.first(name: "X-RateLimit-Limit") != nil)
            }
        }
    }

    @Test("the control index names the token and the owner; truth lists every event with invitees")
    func controlIndexAndTruth() async throws {
        try await withSandbox { sandbox in
            let index = try await sandbox.get("/_sandbox", authorized: false)
            #expect(index.json["api_token"] as? String == sandbox.server.apiToken)
            #expect(index.json["user"] as? String == (try await sandbox.me().user))
            let truth = try await sandbox.get("/_sandbox/truth", authorized: false)
            let events = truth.json["events"] as? [[String: Any]] ?? []
            #expect(events.count >= 10)
            #expect(events.allSatisfy { !(($0["invitees"] as? [Any]) ?? []).isEmpty })
            #expect(events.contains { ($0["invitees"] as? [[String: Any]])?.first?["rescheduled"] as? Bool == true })
            #expect(events.contains { !((($0["invitees"] as? [[String: Any]])?.first?["no_show"]) is NSNull) })
        }
    }

    @Test("the same seed gives the same ids; another seed other ids")
    func deterministic() async throws {
        var first = "", again = "", other = ""
        try await withSandbox(SandboxOptions(seed: 5)) { first = try await $0.me().user.components(separatedBy: "/").last ?? "" }
        try await withSandbox(SandboxOptions(seed: 5)) { again = try await $0.me().user.components(separatedBy: "/").last ?? "" }
        try await withSandbox(SandboxOptions(seed: 6)) { other = try await $0.me().user.components(separatedBy: "/").last ?? "" }
        #expect(first == again)
        #expect(first != other)
    }

    @Test("event types: user or organization required, active filter, sort, one by uuid")
    func eventTypes() async throws {
        try await withSandbox { sandbox in
            // given
            let (user, org) = try await sandbox.me()

            // when
            let all = try await sandbox.get("/event_types?user=\(user)")
            let active = try await sandbox.get("/event_types?organization=\(org)&active=true")
            let inactive = try await sandbox.get("/event_types?user=\(user)&active=false")
            let descending = try await sandbox.get("/event_types?user=\(user)&sort=name:desc")
            let neither = try await sandbox.get("/event_types")
            let badBool = try await sandbox.get("/event_types?user=\(user)&active=maybe")

            // then
            #expect(all.collection.count >= 3)
            #expect(active.collection.allSatisfy { $0["active"] as? Bool == true })
            #expect(inactive.collection.count == 1)
            #expect(all.collection.contains { !(($0["custom_questions"] as? [Any]) ?? []).isEmpty })
            let names = all.collection.compactMap { $0["name"] as? String }
            #expect(names == names.sorted { $0.lowercased() < $1.lowercased() })
            #expect(descending.collection.compactMap { $0["name"] as? String } == names.reversed())
            #expect(neither.status == 400)
            #expect(badBool.status == 400)
            let first = try #require(all.collection.first?["uri"] as? String)
            #expect(try await sandbox.get(first).resource.string("uri") == first)
            #expect(try await sandbox.get("/event_types/unknown").status == 404)
        }
    }

    @Test("scheduled events filter by status, time window and invitee email, sorted by start")
    func scheduledEvents() async throws {
        try await withSandbox { sandbox in
            // given
            let (user, _) = try await sandbox.me()
            let now = CalendlyTime.format(Date())

            // when
            let all = try await sandbox.get("/scheduled_events?user=\(user)&count=100").collection
            let canceled = try await sandbox.get("/scheduled_events?user=\(user)&status=canceled&count=100").collection
            let future = try await sandbox.get("/scheduled_events?user=\(user)&min_start_time=\(now)&count=100").collection
            let past = try await sandbox.get("/scheduled_events?user=\(user)&max_start_time=\(now)&count=100").collection
            let desc = try await sandbox.get("/scheduled_events?user=\(user)&sort=start_time:desc&count=100").collection

            // then
            #expect(all.count >= 10)
            #expect(!canceled.isEmpty && canceled.allSatisfy { $0["status"] as? String == "canceled" })
            #expect(!future.isEmpty && !past.isEmpty)
            #expect(future.count + past.count == all.count)
            let starts = all.compactMap { $0["start_time"] as? String }
            #expect(starts == starts.sorted())
            #expect(desc.compactMap { $0["start_time"] as? String } == starts.reversed())
            let event = try #require(all.first)
            let invitees = try await sandbox.get("\(event["uri"] as? String ?? "")/invitees").collection
            let email = try #require(invitees.first?["email"] as? String)
            let byEmail = try await sandbox.get("/scheduled_events?user=\(user)&invitee_email=\(email)&count=100").collection
            #expect(byEmail.contains { $0["uri"] as? String == event["uri"] as? String })
            #expect(try await sandbox.get("/scheduled_events?user=\(user)&status=gone").status == 400)
            #expect(try await sandbox.get("/scheduled_events?user=\(user)&min_start_time=soon").status == 400)
            #expect(try await sandbox.get("/scheduled_events?user=\(sandbox.base)/users/someone-else").status == 403)
            #expect(try await sandbox.get("/scheduled_events").status == 400)
        }
    }

    @Test("invitees: list, one by uri, 404 for unknown; memberships and organization")
    func inviteesAndMemberships() async throws {
        try await withSandbox { sandbox in
            let (user, org) = try await sandbox.me()
            let event = try #require(try await sandbox.get("/scheduled_events?user=\(user)").collection.first)
            let eventURI = try #require(event["uri"] as? String)
            let invitee = try #require(try await sandbox.get("\(eventURI)/invitees").collection.first)
            let inviteeURI = try #require(invitee["uri"] as? String)
            #expect(try await sandbox.get(inviteeURI).resource.string("event") == eventURI)
            #expect(try await sandbox.get("\(eventURI)/invitees/unknown").status == 404)
            #expect(try await sandbox.get("/scheduled_events/unknown").status == 404)
            let memberships = try await sandbox.get("/organization_memberships?user=\(user)").collection
            #expect(memberships.first?["role"] as? String == "owner")
            #expect(memberships.first?["organization"] as? String == org)
            #expect(try await sandbox.get("/organization_memberships").status == 400)
            #expect(try await sandbox.get(org).resource.string("stage") == "paid")
        }
    }

    @Test("host cancellation: 201 with the cancellation; 403 when already canceled or past")
    func cancellation() async throws {
        try await withSandbox { sandbox in
            // given a fresh booking
            let booked = try await sandbox.book()
            let eventURI = try #require(booked.json.object("event").string("uri"))

            // when
            let first = try await sandbox.call(.POST, "\(eventURI)/cancellation", json: #"{"reason":"Ill"}"#)
            let again = try await sandbox.call(.POST, "\(eventURI)/cancellation", json: "{}")

            // then
            #expect(first.status == 201)
            #expect(first.resource.string("canceler_type") == "host")
            #expect(first.resource.string("reason") == "Ill")
            #expect(again.status == 403)
            #expect(again.json["message"] as? String == "Event is already canceled")
            let event = try await sandbox.get(eventURI).resource
            #expect(event.string("status") == "canceled")
            #expect(event.object("cancellation").string("canceler_type") == "host")
            let (user, _) = try await sandbox.me()
            let past = try #require(try await sandbox.get("/scheduled_events?user=\(user)&status=active").collection.first)
            let pastAnswer = try await sandbox.call(.POST, "\(past["uri"] as? String ?? "")/cancellation")
            #expect(pastAnswer.status == 403)
            #expect(pastAnswer.json["message"] as? String == "Event in the past")
        }
    }

    @Test("no-shows: create 201, read, duplicate 400, delete 204, then 404")
    func noShows() async throws {
        try await withSandbox { sandbox in
            let booked = try await sandbox.book()
            let inviteeURI = try #require(booked.json.object("invitee").string("uri"))
            let created = try await sandbox.call(.POST, "/invitee_no_shows", json: #"{"invitee":"\#(inviteeURI)"}"#)
            #expect(created.status == 201)
            let noShowURI = try #require(created.resource.string("uri"))
            #expect(try await sandbox.get(noShowURI).resource.string("invitee") == inviteeURI)
            #expect(try await sandbox.get(inviteeURI).resource.object("no_show").string("uri") == noShowURI)
            #expect(try await sandbox.call(.POST, "/invitee_no_shows", json: #"{"invitee":"\#(inviteeURI)"}"#).status == 400)
            #expect(try await sandbox.call(.POST, "/invitee_no_shows", json: "{}").status == 400)
            #expect(try await sandbox.call(.POST, "/invitee_no_shows", json: #"{"invitee":"\#(sandbox.base)/x"}"#).status == 404)
            #expect(try await sandbox.call(.DELETE, noShowURI).status == 204)
            #expect(try await sandbox.get(noShowURI).status == 404)
            #expect(try await sandbox.get(inviteeURI).resource["no_show"] is NSNull)
        }
    }
}
