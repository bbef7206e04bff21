@testable import App
import Fluent
import Foundation
import Testing
import VaporTesting

/// A reconcile after every delivery was lost leaves the state that the deliveries would have left.
@Suite("Reconcile equals deliveries")
struct ReconcileEquivalenceTests {
    /// Everything a consultation shows, with links as invitee URIs so two databases can be compared.
    struct Row: Hashable, CustomStringConvertible {
        var values: [String]
        var description: String { values.joined(separator: " | ") }
    }

    static func state(_ app: Application) async throws -> [String: Row] {
        let all = try await Consultation.query(on: app.db).with(\.$student).all()
        let uriByID = Dictionary(uniqueKeysWithValues: all.map { ($0.id!, $0.calendlyInviteeURI ?? "") })
        func t(_ date: Date?) -> String { date.map(ISO8601.format) ?? "-" }
        return Dictionary(uniqueKeysWithValues: all.map { c in
            (c.calendlyInviteeURI ?? "", Row(values: [
                c.status.rawValue, c.student.name, c.student.email, c.student.source.rawValue, c.type, c.topic, t(c.consultationDate), t(c.endDate),
                String(c.duration), c.location ?? "-", c.joinURL ?? "-", c.calendlyEventURI ?? "-", c.cancelURL ?? "-", c.rescheduleURL ?? "-",
                c.cancelReason ?? "-", c.canceledBy ?? "-", t(c.canceledAt), c.calendlyNoShow.map { "\($0)" } ?? "-",
                c.rescheduledFromID.flatMap { uriByID[$0] } ?? "-", c.rescheduledToID.flatMap { uriByID[$0] } ?? "-",
                c.inviteeTimezone ?? "-", (c.questionsAndAnswers ?? []).map { "\($0.question)=\($0.answer)" }.joined(separator: ";"),
            ]))
        })
    }

    @Test func stateFromAllDeliveriesEqualsStateFromNoneThenReconcile() async throws {
        try await withSandboxedApp { s in
            // given bookings, a cancel, a reschedule, a no-show and a no-show taken back, all delivered
            let kept = try await s.book(name: "Kept", email: "kept@student.example", extra: #","answers":{"a1":"Calculus"}"#)
            let canceled = try await s.book(name: "Canceled", email: "canceled@student.example")
            let moved = try await s.book(name: "Moved", email: "moved@student.example")
            let absent = try await s.book(name: "Absent", email: "absent@student.example")
            let forgiven = try await s.book(name: "Forgiven", email: "forgiven@student.example")
            func uuid(_ uri: String) -> String { String(uri.split(separator: "/").last ?? "") }
            _ = try await s.sandboxCall(.POST, "/_sandbox/invitees/\(uuid(canceled))/cancel", json: #"{"canceled_by":"invitee","reason":"Ill"}"#)
            let slots = try #require(try await s.sandboxCall(.GET, "/_sandbox/slots?event_type=consultation-30").body["slots"] as? [String])
            let later = try #require(slots.last)
            let rescheduled = try await s.sandboxCall(.POST, "/_sandbox/invitees/\(uuid(moved))/reschedule", json: #"{"start_time":"\#(later)"}"#)
            let newMoved = try #require((rescheduled.body["invitee"] as? [String: Any])?["uri"] as? String)
            #expect(try await s.sandboxCall(.POST, "/_sandbox/invitees/\(uuid(absent))/no_show").status == 201)
            #expect(try await s.sandboxCall(.POST, "/_sandbox/invitees/\(uuid(forgiven))/no_show").status == 201)
            #expect(try await s.sandboxCall(.DELETE, "/_sandbox/invitees/\(uuid(forgiven))/no_show").status == 204)
            await s.flushWebhooks()
            let scenario = [kept, canceled, moved, newMoved, absent, forgiven]
            let delivered = try await Self.state(s.app)
            #expect(Set(delivered.keys) == Set(scenario))
            #expect(try await WebhookDelivery.query(on: s.app.db).filter(\.$state != .processed).count() == 0)
            #expect(delivered[canceled]?.values.first == "canceled")
            #expect(delivered[moved]?.values.first == "rescheduled")
            #expect(delivered[absent]?.values.first == "no_show")
            #expect(delivered[forgiven]?.values.first == "scheduled")

            // when a reconcile runs on top of the deliveries, it changes none of them
            let onTop = try await MeetingSyncTests.sync(s.t).json()
            #expect(onTop["updated"] as? Int == 0)
            #expect(onTop["unchanged"] as? Int == scenario.count)
            let full = try await Self.state(s.app)
            for uri in scenario { #expect(full[uri] == delivered[uri], "\(uri)") }

            // when the same app had received nothing and reconciles
            try await s.app.db.transaction { db in
                try await Consultation.query(on: db).delete()
                try await Student.query(on: db).delete()
                try await WebhookDelivery.query(on: db).delete()
            }
            let fromNothing = try await MeetingSyncTests.sync(s.t).json()
            // then every consultation is the same, field for field
            #expect(fromNothing["created"] as? Int == full.count)
            let reconciled = try await Self.state(s.app)
            #expect(Set(reconciled.keys) == Set(full.keys))
            for (uri, row) in full {
                #expect(reconciled[uri] == row, "\(uri)\n webhooks:  \(row)\n reconcile: \(reconciled[uri].map(\.description) ?? "missing")")
            }
        }
    }
}
