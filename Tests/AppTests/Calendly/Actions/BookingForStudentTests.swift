@testable import App
@testable import CalendlySandbox
import Fluent
import Foundation
import Testing
import VaporTesting

/// Booking for a student through Calendly's Scheduling API, single-use links and open times
/// (SPEC 4.5), against the sandbox over real HTTP.
@Suite("Booking for a student")
struct BookingForStudentTests {
    static func eventType(_ s: SandboxedApp, slug: String = "consultation-30") async throws -> String {
        let account = try await s.app.calendly.account(s.app.appConfig).get()
        return try #require(account.eventTypes.first { $0.slug == slug }?.uri)
    }

    static func student(_ s: SandboxedApp, name: String = "Jonas Berg", email: String = "jonas@student.example",
                        timeZone: String? = "Asia/Tokyo") async throws -> UUID {
        var body: [String: Any] = ["name": name, "email": email]
        if let timeZone { body["time_zone"] = timeZone }
        let response = try await s.app.testing().sendRequest(.POST, "/api/students", headers: s.t.bearer, body: try jsonBody(body))
        #expect(response.status == .created, "\(response.body.string)")
        return try #require(UUID(uuidString: try response.json()["id"] as? String ?? ""))
    }

    static func openTimes(_ s: SandboxedApp, _ type: String, query: String = "") async throws -> [String] {
        let encoded = type.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? type
        let response = try await s.app.testing().sendRequest(.GET, "/api/calendar/event-types/available-times?event_type=\(encoded)\(query)",
                                                             headers: s.t.bearer)
        #expect(response.status == .ok, "\(response.body.string)")
        return (try response.json()["times"] as? [[String: Any]] ?? []).compactMap { $0["start_time"] as? String }
    }

    static func book(_ s: SandboxedApp, _ body: [String: Any]) async throws -> TestingHTTPResponse {
        try await s.app.testing().sendRequest(.POST, "/api/calendar/meetings/book", headers: s.t.bearer, body: try jsonBody(body))
    }

    static func field(_ response: TestingHTTPResponse) throws -> String? {
        (try response.json()["error"] as? [String: Any])?["field"] as? String
    }

