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

    @Test func aMarkAndItsRemovalInOneMillisecondEndUnmarkedWhicheverComesFirst() async throws {
        let booking = P.Booking(updatedAt: Self.updatedAt)
        let create = try P.envelope("invitee.created", createdAt: Self.envelopeTime, payload: P.invitee(booking))
        // 0.4 ms apart: the same millisecond. A mark's removal comes after the mark, in either order.
        let marked = try P.envelope("invitee_no_show.created", createdAt: Self.envelopeTime,
                                    payload: P.invitee(booking, noShow: true, updatedAt: "2031-11-24T14:00:03.100100Z"))
        let unmarked = try P.envelope("invitee_no_show.deleted", createdAt: Self.envelopeTime,
                                      payload: P.invitee(booking, noShow: true, updatedAt: "2031-11-24T14:00:03.100500Z"))
        for order in [[create, marked, unmarked], [create, unmarked, marked]] {
            try await withTestApp(calendly: webhookSettings) { t in
                for body in order { try await t.deliver(body) }
                let stored = try #require(try await Consultation.query(on: t.app.db).first())
                #expect(stored.status == .scheduled)
                #expect(stored.calendlyNoShow == false)
            }
        }
    }

    /// Marked, unmarked and marked again within one second, with an `updated_at` that does not move
    /// (Calendly does not say it does): the three deliveries carry the same times and differ only in
    /// the mark. Each is applied, retries of each are duplicates, and the invitee ends marked.
    @Test func markedUnmarkedAndMarkedAgainInOneSecondEndsMarked() async throws {
        let booking = P.Booking(updatedAt: Self.updatedAt)
        let create = try P.envelope("invitee.created", createdAt: Self.envelopeTime, payload: P.invitee(booking))
        // A second after the booking, all three in the same second.
        let marks = "2031-11-24T14:00:03.000000Z"
        let first = try P.envelope("invitee_no_show.created", createdAt: marks,
                                   payload: P.invitee(booking, noShow: true, noShowMark: "mark-1"))
        let removed = try P.envelope("invitee_no_show.deleted", createdAt: marks,
                                     payload: P.invitee(booking, noShow: true, noShowMark: "mark-1"))
        let second = try P.envelope("invitee_no_show.created", createdAt: marks,
                                    payload: P.invitee(booking, noShow: true, noShowMark: "mark-2"))
        try await withTestApp(calendly: webhookSettings) { t in
            try await t.deliver(create)
            var verdicts: [String] = []
            for body in [first, removed, second, first, removed, second] {
                verdicts.append(try await t.deliver(body).json()["status"] as? String ?? "?")
            }
            #expect(verdicts == ["processed", "processed", "processed", "duplicate", "duplicate", "duplicate"])
            let stored = try #require(try await Consultation.query(on: t.app.db).first())
            #expect(stored.status == .noShow)
            #expect(stored.calendlyNoShow == true)
            #expect(stored.noShowMarkURI == "\(P.base)/invitee_no_shows/mark-2")
        }
    }

    /// The same three deliveries in other orders, as retries may bring them. Five of the six orders
    /// end marked with the second mark. The sixth (first mark, second mark, then the removal of the
    /// first) ends unmarked until the next reconcile: nothing stored says that the second mark came
    /// after the removal rather than before the first mark (README, "No-show marks set and removed
    /// quickly").
    @Test(arguments: [[0, 1, 2], [1, 0, 2], [1, 2, 0], [2, 0, 1], [2, 1, 0]])
    func markedUnmarkedAndMarkedAgainInOtherOrders(order: [Int]) async throws {
        let booking = P.Booking(updatedAt: Self.updatedAt)
        let create = try P.envelope("invitee.created", createdAt: Self.envelopeTime, payload: P.invitee(booking))
        let marks = "2031-11-24T14:00:03.000000Z"
        let deliveries = [
            try P.envelope("invitee_no_show.created", createdAt: marks, payload: P.invitee(booking, noShow: true, noShowMark: "mark-1")),
            try P.envelope("invitee_no_show.deleted", createdAt: marks, payload: P.invitee(booking, noShow: true, noShowMark: "mark-1")),
            try P.envelope("invitee_no_show.created", createdAt: marks, payload: P.invitee(booking, noShow: true, noShowMark: "mark-2")),
        ]
        try await withTestApp(calendly: webhookSettings) { t in
            try await t.deliver(create)
            for index in order { try await t.deliver(deliveries[index]) }
            let stored = try #require(try await Consultation.query(on: t.app.db).first())
            #expect(stored.status == .noShow, "order \(order)")
            #expect(stored.noShowMarkURI == "\(P.base)/invitee_no_shows/mark-2", "order \(order)")
        }
    }

    /// An invitee marked and unmarked long ago, then marked and unmarked again within one second:
    /// it ends unmarked whichever of the last two arrives first.
    @Test func aMarkAndItsRemovalInOneSecondAfterAnOlderMarkEndUnmarked() async throws {
        let booking = P.Booking(updatedAt: Self.updatedAt)
        let create = try P.envelope("invitee.created", createdAt: Self.envelopeTime, payload: P.invitee(booking))
        let old = "2031-11-24T14:00:03.000000Z", recent = "2031-11-24T14:10:00.000000Z"
        let oldMark = try P.envelope("invitee_no_show.created", createdAt: old, payload: P.invitee(booking, noShow: true, noShowMark: "mark-0"))
        let oldRemoval = try P.envelope("invitee_no_show.deleted", createdAt: old, payload: P.invitee(booking, noShow: true, noShowMark: "mark-0"))
        let mark = try P.envelope("invitee_no_show.created", createdAt: recent, payload: P.invitee(booking, noShow: true, noShowMark: "mark-1"))
        let removal = try P.envelope("invitee_no_show.deleted", createdAt: recent, payload: P.invitee(booking, noShow: true, noShowMark: "mark-1"))
        for last in [[mark, removal], [removal, mark]] {
            try await withTestApp(calendly: webhookSettings) { t in
                for body in [create, oldMark, oldRemoval] + last { try await t.deliver(body) }
                let stored = try #require(try await Consultation.query(on: t.app.db).first())
                #expect(stored.status == .scheduled)
                #expect(stored.calendlyNoShow == false)
            }
        }
    }

    /// A stale mark (older than the one stored) neither wins nor becomes the mark the CRM would remove.
    @Test func aStaleMarkDoesNotReplaceTheKnownOne() async throws {
        let booking = P.Booking(updatedAt: Self.updatedAt)
        let create = try P.envelope("invitee.created", createdAt: Self.envelopeTime, payload: P.invitee(booking))
        let newer = try P.envelope("invitee_no_show.created", createdAt: "2031-11-24T14:00:05.000000Z",
                                   payload: P.invitee(booking, noShow: true, updatedAt: "2031-11-24T14:00:05.000000Z", noShowMark: "newer"))
        let older = try P.envelope("invitee_no_show.created", createdAt: "2031-11-24T14:00:04.000000Z",
                                   payload: P.invitee(booking, noShow: true, updatedAt: "2031-11-24T14:00:04.000000Z", noShowMark: "older"))
        try await withTestApp(calendly: webhookSettings) { t in
            for body in [create, newer, older] { try await t.deliver(body) }
            let stored = try #require(try await Consultation.query(on: t.app.db).first())
            #expect(stored.status == .noShow)
            #expect(stored.noShowMarkURI == "\(P.base)/invitee_no_shows/newer")
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

    /// Calendly's clock may run ahead of the CRM's: its echo of a mark the owner has since taken
    /// back then looks newer than the owner's change. It is still only an echo, and changes nothing.
    @Test func theEchoOfAMarkTheOwnerTookBackChangesNothingEvenIfCalendlysClockIsAhead() async throws {
        var booking = P.Booking(updatedAt: "2026-01-05T10:00:00.000000Z")
        booking.start = "2026-01-06T09:00:00.000000Z"
        booking.end = "2026-01-06T09:30:00.000000Z"
        let markURI = "\(P.base)/invitee_no_shows/\(booking.invitee)", inviteeURI = booking.inviteeURI
        let create = try P.envelope("invitee.created", createdAt: "2026-01-05T10:00:00.000000Z", payload: P.invitee(booking))
        // Stamped far ahead of the owner's clicks below.
        let echo = try P.envelope("invitee_no_show.created", createdAt: "2031-01-01T00:00:00.000000Z",
                                  payload: P.invitee(booking, noShow: true, updatedAt: "2031-01-01T00:00:00.000000Z"))
        var settings = webhookSettings
        settings.apiKey = "test-token"
        try await withTestApp(calendly: settings) { t in
            let transport = RecordingTransport { request in
                switch request.method {
                case .POST: .json(201, #"{"resource":{"uri":"\#(markURI)","invitee":"\#(inviteeURI)","created_at":"2026-01-06T10:00:00.000000Z"}}"#)
                case .DELETE: CalendlyHTTPResponse(status: 204, headers: [:], body: Data())
                default: nil
                }
            }
            t.app.useCalendly(transport)
            try await t.deliver(create)
            let id = try #require(try await Consultation.query(on: t.app.db).first()?.id)
            for status in ["no_show", "scheduled"] {
                let response = try await t.app.testing().sendRequest(.PATCH, "/api/consultations/\(id)", headers: t.bearer,
                                                                     body: try jsonBody(["status": status]))
                #expect(response.status == .ok)
            }
            #expect(transport.requests.map(\.method) == [.POST, .DELETE])
            try await t.deliver(echo)
            let stored = try #require(try await Consultation.find(id, on: t.app.db))
            #expect(stored.status == .scheduled)
            #expect(stored.noShowSendError == nil)
        }
    }
}
