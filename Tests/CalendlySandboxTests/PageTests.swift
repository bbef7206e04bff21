import Foundation
import Testing
@testable import CalendlySandbox

@Suite("Widget and pages")
struct PageTests {
    @Test("widget.js and widget.css are served at Calendly's paths")
    func assets() async throws {
        try await withSandbox { sandbox in
            let js = try await sandbox.get(sandbox.server.widgetScriptURL, authorized: false)
            #expect(js.status == 200)
            #expect(js.body.contains("initPopupWidget") && js.body.contains("closePopupWidget"))
            #expect(js.headers.first(name: "Content-Type")?.contains("javascript") == true)
            let css = try await sandbox.get(sandbox.server.widgetCSSURL, authorized: false)
            #expect(css.body.contains(".calendly-overlay"))
        }
    }

    @Test("the booking page escapes prefill, keeps UTM values and has a script-only CSP")
    func bookingPage() async throws {
        try await withSandbox { sandbox in
            let url = "/sam-rivera/consultation-30?name=%3Cscript%3Ex&email=a%40b.example&a1=Why%22&utm_content=student-9&embed_domain=example.test"
            let page = try await sandbox.get(url, authorized: false)
            #expect(page.status == 200)
            #expect(!page.body.contains("<script>x"))
            #expect(page.body.contains("&lt;script&gt;x"))
            #expect(page.body.contains("Why&quot;"))
            #expect(page.body.contains(#"name="utm_content" value="student-9""#))
            #expect(page.body.contains(#"data-embed-domain="example.test""#))
            #expect(page.headers.first(name: "Content-Security-Policy")?.contains("script-src 'self'") == true)
            #expect(page.body.contains("Progress check-in with a student."))
            let hidden = try await sandbox.get("/sam-rivera/consultation-30?hide_event_type_details=1", authorized: false)
            #expect(!hidden.body.contains("Progress check-in with a student."))
            #expect(try await sandbox.get("/sam-rivera/group-workshop", authorized: false).status == 404)
        }
    }

    @Test("posting the booking form books with tracking, and the cancel page cancels as the invitee")
    func bookAndCancelByPage() async throws {
        try await withSandbox { sandbox in
            // given
            let slots = try await sandbox.call(.GET, "/_sandbox/slots?event_type=consultation-30", authorized: false)
            let start = try #require((slots.json["slots"] as? [String])?.first)
            let form = "start_time=\(start)&name=Page+Person&email=page%40student.example&a1=Thesis&utm_source=personal-crm&utm_content=student-3&embed_domain=x.test"

            // when
            let done = try await sandbox.call(.POST, "/sam-rivera/consultation-30", authorized: false, form: form)

            // then
            #expect(done.status == 200)
            #expect(done.body.contains(#"data-page="scheduled""#))
            let inviteeURI = try #require(done.body.components(separatedBy: #"data-invitee-uri=""#).dropFirst().first?
                .components(separatedBy: "\"").first)
            let invitee = try await sandbox.get(inviteeURI).resource
            #expect(invitee.object("tracking").string("utm_content") == "student-3")
            #expect((invitee["questions_and_answers"] as? [[String: Any]])?.first?["answer"] as? String == "Thesis")
            let cancelURL = try #require(invitee.string("cancel_url"))
            #expect(try await sandbox.get(cancelURL, authorized: false).body.contains("cancel-event"))
            let canceled = try await sandbox.call(.POST, cancelURL, authorized: false, form: "reason=Clash")
            #expect(canceled.status == 200)
            let after = try await sandbox.get(inviteeURI).resource
            #expect(after.string("status") == "canceled")
            #expect(after.object("cancellation").string("canceler_type") == "invitee")
            #expect(after.object("cancellation").string("reason") == "Clash")
        }
    }

    @Test("the reschedule page moves the booking and links old and new invitees")
    func rescheduleByPage() async throws {
        try await withSandbox { sandbox in
            let booked = try await sandbox.book()
            let oldURI = try #require(booked.json.object("invitee").string("uri"))
            let rescheduleURL = try #require(booked.json.object("invitee").string("reschedule_url"))
            let page = try await sandbox.get(rescheduleURL, authorized: false)
            let start = try #require(page.body.components(separatedBy: #"name="start_time" value=""#).last?
                .components(separatedBy: "\"").first)
            let moved = try await sandbox.call(.POST, rescheduleURL, authorized: false, form: "start_time=\(start)")
            #expect(moved.status == 200)
            let old = try await sandbox.get(oldURI).resource
            #expect(old.string("status") == "canceled")
            #expect(old["rescheduled"] as? Bool == true)
            let newURI = try #require(old.string("new_invitee"))
            #expect(try await sandbox.get(newURI).resource.string("old_invitee") == oldURI)
        }
    }
}
