@testable import App
import Fluent
import Foundation
import Testing
import VaporTesting

/// Every page form keeps what the owner typed: a save re-renders with every value in place, saving
/// that page again unchanged changes nothing in the database, and a refused save shows the text again.
@Suite("Page forms keep the owner's text")
struct FormRoundTripTests {
    /// Text that breaks naive escaping, trimming and encoding: markup, quotes, ampersands, several
    /// lines, accents and an emoji.
    static func distinctive(_ label: String) -> String {
        "\(label): <b>bold</b> & \"quoted\" 'single' — ünïcödé 🎓\nsecond line\n\n  indented third"
    }

    // MARK: - Saved, re-rendered, saved again unchanged

    @Test func consultationNotesAndFollowUpNotesSurviveASaveAndAnUnchangedSave() async throws {
        try await withTestApp { t in
            let consultation = try await Fixtures.consultation(for: try await Fixtures.student(on: t.app), on: t.app)
            let page = "/consultations/\(try consultation.requireID())"
            let browser = BrowserSession(app: t.app)
            try await browser.signIn()
            try await browser.get(page)
            let typed = ["type": "Thesis review", "topic": "Chapter 3 <draft> & \"methods\"",
                         "notes": Self.distinctive("notes"), "follow_up_notes": Self.distinctive("follow-up")]
            // when
            #expect(try await browser.post(page, form: typed).status == .seeOther)
            // then
            let form = try #require(HTMLForm(id: "edit-consultation-form", in: try await browser.get(page).body.string))
            for (name, value) in typed { #expect(form.fields[name] == value, "\(name) is shown as saved") }
            try await saveUnchanged(form, as: browser) { try await consultationJSON(consultation, on: t.app) }
        }
    }

    @Test func studentDetailsSurviveASaveAndAnUnchangedSave() async throws {
        try await withTestApp { t in
            let student = try await Fixtures.student(on: t.app)
            let page = "/students/\(try student.requireID())"
            let browser = BrowserSession(app: t.app)
            try await browser.signIn()
            try await browser.get(page)
            let typed = ["name": "Zoë O'Brien <Ph.D.>", "email": "zoe.obrien@example.org", "phone": "+44 20 7946 0958 ext. 12",
                         "notes": Self.distinctive("student notes"), "time_zone": "America/Sao_Paulo"]
            #expect(try await browser.post(page + "/edit", form: typed).status == .seeOther)
            let form = try #require(HTMLForm(id: "edit-student-form", in: try await browser.get(page).body.string))
            for (name, value) in typed { #expect(form.fields[name] == value, "\(name) is shown as saved") }
            try await saveUnchanged(form, as: browser) { try await studentJSON(student, on: t.app) }
        }
    }

    @Test func aStudentAddedFromTheListShowsEveryFieldOnTheirPage() async throws {
        try await withTestApp { t in
            let browser = BrowserSession(app: t.app)
            try await browser.signIn()
            try await browser.get("/students")
            let typed = ["name": "Grace Hopper", "email": "grace@example.com", "phone": "555-0100", "notes": Self.distinctive("new student")]
            let added = try await browser.post("/students", form: typed)
            let location = try #require(added.headers.first(name: .location))
            let form = try #require(HTMLForm(id: "edit-student-form", in: try await browser.get(location).body.string))
            for (name, value) in typed { #expect(form.fields[name] == value, "\(name) is shown as saved") }
            let student = try #require(try await Student.query(on: t.app.db).first())
            try await saveUnchanged(form, as: browser) { try await studentJSON(student, on: t.app) }
        }
    }

    @Test func aConsultationAddedByHandShowsEveryFieldOnItsPage() async throws {
        try await withTestApp { t in
            let student = try await Fixtures.student(on: t.app)
            let browser = BrowserSession(app: t.app)
            try await browser.signIn()
            try await browser.get("/students/\(try student.requireID())")
            let typed = ["type": "Career chat", "consultation_date": "2031-05-04T10:30", "duration": "45",
                         "topic": "Internships & \"next steps\"", "notes": Self.distinctive("by hand")]
            let added = try await browser.post("/students/\(try student.requireID())/consultations", form: typed)
            let location = try #require(added.headers.first(name: .location))
            let html = try await browser.get(location).body.string
            let form = try #require(HTMLForm(id: "edit-consultation-form", in: html))
            for name in ["type", "topic", "notes"] { #expect(form.fields[name] == typed[name], "\(name) is shown as saved") }
            #expect(html.contains("Sun 4 May 2031") || html.contains("4 May 2031"), "the date is shown")
            #expect(html.contains("10:30"), "the time is shown in the owner's zone")
            #expect(html.contains("45 minutes"))
            let consultation = try #require(try await Consultation.query(on: t.app.db).first())
            try await saveUnchanged(form, as: browser) { try await consultationJSON(consultation, on: t.app) }
        }
    }

    // MARK: - Refused saves show every value again

    @Test func aRefusedConsultationAddedByHandKeepsEveryValueIncludingTheDate() async throws {
        try await withTestApp { t in
            let student = try await Fixtures.student(on: t.app)
            let browser = BrowserSession(app: t.app)
            try await browser.signIn()
            try await browser.get("/students/\(try student.requireID())")
            let typed = ["type": "Career chat", "consultation_date": "2031-05-04T10:30", "duration": "0",
                         "topic": "Internships", "notes": Self.distinctive("refused")]
            let response = try await browser.post("/students/\(try student.requireID())/consultations", form: typed)
            #expect(response.status == .unprocessableEntity)
            let form = try #require(HTMLForm(id: "add-consultation-form", in: response.body.string))
            for (name, value) in typed { #expect(form.fields[name] == value, "\(name) is kept") }
            #expect(try await Consultation.query(on: t.app.db).count() == 0)
        }
    }

    @Test func aRefusedConsultationEditKeepsEveryValue() async throws {
        try await withTestApp { t in
            let consultation = try await Fixtures.consultation(for: try await Fixtures.student(on: t.app), on: t.app)
            let page = "/consultations/\(try consultation.requireID())"
            let browser = BrowserSession(app: t.app)
            try await browser.signIn()
            try await browser.get(page)
            let tooLong = String(repeating: "é", count: FieldRules.Limit.prose + 1)
            let typed = ["type": "Thesis review", "topic": "Methods", "notes": tooLong, "follow_up_notes": Self.distinctive("kept")]
            let response = try await browser.post(page, form: typed)
            #expect(response.status == .unprocessableEntity)
            let html = response.body.string
            #expect(html.contains("must be at most 100,000 characters"))
            let form = try #require(HTMLForm(id: "edit-consultation-form", in: html))
            for (name, value) in typed { #expect(form.fields[name] == value, "\(name) is kept") }
            #expect(try await Consultation.find(consultation.requireID(), on: t.app.db)?.notes == "")
        }
    }

    @Test func aRefusedStudentEditKeepsEveryValue() async throws {
        try await withTestApp { t in
            let student = try await Fixtures.student(on: t.app)
            let page = "/students/\(try student.requireID())"
            let browser = BrowserSession(app: t.app)
            try await browser.signIn()
            try await browser.get(page)
            let typed = ["name": "Ada King", "email": "not an email", "phone": "555-0199", "notes": Self.distinctive("edit refused"),
                         "time_zone": "Mars/Olympus_Mons"]
            let response = try await browser.post(page + "/edit", form: typed)
            #expect(response.status == .unprocessableEntity)
            let form = try #require(HTMLForm(id: "edit-student-form", in: response.body.string))
            for (name, value) in typed { #expect(form.fields[name] == value, "\(name) is kept") }
        }
    }

    @Test func aRefusedNewStudentKeepsEveryValue() async throws {
        try await withTestApp { t in
            let browser = BrowserSession(app: t.app)
            try await browser.signIn()
            try await browser.get("/students")
            let typed = ["name": "", "email": "grace@example.com", "phone": "555-0100", "notes": Self.distinctive("no name")]
            let response = try await browser.post("/students", form: typed)
            #expect(response.status == .unprocessableEntity)
            let form = try #require(HTMLForm(id: "add-student-form", in: response.body.string))
            for (name, value) in typed { #expect(form.fields[name] == value, "\(name) is kept") }
        }
    }

    @Test func aRefusedSignInKeepsTheEmailAndWhereItWasGoing() async throws {
        try await withTestApp { t in
            let browser = BrowserSession(app: t.app)
            try await browser.get("/sign-in?next=/students")
            let response = try await browser.post("/sign-in", form: ["email": Fixtures.ownerEmail, "password": "wrong password", "next": "/students"])
            #expect(response.status == .unauthorized)
            let form = try #require(HTMLForm(id: "sign-in-form", in: response.body.string))
            #expect(form.fields["email"] == Fixtures.ownerEmail)
            #expect(form.fields["next"] == "/students")
        }
    }

    @Test func aRefusedSetupKeepsTheEmailAndTimeZoneButNeverEchoesPasswords() async throws {
        try await withFreshApp { app in
            let token = app.setupLink.issue()
            let browser = BrowserSession(app: app)
            try await browser.get("/setup/\(token)")
            let typed = ["email": "zoë@example.com", "password": "long enough pass", "password_confirmation": "different pass!", "time_zone": "America/Argentina/Buenos_Aires"]
            let response = try await browser.post("/setup/\(token)", form: typed)
            #expect(response.status == .unprocessableEntity)
            let form = try #require(HTMLForm(id: "setup-form", in: response.body.string))
            #expect(form.fields["email"] == typed["email"])
            #expect(form.fields["time_zone"] == typed["time_zone"])
            #expect(form.fields["password"] == "", "a password is never written into a page")
            #expect(try await Account.query(on: app.db).count() == 0)
        }
    }

    @Test func aFormWhoseTokenNoLongerMatchesComesBackWithItsTextToSendAgain() async throws {
        try await withTestApp { t in
            let consultation = try await Fixtures.consultation(for: try await Fixtures.student(on: t.app), on: t.app)
            let page = "/consultations/\(try consultation.requireID())"
            let browser = BrowserSession(app: t.app)
            try await browser.signIn()
            try await browser.get(page)
            let typed = ["type": "Thesis review", "topic": "Methods", "notes": Self.distinctive("stale token"), "follow_up_notes": "Send the draft"]
            // when: a token from another session (a tab opened before signing in again, say)
            let refused = try await browser.post(page, form: typed.merging(["csrf_token": "stale-token"]) { $1 }, includeCSRF: false,
                                                 headers: ["Sec-Fetch-Site": "same-origin"])
            // then: nothing saved, every value offered again
            #expect(refused.status == .forbidden)
            #expect(try await Consultation.find(consultation.requireID(), on: t.app.db)?.notes == "")
            let form = try #require(HTMLForm(id: "resubmit-form", in: refused.body.string))
            #expect(form.action == page)
            for (name, value) in typed { #expect(form.fields[name] == value, "\(name) is offered again") }
            // and sending it again saves it
            #expect(try await browser.post(form.action, form: form.fieldsToSend).status == .seeOther)
            let saved = try #require(try await Consultation.find(consultation.requireID(), on: t.app.db))
            #expect(saved.notes == typed["notes"]?.trimmingCharacters(in: .whitespacesAndNewlines))
            #expect(saved.followUpNotes == "Send the draft")
        }
    }

    @Test func aFormFromElsewhereOrWithoutTextIsSimplyRefused() async throws {
        try await withTestApp { t in
            let student = try await Fixtures.student(on: t.app)
            let browser = BrowserSession(app: t.app)
            try await browser.signIn()
            try await browser.get("/settings")
            // from a sibling site: nothing is offered to send again
            let crossSite = try await browser.post("/settings/calendly/token", form: ["api_token": "attacker", "csrf_token": "x"],
                                                   includeCSRF: false, headers: ["Sec-Fetch-Site": "same-site"])
            #expect(crossSite.status == .forbidden)
            #expect(HTMLForm(id: "resubmit-form", in: crossSite.body.string) == nil)
            // a button-only form (erase) has nothing to keep: no one-click confirmation page
            let purge = try await browser.post("/students/\(try student.requireID())/purge", form: ["csrf_token": "x"],
                                               includeCSRF: false, headers: ["Sec-Fetch-Site": "same-origin"])
            #expect(purge.status == .forbidden)
            #expect(HTMLForm(id: "resubmit-form", in: purge.body.string) == nil)
            #expect(try await Student.find(student.requireID(), on: t.app.db) != nil)
            // secrets are never written back into a page
            let password = try await browser.post("/settings/password", form: ["current_password": "hunter2-secret", "new_password": "n", "csrf_token": "x"],
                                                  includeCSRF: false, headers: ["Sec-Fetch-Site": "same-origin"])
            #expect(!password.body.string.contains("hunter2-secret"))
        }
    }

    @Test func aBodyOverTheLimitIsA413PageThatNamesTheLimit() async throws {
        try await withTestApp { t in
            let consultation = try await Fixtures.consultation(for: try await Fixtures.student(on: t.app), on: t.app)
            let page = "/consultations/\(try consultation.requireID())"
            let browser = BrowserSession(app: t.app)
            try await browser.signIn()
            try await browser.get(page)
            let response = try await browser.post(page, form: ["type": "x", "notes": String(repeating: "a", count: BodyLimits.prose.value)], running: true)
            #expect(response.status == .payloadTooLarge)
            #expect(response.body.string.contains("larger than the 3 MB"))
        }
    }

    // MARK: - Helpers

    /// Posts the rendered form back as it is and expects the row to read the same afterwards.
    private func saveUnchanged(_ form: HTMLForm, as browser: BrowserSession, row: () async throws -> Data) async throws {
        let saved = try await row()
        #expect(try await browser.post(form.action, form: form.fieldsToSend).status == .seeOther)
        let after = try await row()
        #expect(after == saved, "saving the page unchanged changes nothing: \(String(decoding: saved, as: UTF8.self)) vs \(String(decoding: after, as: UTF8.self))")
    }

    private static var encoder: JSONEncoder {
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        return encoder
    }

    private func consultationJSON(_ consultation: Consultation, on app: Application) async throws -> Data {
        let row = try #require(try await Consultation.query(on: app.db).filter(\.$id == consultation.requireID()).with(\.$student).first())
        return try Self.encoder.encode(try ConsultationResponse(row))
    }

    private func studentJSON(_ student: Student, on app: Application) async throws -> Data {
        let row = try #require(try await Student.find(student.requireID(), on: app.db))
        return try Self.encoder.encode(try StudentResponse(row))
    }
}
