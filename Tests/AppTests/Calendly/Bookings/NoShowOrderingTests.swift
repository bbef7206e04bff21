@testable import App
import Fluent
import Foundation
import Testing
import VaporTesting

/// No-show toggles are ordered in whole milliseconds, so SQLite (a double) and PostgreSQL
/// (microseconds) decide a tie the same way after the times have been through the database.
/// `make test` runs this suite on both.
@Suite("No-show ordering")
struct NoShowOrderingTests {
    typealias P = CalendlyPayloads

    /// The invitee's `updated_at` is later than every envelope's `created_at`, so it is the
    /// ordering time, and it has microseconds a round trip through either database may not keep.
    static let updatedAt = "2031-11-24T14:00:02.517342Z"
    static let envelopeTime = "2031-11-24T14:00:02.000000Z"

    @Test func aToggleThatTiesWithTheStoredTimeChangesNothing() async throws {
        let booking = P.Booking(updatedAt: Self.updatedAt)
        let create = try P.envelope("invitee.created", createdAt: Self.envelopeTime, payload: P.invitee(booking))
        let marked = try P.envelope("invitee_no_show.created", createdAt: Self.envelopeTime, payload: P.invitee(booking, noShow: true))
        try await withTestApp(calendly: webhookSettings) { t in
            try await t.deliver(create)
            try await t.deliver(marked)
            let stored = try #require(try await Consultation.query(on: t.app.db).first())
            // Same ordering time: the first observation stands, on either database.
            #expect(stored.status == .scheduled)
            #expect(stored.calendlyNoShow == false)
        }
    }

    @Test func aToggleOneMillisecondLaterWins() async throws {
        let booking = P.Booking(updatedAt: Self.updatedAt)
        let create = try P.envelope("invitee.created", createdAt: Self.envelopeTime, payload: P.invitee(booking))
        let marked = try P.envelope("invitee_no_show.created", createdAt: Self.envelopeTime,
                                    payload: P.invitee(booking, noShow: true, updatedAt: "2031-11-24T14:00:02.518342Z"))
        try await withTestApp(calendly: webhookSettings) { t in
            try await t.deliver(create)
            try await t.deliver(marked)
            #expect(try await Consultation.query(on: t.app.db).first()?.status == .noShow)
        }
    }

    @Test func togglesWithinOneMillisecondTieWhicheverComesFirst() async throws {
        let booking = P.Booking(updatedAt: Self.updatedAt)
        let create = try P.envelope("invitee.created", createdAt: Self.envelopeTime, payload: P.invitee(booking))
        // 0.4 ms apart: the same millisecond, so the one applied first stands.
        let marked = try P.envelope("invitee_no_show.created", createdAt: Self.envelopeTime,
                                    payload: P.invitee(booking, noShow: true, updatedAt: "2031-11-24T14:00:03.100100Z"))
        let unmarked = try P.envelope("invitee_no_show.deleted", createdAt: Self.envelopeTime,
                                      payload: P.invitee(booking, noShow: true, updatedAt: "2031-11-24T14:00:03.100500Z"))
        for (order, expected) in [([create, marked, unmarked], ConsultationStatus.noShow), ([create, unmarked, marked], .scheduled)] {
            try await withTestApp(calendly: webhookSettings) { t in
                for body in order { try await t.deliver(body) }
                #expect(try await Consultation.query(on: t.app.db).first()?.status == expected)
            }
        }
    }

    @Test func storedTimesAreWholeMillisecondsThatSurviveTheDatabase() async throws {
        try await withTestApp { t in
            let student = Student(name: "Ada")
            try await student.create(on: t.app.db)
            let original = NoShowOrdering.stored(ISO8601.parse(Self.updatedAt)!)
            let consultation = Consultation(studentID: student.id!, type: "Talk", consultationDate: Date(), duration: 30)
            consultation.noShowChangedAt = original
            try await consultation.create(on: t.app.db)
            let read = try #require(try await Consultation.find(consultation.id, on: t.app.db)?.noShowChangedAt)
            #expect(NoShowOrdering.milliseconds(read) == NoShowOrdering.milliseconds(original))
            #expect(NoShowOrdering.milliseconds(original) % 1000 == 517)
        }
    }

    @Test func calendlysEchoOfTheCRMsOwnMarkIsRecognised() throws {
        let booking = P.Booking()
        let payload = P.invitee(booking, noShow: true)
        let data = try JSONSerialization.data(withJSONObject: payload)
        let invitee = try CalendlyJSON.decoder().decode(CalendlyInvitee.self, from: data)
        let event = try #require(invitee.scheduledEvent)
        let mark = try #require(invitee.noShow?.uri)
        func snapshot(_ kind: InviteeEvent) -> InviteeSnapshot {
            InviteeSnapshot(source: .webhook(kind), invitee: invitee, event: event, observedAt: Date())
        }
        #expect(NoShowOrdering.isEcho(snapshot(.noShowCreated), of: "created \(mark)"))
        // A mark the CRM created and then deleted: its late creation webhook is stale.
        #expect(NoShowOrdering.isEcho(snapshot(.noShowCreated), of: "deleted \(mark)"))
        #expect(NoShowOrdering.isEcho(snapshot(.noShowDeleted), of: "deleted \(mark)"))
        // The host deleting the CRM's mark in Calendly is a different change: it counts.
        #expect(!NoShowOrdering.isEcho(snapshot(.noShowDeleted), of: "created \(mark)"))
        #expect(!NoShowOrdering.isEcho(snapshot(.noShowCreated), of: "created \(mark)-other"))
        #expect(!NoShowOrdering.isEcho(snapshot(.noShowCreated), of: nil))
    }
}
