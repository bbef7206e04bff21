@testable import App
import AsyncHTTPClient
import Fluent
import Foundation
import Testing
import VaporTesting

/// Deliveries arrive at least once and in any order; the result must not depend on either.
@Suite("Webhook delivery order")
struct DeliveryOrderTests {
    typealias P = CalendlyPayloads

    /// What a consultation looks like, with links spelled as invitee URIs so runs can be compared.
    struct Row: Hashable, CustomStringConvertible {
        var invitee: String
        var status: ConsultationStatus
        var student: String
        var start: String
        var notes: String
        var from: String?
        var to: String?
        var canceledBy: String?
        var description: String { "\(invitee.suffix(6)) \(status) \(student) \(start) from:\(from?.suffix(6) ?? "-") to:\(to?.suffix(6) ?? "-") notes:\(notes)" }
    }

    static func state(_ app: Application) async throws -> Set<Row> {
        let all = try await Consultation.query(on: app.db).with(\.$student).all()
        let uriByID = Dictionary(uniqueKeysWithValues: all.map { ($0.id!, $0.calendlyInviteeURI ?? "") })
        return Set(all.map { c in
            Row(invitee: c.calendlyInviteeURI ?? "", status: c.status, student: c.student.email, start: ISO8601.format(c.consultationDate),
                notes: c.notes, from: c.rescheduledFromID.flatMap { uriByID[$0] }, to: c.rescheduledToID.flatMap { uriByID[$0] },
                canceledBy: c.canceledBy)
        })
    }

    /// Every ordering of `bodies`, each once and (separately) each delivered twice.
    static func orders(_ bodies: [Data]) -> [[Data]] {
        func permutations(_ items: [Data]) -> [[Data]] {
            guard items.count > 1 else { return [items] }
            return items.indices.flatMap { index -> [[Data]] in
                var rest = items
                let first = rest.remove(at: index)
                return permutations(rest).map { [first] + $0 }
            }
        }
        let plain = permutations(bodies)
        return plain + plain.map { $0 + $0.reversed() }
    }

    static func reschedulePair() throws -> [Data] {
        let old = P.Booking(event: "old-event", invitee: "old-invitee")
        var new = P.Booking(event: "new-event", invitee: "new-invitee")
        new.start = "2031-11-29T11:00:00.000000Z"
        new.end = "2031-11-29T11:30:00.000000Z"
        return [
            try P.envelope("invitee.created", createdAt: "2031-11-24T14:00:03.000000Z", payload: P.invitee(old)),
            try P.envelope("invitee.canceled", createdAt: "2031-11-26T08:15:41.000000Z",
                           payload: P.invitee(old, status: "canceled", rescheduled: true, newInvitee: new.inviteeURI, canceler: "Jonas Berg",
                                              updatedAt: "2031-11-26T08:15:40.921007Z")),
            try P.envelope("invitee.created", createdAt: "2031-11-26T08:15:42.000000Z",
                           payload: P.invitee(new, oldInvitee: old.inviteeURI, updatedAt: "2031-11-26T08:15:41.000000Z")),
        ]
    }

    @Test func reschedulePairGivesOneStateWhateverTheOrderAndDuplicates() async throws {
        let bodies = try Self.reschedulePair()
        var states: [Set<Row>] = []
        for order in Self.orders(bodies) {
            try await withTestApp(calendly: webhookSettings) { t in
                for body in order {
                    let response = try await t.deliver(body)
                    #expect(response.status == .ok)
                }
                states.append(try await Self.state(t.app))
                #expect(try await Student.query(on: t.app.db).count() == 1)
            }
        }
        let expected: Set<Row> = [
            Row(invitee: "\(P.base)/scheduled_events/old-event/invitees/old-invitee", status: .rescheduled, student: "jonas.berg@student.example",
                start: "2031-11-28T09:00:00Z", notes: "", from: nil, to: "\(P.base)/scheduled_events/new-event/invitees/new-invitee", canceledBy: "Jonas Berg"),
            Row(invitee: "\(P.base)/scheduled_events/new-event/invitees/new-invitee", status: .scheduled, student: "jonas.berg@student.example",
                start: "2031-11-29T11:00:00Z", notes: "", from: "\(P.base)/scheduled_events/old-event/invitees/old-invitee", to: nil, canceledBy: nil),
        ]
        #expect(states.count == 12)
        for (index, state) in states.enumerated() {
            #expect(state == expected, "order \(index): \(state.sorted { $0.invitee < $1.invitee })")
        }
    }

    @Test func notesAndStudentCarryOverToTheRescheduledBooking() async throws {
        try await withTestApp(calendly: webhookSettings) { t in
            let bodies = try Self.reschedulePair()
            let chosen = try await Fixtures.student("Chosen", email: "chosen@example.com", on: t.app)
            try await t.deliver(bodies[0])
            let old = try #require(try await Consultation.query(on: t.app.db).first())
            old.notes = "Bring the mock exam"
            old.followUpNotes = "Check chapter 3"
            old.$student.id = try chosen.requireID()
            try await old.save(on: t.app.db)
            // the new booking first, then the cancel
            try await t.deliver(bodies[2])
            try await t.deliver(bodies[1])
            let new = try #require(try await Consultation.query(on: t.app.db).filter(\.$rescheduledFromID == old.id).first())
            #expect(new.notes == "Bring the mock exam")
            #expect(new.followUpNotes == "Check chapter 3")
            #expect(new.$student.id == chosen.id)
        }
    }