    @Test func aBookingIsRecordedAtOnceAndItsWebhookIsADuplicate() async throws {
        try await withSandboxedApp { s in
            let type = try await Self.eventType(s)
            let student = try await Self.student(s)
            let times = try await Self.openTimes(s, type)
            let start = try #require(times.first)
            #expect(times.allSatisfy { (ISO8601.parse($0) ?? .distantPast) > Date() })

            let response = try await Self.book(s, ["student_id": student.uuidString, "event_type": type, "start_time": start, "topic": "Thesis outline"])
            #expect(response.status == .created, "\(response.body.string)")
            let json = try response.json()
            let id = try #require(UUID(uuidString: json["id"] as? String ?? ""))
            #expect(json["student_id"] as? String == student.uuidString)
            #expect(json["consultation_date"] as? String == start)
            #expect(json["scheduling_method"] as? String == "instant_book")
            #expect(json["invitee_timezone"] as? String == "Asia/Tokyo", "the student's zone is sent")
            let owner = try await s.app.calendly.account(s.app.appConfig).get().user.uri
            #expect(json["invitee_scheduled_by"] as? String == owner)

            // Calendly has it, tracked to this student.
            let inviteeURI = try #require(json["calendly_invitee_uri"] as? String)
            let invitee = try await s.sandboxCall(.GET, try #require(URLComponents(string: inviteeURI)?.path))
            let tracking = (invitee.body["resource"] as? [String: Any])?["tracking"] as? [String: Any]
            #expect(tracking?["utm_content"] as? String == "student-\(student.uuidString)")

            let before = try await s.visibleConsultation(id)
            await s.flushWebhooks()
            #expect(try await Consultation.query(on: s.app.db).filter(\.$student.$id == student).count() == 1)
            #expect(try await s.visibleConsultation(id) == before, "the webhook is a duplicate of what was recorded")

            let browser = BrowserSession(app: s.app)
            try await browser.signIn()
            #expect(try await browser.get("/students/\(student)").body.string.contains("booked by you"))
            #expect(try await browser.get("/consultations/\(id)").body.string.contains("booked by you"))
        }
    }

    @Test func aTimeTakenMeanwhileIsAConflictAndRecordsNothing() async throws {
        try await withSandboxedApp { s in
            let type = try await Self.eventType(s)
            let first = try await Self.student(s)
            let second = try await Self.student(s, name: "Mia", email: "mia@student.example")
            let start = try #require(try await Self.openTimes(s, type).first)
            #expect(try await Self.book(s, ["student_id": first.uuidString, "event_type": type, "start_time": start]).status == .created)
            let taken = try await Self.book(s, ["student_id": second.uuidString, "event_type": type, "start_time": start])
            #expect(taken.status == .conflict)
            #expect(try Self.field(taken) == "start_time")
            #expect(try await Consultation.query(on: s.app.db).filter(\.$student.$id == second).count() == 0)
        }
    }

    @Test func badInputIsRefusedNamingTheFieldAndNothingReachesCalendly() async throws {
        try await withSandboxedApp { s in
            let type = try await Self.eventType(s)
            let start = try #require(try await Self.openTimes(s, type).first)
            let transport = RecordingTransport.live()
            s.app.useCalendly(transport)
            let good = try await Self.student(s)
            let noEmail = try await Self.student(s, name: "No Email", email: "")
            let archived = try await Self.student(s, name: "Gone", email: "gone@student.example")
            _ = try await s.app.testing().sendRequest(.DELETE, "/api/students/\(archived)", headers: s.t.bearer)

            let cases: [([String: Any], HTTPStatus, String)] = [
                (["student_id": "not-a-uuid", "event_type": type, "start_time": start], .unprocessableEntity, "student_id"),
                (["student_id": UUID().uuidString, "event_type": type, "start_time": start], .unprocessableEntity, "student_id"),
                (["student_id": noEmail.uuidString, "event_type": type, "start_time": start], .unprocessableEntity, "email"),
                (["student_id": archived.uuidString, "event_type": type, "start_time": start], .unprocessableEntity, "student_id"),
                (["student_id": good.uuidString, "event_type": "https://api.calendly.com/event_types/not-yours", "start_time": start], .unprocessableEntity, "event_type"),
                (["student_id": good.uuidString, "event_type": type, "start_time": "2020-01-01T10:00:00Z"], .unprocessableEntity, "start_time"),
                (["student_id": good.uuidString, "event_type": type, "start_time": "tomorrow"], .unprocessableEntity, "start_time"),
                (["student_id": good.uuidString, "event_type": type, "start_time": start, "topic": String(repeating: "x", count: 501)], .unprocessableEntity, "topic"),
                (["student_id": good.uuidString, "event_type": type, "start_time": 5], .badRequest, "start_time"),
            ]
            for (body, status, field) in cases {
                let response = try await Self.book(s, body)
                #expect(response.status == status, "\(body) → \(response.status) \(response.body.string)")
                #expect(try Self.field(response) == field, "\(body)")
            }
            #expect(!transport.paths.contains("/invitees"), "nothing was sent to Calendly")
            #expect(try await Consultation.query(on: s.app.db).filter(\.$schedulingMethod == "instant_book").count() == 0)
        }
    }

    @Test func calendlysBookingLimitIsShownNotRetried() async throws {
        try await withSandboxedApp { s in
            #expect(try await s.sandboxCall(.POST, "/_sandbox/booking_limits", json: #"{"per_day": 1}"#).status == 200)
            let transport = RecordingTransport.live()
            s.app.useCalendly(transport)
            let type = try await Self.eventType(s)
            let times = try await Self.openTimes(s, type)
            let student = try await Self.student(s)
            #expect(try await Self.book(s, ["student_id": student.uuidString, "event_type": type, "start_time": times[0]]).status == .created)
            let limited = try await Self.book(s, ["student_id": student.uuidString, "event_type": type, "start_time": times[1]])
            #expect(limited.status == .tooManyRequests)
            #expect(limited.body.string.contains("single-use booking link"))
            #expect(transport.paths.filter { $0 == "/invitees" }.count == 2, "the refused booking was sent once, not retried")

            // The way forward: a single-use link for the student.
            let link = try await s.app.testing().sendRequest(.POST, "/api/calendar/scheduling-links", headers: s.t.bearer,
                                                             body: try jsonBody(["student_id": student.uuidString, "event_type": type]))
            #expect(link.status == .created, "\(link.body.string)")
            let url = try #require(URLComponents(string: try link.json()["booking_url"] as? String ?? ""))
            let query = Dictionary((url.queryItems ?? []).map { ($0.name, $0.value ?? "") }, uniquingKeysWith: { a, _ in a })
            #expect(query["utm_content"] == "student-\(student.uuidString)")
            #expect(query["email"] == "jonas@student.example")
            #expect(query["name"] == "Jonas Berg")
        }
    }

    @Test func requiredQuestionsAreAskedAndSentWithTheirExactText() async throws {
        try await withSandboxedApp { s in
            let type = try await Self.eventType(s)
            let question = "What should we prepare? (Be specific)"
            #expect(try await s.sandboxCall(.POST, "/_sandbox/event_types/consultation-30/questions",
                                            json: #"{"questions": [{"name": "\#(question)", "required": true}]}"#).status == 200)
            await s.app.calendly.accountCache.invalidate()
            let student = try await Self.student(s)
            let start = try #require(try await Self.openTimes(s, type).first)
            let unanswered = try await Self.book(s, ["student_id": student.uuidString, "event_type": type, "start_time": start])
            #expect(unanswered.status == .unprocessableEntity)
            #expect(try Self.field(unanswered) == "answers")
            #expect(unanswered.body.string.contains("What should we prepare?"))

            let answered = try await Self.book(s, ["student_id": student.uuidString, "event_type": type, "start_time": start,
                                                   "answers": [question: "Chapter 2 draft"]])
            #expect(answered.status == .created, "\(answered.body.string)")
            let answers = try answered.json()["questions_and_answers"] as? [[String: Any]]
            #expect(answers?.first?["question"] as? String == question)
            #expect(answers?.first?["answer"] as? String == "Chapter 2 draft")
        }
    }

    @Test func aDoubleClickBooksOnce() async throws {
        try await withSandboxedApp { s in
            let transport = RecordingTransport.live()
            s.app.useCalendly(transport)
            let type = try await Self.eventType(s)
            let student = try await Self.student(s)
            let start = try #require(try await Self.openTimes(s, type).first)
            let body = try jsonBody(["student_id": student.uuidString, "event_type": type, "start_time": start])
            let app = s.app, headers = s.t.bearer
            async let first = app.testing().sendRequest(.POST, "/api/calendar/meetings/book", headers: headers, body: body)
            async let second = app.testing().sendRequest(.POST, "/api/calendar/meetings/book", headers: headers, body: body)
            let answers = try await [first, second]
            #expect(answers.map(\.status) == [.created, .created])
            #expect(Set(try answers.map { try $0.json()["id"] as? String ?? "" }).count == 1)
            #expect(transport.paths.filter { $0 == "/invitees" }.count == 1)
            #expect(try await Consultation.query(on: s.app.db).filter(\.$student.$id == student).count() == 1)
        }
    }

    @Test func openTimesOfMoreThanAMonthAreAskedAMonthAtATime() async throws {
        try await withSandboxedApp { s in
            let transport = RecordingTransport.live()
            s.app.useCalendly(transport)
            let type = try await Self.eventType(s)
            let from = ISO8601.format(Date().addingTimeInterval(3600)), to = ISO8601.format(Date().addingTimeInterval(70 * 86_400))
            let times = try await Self.openTimes(s, type, query: "&from=\(from)&to=\(to)")
            #expect(!times.isEmpty)
            #expect(transport.paths.filter { $0 == "/event_type_available_times" }.count == 3, "70 days: 31 + 31 + 8")
            #expect(times == times.sorted())

            let tooLong = try await s.app.testing().sendRequest(
                .GET, "/api/calendar/event-types/available-times?event_type=\(type)&to=\(ISO8601.format(Date().addingTimeInterval(200 * 86_400)))",
                headers: s.t.bearer)
            #expect(tooLong.status == .unprocessableEntity)
            #expect(try Self.field(tooLong) == "to")
        }
    }

    @Test func aRefusedBookingFormKeepsEverythingTyped() async throws {
        try await withSandboxedApp { s in
            let type = try await Self.eventType(s)
            #expect(try await s.sandboxCall(.POST, "/_sandbox/event_types/consultation-30/questions",
                                            json: #"{"questions": [{"name": "Anything else?"}, {"name": "Which chapter?", "required": true}]}"#).status == 200)
            await s.app.calendly.accountCache.invalidate()
            let student = try await Self.student(s)
            let browser = BrowserSession(app: s.app)
            try await browser.signIn()
            let page = "/students/\(student)/book?event_type=\(type.addingPercentEncoding(withAllowedCharacters: .alphanumerics)!)"
            let shown = try await browser.get(page).body.string
            let start = try #require(try await Self.openTimes(s, type).dropFirst(2).first)
            #expect(shown.contains("value=\"\(start)\""), "the open times are offered")

            let typed = ["event_type": type, "start_time": start, "topic": "Keep <this> topic", "answers[0]": "Bring the \"draft\"", "answers[1]": ""]
            let refused = try await browser.post("/students/\(student)/book", form: typed)
            #expect(refused.status == .unprocessableEntity)
            let html = refused.body.string
            #expect(html.contains("Which chapter?"))
            #expect(html.contains("value=\"Keep &lt;this&gt; topic\""))
            #expect(html.contains("Bring the &quot;draft&quot;</textarea>"))
            #expect(html.contains("value=\"\(start)\" checked"), "the chosen time stays chosen")
            #expect(try await Consultation.query(on: s.app.db).filter(\.$student.$id == student).count() == 0)

            // Sent again with the missing answer: booked, with both answers.
            var fixed = typed
            fixed["answers[1]"] = "Chapter 2"
            let booked = try await browser.post("/students/\(student)/book", form: fixed)
            #expect(booked.status == .seeOther)
            let consultation = try #require(try await Consultation.query(on: s.app.db).filter(\.$student.$id == student).first())
            #expect(consultation.questionsAndAnswers?.map(\.answer) == ["Bring the \"draft\"", "Chapter 2"])
            #expect(consultation.topic == "Bring the \"draft\"" || consultation.topic == "Keep <this> topic")
        }
    }
}
