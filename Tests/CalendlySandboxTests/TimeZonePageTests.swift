import Foundation
import Testing
@testable import CalendlySandbox

@Suite("Booking page time zone")
struct TimeZonePageTests {
    @Test("without a zone the times are labelled UTC, with a picker of zones for the script to set to the browser's")
    func defaultUTC() async throws {
        try await withSandbox { sandbox in
            let page = try await sandbox.get("/sam-rivera/consultation-30", authorized: false)
            #expect(page.status == 200)
            #expect(page.body.contains(#"<select id="timezone" name="timezone" data-zone-chosen="false">"#))
            #expect(page.body.contains(#"<option value="UTC" selected>"#))
            #expect(page.body.contains(#"<option value="Europe/Berlin">"#))
            let label = try #require(page.body.components(separatedBy: #"<span class="slot-time" data-start=""#).dropFirst().first)
            let start = try #require(label.components(separatedBy: "\"").first)
            let text = try #require(label.components(separatedBy: ">").dropFirst().first?.components(separatedBy: "<").first)
            #expect(text == CalendlyTime.display(try #require(CalendlyTime.parse(start))))
            #expect(text.hasSuffix(" UTC"))
            let script = try await sandbox.get("/assets/booking.js", authorized: false).body
            #expect(script.contains("Intl.DateTimeFormat().resolvedOptions().timeZone"))
        }
    }

    @Test("a zone named in the link labels the times in it; an unlisted real zone is added to the list")
    func prefilledZone() async throws {
        try await withSandbox { sandbox in
            let page = try await sandbox.get("/sam-rivera/consultation-30?timezone=America/St_Johns", authorized: false)
            #expect(page.body.contains(#"data-zone-chosen="true""#))
            #expect(page.body.contains(#"<option value="America/St_Johns" selected>"#))
            // 09:00 UTC is 05:30 or 06:30 in Newfoundland.
            #expect(page.body.contains(":30 America/St_Johns</span>"))
        }
    }

    @Test("the posted zone becomes the invitee's timezone; a zone that does not exist is refused")
    func postedZone() async throws {
        try await withSandbox { sandbox in
            let slots = try await sandbox.get("/_sandbox/slots?event_type=consultation-30", authorized: false)
            let start = try #require((slots.json["slots"] as? [String])?.first)
            let base = "start_time=\(start)&name=Ana&email=ana%40student.example"
            let bad = try await sandbox.call(.POST, "/sam-rivera/consultation-30", authorized: false,
                                             form: base + "&timezone=Mars%2FOlympus")
            #expect(bad.status == 400)
            #expect(bad.body.contains("Please pick a time zone"))
            let done = try await sandbox.call(.POST, "/sam-rivera/consultation-30", authorized: false,
                                              form: base + "&timezone=Asia%2FTokyo")
            #expect(done.status == 200)
            #expect(done.body.contains("Asia/Tokyo"))
            let uri = try #require(done.body.components(separatedBy: #"data-invitee-uri=""#).dropFirst().first?
                .components(separatedBy: "\"").first)
            #expect(try await sandbox.get(uri).resource.string("timezone") == "Asia/Tokyo")
        }
    }

    @Test("text in the page stays escaped around the picker")
    func escaped() async throws {
        try await withSandbox { sandbox in
            let page = try await sandbox.get("/sam-rivera/consultation-30?timezone=%22%3E%3Cscript%3E", authorized: false)
            #expect(!page.body.contains("\"><script>"))
            #expect(page.body.contains(#"data-zone-chosen="false""#))
        }
    }
}
