import Foundation
import Testing
@testable import CalendlySandbox

@Suite("POST /invitees: booking directly")
struct DirectBookingTests {
    @Test("a booking at an open time answers 201 with the invitee, instant_book, the owner as booker, and tracking")
    func books() async throws {
        try await withSandbox { sandbox in
            // given
            let type = try await sandbox.eventTypeURI()
            let start = try #require(try await sandbox.openStarts(type).first)
            var body = sandbox.directBody(type, start: start)
            body["questions_and_answers"] = [["question": "What would you like to discuss?", "answer": "Essay", "position": 0]]
            body["event_guests"] = ["parent@example.com"]
            body["text_reminder_number"] = "+46 70 123 45 67"

            // when
            let answer = try await sandbox.bookDirectly(body)

            // then
            #expect(answer.status == 201)
            let invitee = answer.resource
            #expect(invitee.string("scheduling_method") == "instant_book")
            #expect(invitee.string("invitee_scheduled_by") == (try await sandbox.me().user))
            #expect(invitee.string("email") == "jonas@student.example")
            #expect(invitee.string("name") == "Jonas Berg")
            #expect(invitee.string("timezone") == "Europe/Berlin")
            #expect(invitee.string("text_reminder_number") == "+46 70 123 45 67")
            #expect(invitee.object("tracking").string("utm_content") == "student-42")
            #expect(invitee["reconfirmation"] is NSNull)
            #expect((invitee["questions_and_answers"] as? [[String: Any]])?.first?["answer"] as? String == "Essay")
            #expect(invitee.object("scheduled_event").string("start_time") == start)
            let guests = invitee.object("scheduled_event")["event_guests"] as? [[String: Any]]
            #expect(guests?.first?["email"] as? String == "parent@example.com")
            // The same invitee as GET answers, and the time is no longer open.
            let uri = try #require(invitee.string("uri"))
            let read = try await sandbox.get(uri).resource
            #expect(read.string("scheduling_method") == "instant_book")
            #expect(read.object("tracking").string("utm_source") == "personal-crm")
            #expect(!(try await sandbox.openStarts(type)).contains(start))
        }
    }

    @Test("first_name and last_name stand in for name")
    func nameInParts() async throws {
        try await withSandbox { sandbox in
            let type = try await sandbox.eventTypeURI()
            let start = try #require(try await sandbox.openStarts(type).first)
            var body = sandbox.directBody(type, start: start)
            body["invitee"] = ["email": "li@student.example", "timezone": "Asia/Shanghai", "first_name": "Li", "last_name": "Wei"]
            let invitee = try await sandbox.bookDirectly(body).resource
            #expect(invitee.string("name") == "Li Wei")
            #expect(invitee.string("first_name") == "Li")
            #expect(invitee.string("last_name") == "Wei")
        }
    }

    @Test("the invitee.created webhook follows, as for a booking page booking, carrying instant_book and tracking")
    func webhook() async throws {
        try await withReceiver { receiver in
            try await withSandbox { sandbox in
                // given
                _ = try await sandbox.subscribe(receiver.url)
                let type = try await sandbox.eventTypeURI()
                let start = try #require(try await sandbox.openStarts(type).first)

                // when
                let answer = try await sandbox.bookDirectly(sandbox.directBody(type, start: start))

                // then
                let delivery = try #require(try await receiver.waitFor(1).first)
                #expect(delivery.event == "invitee.created")
                #expect(delivery.payload.string("uri") == answer.resource.string("uri"))
                #expect(delivery.payload.string("scheduling_method") == "instant_book")
                #expect(delivery.payload.string("invitee_scheduled_by") == (try await sandbox.me().user))
                #expect(delivery.payload.object("tracking").string("utm_content") == "student-42")
            }
        }
    }

    @Test("a time that is past, taken or off the open grid is a 400 with already_filled on start_time")
    func notOpen() async throws {
        try await withSandbox { sandbox in
            // given
            let type = try await sandbox.eventTypeURI()
            let open = try await sandbox.openStarts(type)
            let first = try #require(open.first)
            #expect(try await sandbox.bookDirectly(sandbox.directBody(type, start: first)).status == 201)
            let firstDate = try #require(CalendlyTime.parse(first))
            let past = CalendlyTime.format(Date().addingTimeInterval(-86_400))
            let halfPast = CalendlyTime.format(firstDate.addingTimeInterval(86_400 + 1_800))
            let night = CalendlyTime.format(CalendlyTime.startOfDayUTC(firstDate).addingTimeInterval(2 * 86_400 + 3 * 3_600))

            // when / then
            for start in [first, past, halfPast, night] {
                let answer = try await sandbox.bookDirectly(sandbox.directBody(type, start: start, email: "other@student.example"))
                #expect(answer.isInvalid("start_time", code: "already_filled"), "\(start): \(answer.body)")
            }
            // and a listed time still books
            #expect(try await sandbox.bookDirectly(sandbox.directBody(type, start: open[1])).status == 201)
        }
    }

