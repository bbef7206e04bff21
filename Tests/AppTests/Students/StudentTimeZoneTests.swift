@testable import App
import Fluent
import Foundation
import Testing
import VaporTesting

/// A student's time zone (SPEC 2): filled from their Calendly bookings while empty, then the
/// owner's to change; a booking made for them is sent with it.
@Suite("Student time zone")
struct StudentTimeZoneTests {
    typealias P = CalendlyPayloads

    @Test func aNewStudentFromABookingTakesItsZone() async throws {
        try await withTestApp(calendly: webhookSettings) { t in
            try await t.deliver(try P.envelope("invitee.created", createdAt: "2031-11-24T14:00:03.000000Z", payload: P.invitee(P.Booking())))
            #expect(try await Student.query(on: t.app.db).first()?.timeZone == "Europe/Berlin")
        }
    }

    @Test func aStudentWithoutAZoneGetsTheirBookingsAndAChosenOneStays() async throws {
        try await withTestApp(calendly: webhookSettings) { t in
            let plain = Student(name: "Jonas Berg", email: "jonas.berg@student.example")
            try await plain.create(on: t.app.db)
            let chosen = Student(name: "Mia", email: "mia@student.example")
            chosen.timeZone = "Asia/Tokyo"
            try await chosen.create(on: t.app.db)
            try await t.deliver(try P.envelope("invitee.created", createdAt: "2031-11-24T14:00:03.000000Z", payload: P.invitee(P.Booking())))
            try await t.deliver(try P.envelope("invitee.created", createdAt: "2031-11-24T14:00:04.000000Z",
                                               payload: P.invitee(P.Booking(name: "Mia", email: "mia@student.example"))))
            #expect(try await Student.find(plain.id, on: t.app.db)?.timeZone == "Europe/Berlin")
            #expect(try await Student.find(chosen.id, on: t.app.db)?.timeZone == "Asia/Tokyo", "the owner's choice is kept")
        }
    }

    @Test func theAPIChecksClearsAndKeepsIt() async throws {
        try await withTestApp { t in
            let created = try await t.app.testing().sendRequest(.POST, "/api/students", headers: t.bearer,
                                                                body: try jsonBody(["name": "Ada", "time_zone": "America/Sao_Paulo"]))
            #expect(created.status == .created)
            let id = try #require(try created.json()["id"] as? String)
            #expect(try created.json()["time_zone"] as? String == "America/Sao_Paulo")
            for bad in ["Mars/Olympus_Mons", "Europe/" + String(repeating: "x", count: 80)] {
                let refused = try await t.app.testing().sendRequest(.PATCH, "/api/students/\(id)", headers: t.bearer,
                                                                    body: try jsonBody(["time_zone": bad]))
                #expect(refused.status == .unprocessableEntity)
                #expect((try refused.json()["error"] as? [String: Any])?["field"] as? String == "time_zone")
            }
            let untouched = try await t.app.testing().sendRequest(.PATCH, "/api/students/\(id)", headers: t.bearer,
                                                                  body: try jsonBody(["name": "Ada L."]))
            #expect(try untouched.json()["time_zone"] as? String == "America/Sao_Paulo")
            let cleared = try await t.app.testing().sendRequest(.PATCH, "/api/students/\(id)", headers: t.bearer,
                                                                body: try jsonBody(["time_zone": ""]))
            #expect(try cleared.json()["time_zone"] is NSNull)
        }
    }
}
