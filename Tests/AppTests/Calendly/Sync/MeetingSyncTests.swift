@testable import App
import CalendlySandbox
import Fluent
import Foundation
import Testing
import VaporTesting

/// `POST /api/calendar/meetings/sync`: one invitee by URI, or a reconcile of the whole window.
@Suite("Meeting sync endpoint")
struct MeetingSyncTests {
    static func sync(_ t: TestApp, inviteeURI: String? = nil) async throws -> TestingHTTPResponse {
        try await t.app.testing().sendRequest(.POST, "/api/calendar/meetings/sync", headers: t.bearer,
                                              body: try inviteeURI.map { try jsonBody(["invitee_uri": $0]) })
    }

    static func truthInvitees(_ s: SandboxedApp) async throws -> [[String: Any]] {
        let events = try #require(try await s.sandboxCall(.GET, "/_sandbox/truth").body["events"] as? [[String: Any]])
        return events.flatMap { ($0["invitees"] as? [[String: Any]]) ?? [] }
    }

    @Test func oneInviteeIsRecordedOnceWithItsAnswers() async throws {
        try await withSandboxedApp(subscribe: false) { s in
            // given a booking Calendly made, with no webhook
            let uri = try await s.book(name: "Lin Student", email: "lin@student.example", extra: #","answers":{"a1":"Statistics"}"#)
            // when the popup asks for it twice
            let first = try await Self.sync(s.t, inviteeURI: uri)
            let second = try await Self.sync(s.t, inviteeURI: uri)
            // then
            #expect(first.status == .ok)
            #expect(try first.json()["created"] as? Int == 1)
            #expect(try second.json()["unchanged"] as? Int == 1)
            let stored = try #require(try await Consultation.query(on: s.app.db).filter(\.$calendlyInviteeURI == uri).first())
            #expect(stored.topic == "Statistics")
            #expect(stored.questionsAndAnswers?.first?.answer == "Statistics", "answers read back from the database")
            #expect(try await Consultation.query(on: s.app.db).count() == 1)
        }
    }

    @Test(arguments: ["not a uri", "https://api.calendly.com/scheduled_events/E", "ftp://x/scheduled_events/E/invitees/I",
                      "https://api.calendly.com/users/U/invitees/I"])
    func badURIIs400NamingTheField(_ uri: String) async throws {
        try await withSandboxedApp(subscribe: false) { s in
            let response = try await Self.sync(s.t, inviteeURI: uri)
            #expect(response.status == .badRequest)
            #expect(try response.errorCode().field == "invitee_uri")
            #expect(try await Consultation.query(on: s.app.db).count() == 0)
        }
    }

    @Test func unknownInviteeIs404AndNotConfiguredIs503() async throws {
        try await withSandboxedApp(subscribe: false) { s in
            let response = try await Self.sync(s.t, inviteeURI: s.sandboxBase + "/scheduled_events/\(UUID())/invitees/\(UUID())")
            #expect(response.status == .notFound)
        }
        try await withTestApp { t in
            let response = try await Self.sync(t, inviteeURI: "https://api.calendly.com/scheduled_events/E/invitees/I")
            #expect(response.status == .serviceUnavailable)
            #expect(try response.errorCode().message?.contains("CALENDLY_API_KEY") == true)
            #expect(try await Self.sync(t).status == .serviceUnavailable)
        }
    }

    @Test func reconcileCountsWhatChanged() async throws {
        try await withSandboxedApp(subscribe: false) { s in
            // given everything already reconciled once
            let uri = try await s.book(name: "Mo Student", email: "mo@student.example")
            let first = try await Self.sync(s.t).json()
            let total = try await Self.truthInvitees(s).count
            #expect(first["created"] as? Int == total)
            // when nothing changed, then nothing is counted as changed
            let again = try await Self.sync(s.t).json()
            #expect(again["created"] as? Int == 0)
            #expect(again["updated"] as? Int == 0)
            #expect(again["unchanged"] as? Int == total)
            // when one booking is canceled on Calendly, then exactly that one is updated
            let uuid = try #require(uri.split(separator: "/").last)
            _ = try await s.sandboxCall(.POST, "/_sandbox/invitees/\(uuid)/cancel", json: #"{"canceled_by":"host","reason":"Sick"}"#)
            let afterCancel = try await Self.sync(s.t).json()
            #expect(afterCancel["updated"] as? Int == 1)
            #expect(afterCancel["unchanged"] as? Int == total - 1)
            #expect(try await Consultation.query(on: s.app.db).filter(\.$calendlyInviteeURI == uri).first()?.status == .canceled)
        }
    }

    enum Fault: String, CaseIterable, Sendable {
        case rateLimited, serverError, garbage, timeOut
        var misbehaviour: Misbehaviour {
            switch self {
            case .rateLimited: Misbehaviour(rateLimitRate: 1)
            case .serverError: Misbehaviour(serverErrorRate: 1)
            case .garbage: Misbehaviour(malformedJSONRate: 1)
            case .timeOut: Misbehaviour(slowRate: 1, slowDelay: 2)
            }
        }
    }

    @Test(arguments: Fault.allCases)
    func calendlyFaultDuringSyncIsAClearProblemAndTheNextSyncCatchesUp(_ fault: Fault) async throws {
        try await withSandboxedApp(subscribe: false) { s in
            // given Calendly misbehaving
            let sleeps = SleepRecorder()
            s.app.useCalendly(RecordingTransport.live(timeout: .milliseconds(fault == .timeOut ? 200 : 15_000)), sleeps: sleeps)
            let uri = try await s.book()
            await s.sandbox.setMisbehaviour(fault.misbehaviour)
            // when one invitee is recorded, and the window reconciled
            let one = try await Self.sync(s.t, inviteeURI: uri)
            let all = try await Self.sync(s.t)
            // then both say what went wrong and what to do (429 with Retry-After for Calendly's rate
            // limit, 503 for the rest), and nothing is stored
            for response in [one, all] {
                let message = try response.errorCode().message ?? ""
                #expect(message.contains("Calendly"), "\(message)")
                if fault == .rateLimited {
                    #expect(response.status == .tooManyRequests)
                    #expect(response.headers.first(name: "Retry-After") != nil)
                    #expect(message.contains("Try again in"), "\(message)")
                } else {
                    #expect(response.status == .serviceUnavailable, "\(fault)")
                    #expect(message.contains("retries") || message.contains("Wait"), "\(message)")
                }
            }
            #expect(try await Consultation.query(on: s.app.db).count() == 0)
            // when Calendly recovers
            await s.sandbox.setMisbehaviour(Misbehaviour())
            s.app.useCalendly(RecordingTransport.live())
            let recovered = try await Self.sync(s.t)
            // then the sync finishes with every booking
            #expect(recovered.status == .ok)
            let total = try await Self.truthInvitees(s).count
            #expect(try recovered.json()["created"] as? Int == total)
            #expect(try await Consultation.query(on: s.app.db).count() == total)
        }
    }
}