    @Test("each missing or bad field is a 400 naming it", arguments: [
        ("event_type", "blank"), ("start_time", "blank"), ("start_time", "invalid"), ("invitee.email", "blank"),
        ("invitee.email", "invalid"), ("invitee.timezone", "blank"), ("invitee.timezone", "inclusion"),
        ("invitee.name", "blank"), ("tracking", "invalid"), ("event_guests", "too_long"),
    ])
    func badField(parameter: String, code: String) async throws {
        try await withSandbox { sandbox in
            // given a valid body with one field broken
            let type = try await sandbox.eventTypeURI()
            let start = try #require(try await sandbox.openStarts(type).first)
            var body = sandbox.directBody(type, start: start)
            var invitee = body["invitee"] as? [String: Any] ?? [:]
            switch (parameter, code) {
            case ("event_type", _): body["event_type"] = nil
            case ("start_time", "blank"): body["start_time"] = nil
            case ("start_time", _): body["start_time"] = "next tuesday"
            case ("invitee.email", "blank"): invitee["email"] = nil
            case ("invitee.email", _): invitee["email"] = "jonas at example"
            case ("invitee.timezone", "blank"): invitee["timezone"] = nil
            case ("invitee.timezone", _): invitee["timezone"] = "Mars/Olympus_Mons"
            case ("invitee.name", _): invitee["name"] = nil
            case ("tracking", _): body["tracking"] = ["utm_source": "personal-crm", "utm_content": "student-1"]
            default: body["event_guests"] = (1...11).map { "guest\($0)@example.com" }
            }
            if parameter.hasPrefix("invitee.") { body["invitee"] = invitee }

            // when
            let answer = try await sandbox.bookDirectly(body)

            // then
            #expect(answer.isInvalid(parameter, code: code), "\(answer.status) \(answer.body)")
            #expect(answer.json["message"] as? String == "The supplied parameters are invalid.")
            #expect(answer.details.allSatisfy { $0["message"] is String })
            // nothing was booked
            #expect(try await sandbox.openStarts(type).contains(start))
        }
    }

    @Test("ten guests are allowed; a tracking object with all six keys (nulls included) is accepted")
    func limitsAtTheEdge() async throws {
        try await withSandbox { sandbox in
            let type = try await sandbox.eventTypeURI()
            let start = try #require(try await sandbox.openStarts(type).first)
            var body = sandbox.directBody(type, start: start)
            body["event_guests"] = (1...10).map { "guest\($0)@example.com" }
            #expect(try await sandbox.bookDirectly(body).status == 201)
        }
    }

    @Test("answers must name the event type's questions exactly, case included, and required ones must be answered")
    func questions() async throws {
        try await withSandbox { sandbox in
            // given the consultation type, whose questions are optional
            let type = try await sandbox.eventTypeURI()
            let start = try #require(try await sandbox.openStarts(type).first)
            var body = sandbox.directBody(type, start: start)

            // when the question's case differs
            body["questions_and_answers"] = [["question": "what would you like to discuss?", "answer": "x", "position": 0]]
            let wrongCase = try await sandbox.bookDirectly(body)
            body["questions_and_answers"] = [["question": "Anything else?", "answer": "x", "position": 0]]
            let unknown = try await sandbox.bookDirectly(body)

            // then
            #expect(wrongCase.isInvalid("questions_and_answers", code: "inclusion"))
            #expect(unknown.isInvalid("questions_and_answers", code: "inclusion"))
        }
    }

    @Test("a required question left unanswered is a 400")
    func requiredQuestion() async throws {
        try await withSandbox { sandbox in
            // given an event type with a required question
            let changed = try await sandbox.call(
                .POST, "/_sandbox/event_types/consultation-30/questions",
                json: #"{"questions": [{"name": "What would you like to discuss?", "type": "text", "required": true}]}"#,
                authorized: false)
            #expect(changed.status == 200)
            #expect((changed.json["custom_questions"] as? [[String: Any]])?.first?["required"] as? Bool == true)
            let type = try await sandbox.eventTypeURI()
            let start = try #require(try await sandbox.openStarts(type).first)
            var body = sandbox.directBody(type, start: start)

            // when
            let unanswered = try await sandbox.bookDirectly(body)
            body["questions_and_answers"] = [["question": "What would you like to discuss?", "answer": "Thesis", "position": 0]]
            let answered = try await sandbox.bookDirectly(body)

            // then
            #expect(unanswered.isInvalid("questions_and_answers", code: "blank"))
            #expect(answered.status == 201)
        }
    }

    @Test("an event type that is not the user's is a 404; a body that is not a JSON object a 400")
    func unknownTypeAndBadBody() async throws {
        try await withSandbox { sandbox in
            let type = try await sandbox.eventTypeURI()
            let start = try #require(try await sandbox.openStarts(type).first)
            let unknown = try await sandbox.bookDirectly(sandbox.directBody("\(sandbox.base)/event_types/unknown", start: start))
            #expect(unknown.status == 404)
            #expect(unknown.json["title"] as? String == "Resource Not Found")
            let foreign = try await sandbox.bookDirectly(sandbox.directBody(
                type.replacingOccurrences(of: sandbox.base, with: "https://api.calendly.com"), start: start))
            #expect(foreign.status == 404)
            #expect(try await sandbox.call(.POST, "/invitees", json: "[1, 2]").status == 400)
            #expect(try await sandbox.call(.POST, "/invitees", json: "{not json").status == 400)
        }
    }

    @Test("POST /invitees needs scheduled_events:write")
    func scope() async throws {
        try await withSandbox { sandbox in
            // given tokens with and without the scope
            let reader = try await sandbox.call(.POST, "/_sandbox/tokens", json: #"{"scopes":["scheduled_events:read","event_types:read","users:read","availability:read"]}"#, authorized: false)
            let writer = try await sandbox.call(.POST, "/_sandbox/tokens", json: #"{"scopes":["scheduled_events:write"]}"#, authorized: false)
            let type = try await sandbox.eventTypeURI()
            let start = try #require(try await sandbox.openStarts(type).first)
            let body = sandbox.directBody(type, start: start)

            // when
            let refused = try await sandbox.bookDirectly(body, token: reader.json["token"] as? String)
            let allowed = try await sandbox.bookDirectly(body, token: writer.json["token"] as? String)

            // then
            #expect(refused.status == 403)
            #expect(refused.json["title"] as? String == "Permission Denied")
            #expect(allowed.status == 201)
        }
    }
}