    /// A webhook reads the row, then writes it: an edit the owner saves in between must survive.
    @Test func ownersEditBetweenReadAndWriteIsKept() async throws {
        try await withTestApp(calendly: webhookSettings) { t in
            let bodies = try Self.reschedulePair()
            try await t.deliver(bodies[0])
            let cancel = try CalendlyJSON.decoder().decode(WebhookEnvelope.self, from: bodies[1])
            let snapshot = InviteeSnapshot(source: .webhook(.canceled), invitee: cancel.payload,
                                           event: try #require(cancel.payload.scheduledEvent), observedAt: cancel.createdAt)
            try await t.app.databaseWriter.transaction(on: t.app.db) { db in
                let bookings = try await BookingBatch.prefetching([snapshot], on: try db.sql())
                // The owner's edit lands after the read.
                try await db.sql().raw("UPDATE consultations SET notes = 'Saved meanwhile', topic = 'Thesis'").run()
                _ = try await bookings.applying { try await InviteeApplier(bookings: bookings, topicQuestion: nil).apply(snapshot) }
            }
            let row = try #require(try await Consultation.query(on: t.app.db).first())
            #expect(row.status == .rescheduled)
            #expect(row.notes == "Saved meanwhile")
            #expect(row.topic == "Thesis")
        }
    }

    @Test func cancelBeforeCreateYieldsOneCanceledConsultation() async throws {
        let booking = P.Booking()
        let create = try P.envelope("invitee.created", createdAt: "2031-11-24T14:00:03.000000Z", payload: P.invitee(booking))
        let cancel = try P.envelope("invitee.canceled", createdAt: "2031-11-25T10:00:00.000000Z",
                                    payload: P.invitee(booking, status: "canceled", canceler: "Jonas Berg", updatedAt: "2031-11-25T09:59:59.000000Z"))
        for order in [[create, cancel], [cancel, create], [cancel, create, cancel, create]] {
            try await withTestApp(calendly: webhookSettings) { t in
                for body in order { try await t.deliver(body) }
                let all = try await Consultation.query(on: t.app.db).all()
                #expect(all.count == 1)
                #expect(all.first?.status == .canceled)
                #expect(all.first?.canceledBy == "Jonas Berg")
                #expect(all.first?.cancelReason == "Conflict")
            }
        }
    }

    @Test func noShowToggleHonoursTheLaterEnvelopeInEitherOrder() async throws {
        let booking = P.Booking()
        let create = try P.envelope("invitee.created", createdAt: "2031-11-24T14:00:03.000000Z", payload: P.invitee(booking))
        let marked = try P.envelope("invitee_no_show.created", createdAt: "2031-11-28T10:00:00.000000Z", payload: P.invitee(booking, noShow: true))
        let unmarked = try P.envelope("invitee_no_show.deleted", createdAt: "2031-11-28T10:05:00.000000Z", payload: P.invitee(booking, noShow: true))
        for (order, expected) in [([create, marked], ConsultationStatus.noShow), ([marked, create], .noShow),
                                  ([create, marked, unmarked], .scheduled), ([create, unmarked, marked], .scheduled),
                                  ([unmarked, marked, create], .scheduled), ([marked, unmarked], .scheduled)] {
            try await withTestApp(calendly: webhookSettings) { t in
                for body in order { try await t.deliver(body) }
                let all = try await Consultation.query(on: t.app.db).all()
                #expect(all.count == 1)
                #expect(all.first?.status == expected)
            }
        }
    }

    @Test func sixtyFourConcurrentDeliveriesAllAnswer2xxAndLeaveTheRightRows() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("crm-webhooks-\(UUID())")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let location = TestApp.postgresURL.map(DatabaseLocation.postgres) ?? .sqliteFile(directory.appendingPathComponent("crm.sqlite").path)
        try await withTestApp(database: location, calendly: webhookSettings) { t in
            try await t.app.server.start(address: .hostname("127.0.0.1", port: 0))
            let port = try #require(t.app.http.server.shared.localAddress?.port)
            // 48 distinct bookings (16 by the same new student), plus 16 duplicates of the first 16.
            var bodies: [Data] = []
            for index in 0..<48 {
                var booking = P.Booking()
                booking.email = index < 16 ? "repeat@example.com" : "student\(index)@example.com"
                booking.name = "Student \(index)"
                bodies.append(try P.envelope("invitee.created", createdAt: "2031-11-24T14:00:03.000000Z", payload: P.invitee(booking)))
            }
            bodies += bodies.prefix(16)
            // Generous time-outs: the whole suite runs beside this test on two cores.
            let client = HTTPClient(eventLoopGroupProvider: .singleton,
                                    configuration: .init(timeout: .init(connect: .seconds(60), read: .seconds(60))))
            // The client must be shut down even when a request fails, or its deinit traps.
            let statuses: [UInt]
            do {
                statuses = try await withThrowingTaskGroup(of: UInt.self) { group in
                for body in bodies {
                    group.addTask {
                        var request = HTTPClientRequest(url: "http://127.0.0.1:\(port)/api/calendar/webhook/calendly")
                        request.method = .POST
                        request.headers = P.headers(for: body)
                        request.body = .bytes(ByteBuffer(data: body))
                        return try await client.execute(request, timeout: .seconds(60)).status.code
                    }
                }
                return try await group.reduce(into: [UInt]()) { $0.append($1) }
                }
            } catch {
                try await client.shutdown()
                await t.app.server.shutdown()
                throw error
            }
            try await client.shutdown()
            await t.app.server.shutdown()
            #expect(statuses.count == 64)
            #expect(statuses.allSatisfy { $0 == 200 }, "\(statuses.sorted())")
            #expect(try await Consultation.query(on: t.app.db).count() == 48)
            #expect(try await Student.query(on: t.app.db).count() == 33)
            #expect(try await WebhookDelivery.query(on: t.app.db).count() == 64)
            #expect(try await WebhookDelivery.query(on: t.app.db).filter(\.$state == .duplicate).count() == 16)
        }
    }
}
