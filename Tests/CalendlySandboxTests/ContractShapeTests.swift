import Foundation
import Testing
@testable import CalendlySandbox

/// The Scheduling API's answers against the shapes in `calendly/REFERENCE-2026.md` (and, for the
/// invitee it builds on, REFERENCE.md §7.3 and openapi.yaml's Invitee). The shapes are written
/// here from those documents, not read from the sandbox, so a renamed, missing or retyped key fails.
@Suite("Shapes of the 2026 answers")
struct ContractShapeTests {
    // MARK: - Shapes, from the documents

    static let tracking = Shape.object(Dictionary(uniqueKeysWithValues: [
        "utm_campaign", "utm_source", "utm_medium", "utm_content", "utm_term", "salesforce_uuid",
    ].map { ($0, Shape.nullable(.string)) }))

    /// REFERENCE-2026.md "Invitee fields worth showing".
    static let reconfirmation = Shape.object(["created_at": .string, "confirmed_at": .nullable(.string)])

    /// The invitee "as in a webhook payload" (REFERENCE.md §7.3), with the 2026 fields.
    static let invitee = Shape.object([
        "uri": .string, "event": .string, "email": .string, "name": .string,
        "first_name": .nullable(.string), "last_name": .nullable(.string), "status": .string,
        "timezone": .string,
        "questions_and_answers": .array(of: .object(["question": .string, "answer": .string, "position": .number])),
        "tracking": tracking, "text_reminder_number": .nullable(.string), "rescheduled": .bool,
        "old_invitee": .nullable(.string), "new_invitee": .nullable(.string),
        "cancel_url": .string, "reschedule_url": .string,
        "routing_form_submission": .nullable(.string), "payment": .nullable(.anyObject),
        "no_show": .nullable(.object(["uri": .string, "created_at": .string])),
        "reconfirmation": .nullable(reconfirmation),
        "scheduling_method": .nullable(.string), "invitee_scheduled_by": .nullable(.string),
        "created_at": .string, "updated_at": .string,
        "cancellation": .anyObject, "scheduled_event": .anyObject,
    ], optional: ["cancellation", "scheduled_event"])

    /// `POST /invitees` → 201 `{"resource": Invitee}`; the webhook-payload form embeds the event.
    static let bookedInvitee = Shape.object(["resource": invitee])

    /// `GET /event_type_available_times`: a collection and no paging.
    static let availableTimes = Shape.object(["collection": .array(of: .object([
        "status": .string, "start_time": .string, "invitees_remaining": .number, "scheduling_url": .string,
    ]))])

    /// `POST /scheduling_links` → 201.
    static let schedulingLink = Shape.object(["resource": .object([
        "booking_url": .string, "owner": .string, "owner_type": .string,
    ])])

    /// `POST /invitee_no_shows` → 201.
    static let noShow = Shape.object(["resource": .object(["uri": .string, "invitee": .string, "created_at": .string])])

    /// Calendly's error body, with the 2026 `code` in details.
    static let error = Shape.object(["title": .string, "message": .string, "details": .array(of: .object(
        ["parameter": .string, "message": .string, "code": .string], optional: ["parameter", "code"]))],
        optional: ["details"])

    private func check(_ answer: HTTPAnswer, _ shape: Shape, status: Int,
                       sourceLocation: SourceLocation = #_sourceLocation) throws {
        #expect(answer.status == status, "\(answer.body)", sourceLocation: sourceLocation)
        let value = try #require(JSONValue.parse(answer.body), sourceLocation: sourceLocation)
        let problems = shape.violations(of: value)
        #expect(problems.isEmpty, "\(problems.joined(separator: "\n"))", sourceLocation: sourceLocation)
    }

    // MARK: - The answers

    @Test("POST /invitees, available times, scheduling links and no-shows answer the documented shapes")
    func shapes() async throws {
        try await withSandbox { sandbox in
            let type = try await sandbox.eventTypeURI()
            let times = try await sandbox.openTimes(type)
            try check(times, Self.availableTimes, status: 200)

            let start = try #require(times.collection.first?["start_time"] as? String)
            var body = sandbox.directBody(type, start: start)
            body["questions_and_answers"] = [["question": "What would you like to discuss?", "answer": "Plan", "position": 0]]
            let booked = try await sandbox.bookDirectly(body)
            try check(booked, Self.bookedInvitee, status: 201)
            #expect(booked.resource["scheduled_event"] != nil)

            let link = try await sandbox.call(.POST, "/scheduling_links", json: jsonText(
                ["max_event_count": 1, "owner": type, "owner_type": "EventType"]))
            try check(link, Self.schedulingLink, status: 201)

            let inviteeURI = try #require(booked.resource.string("uri"))
            let noShow = try await sandbox.call(.POST, "/invitee_no_shows", json: jsonText(["invitee": inviteeURI]))
            try check(noShow, Self.noShow, status: 201)

            // The invitee as GET answers it, with a reconfirmation and a no-show set.
            let uuid = try #require(inviteeURI.components(separatedBy: "/").last)
            _ = try await sandbox.call(.POST, "/_sandbox/invitees/\(uuid)/reconfirmation", authorized: false)
            try check(try await sandbox.get(inviteeURI), .object(["resource": Self.invitee]), status: 200)
            _ = try await sandbox.call(.POST, "/_sandbox/invitees/\(uuid)/reconfirm", authorized: false)
            try check(try await sandbox.get(inviteeURI), .object(["resource": Self.invitee]), status: 200)

            let refused = try await sandbox.bookDirectly(sandbox.directBody(type, start: start))
            try check(refused, Self.error, status: 400)
            #expect(refused.details.first?["code"] as? String == "already_filled")
        }
    }

    @Test("the shape check itself fails a renamed, missing, retyped or wrongly null key")
    func checkerCatches() throws {
        let good = #"{"resource": {"booking_url": "u", "owner": "o", "owner_type": "EventType"}}"#
        #expect(Self.schedulingLink.violations(of: try #require(JSONValue.parse(good))).isEmpty)
        for bad in [
            #"{"resource": {"bookingUrl": "u", "owner": "o", "owner_type": "EventType"}}"#,
            #"{"resource": {"owner": "o", "owner_type": "EventType"}}"#,
            #"{"resource": {"booking_url": 1, "owner": "o", "owner_type": "EventType"}}"#,
            #"{"resource": {"booking_url": null, "owner": "o", "owner_type": "EventType"}}"#,
        ] {
            #expect(!Self.schedulingLink.violations(of: try #require(JSONValue.parse(bad))).isEmpty, "\(bad)")
        }
        let times = #"{"collection": [{"status": "available", "start_time": "t", "invitees_remaining": true, "scheduling_url": "u"}]}"#
        #expect(!Self.availableTimes.violations(of: try #require(JSONValue.parse(times))).isEmpty)
    }
}
