@testable import App
import Fluent
import Foundation
import Testing
import VaporTesting

/// The owner's account on Settings (SPEC section 9): email and time zone, a password change that
/// ends the other sessions, and `crm user reset-password` for a forgotten one.
@Suite("The owner's account")
struct AccountSettingsTests {
    @Test func emailAndTimeZoneAreSavedAndShownAgain() async throws {
        try await withTestApp { t in
            let browser = BrowserSession(app: t.app)
            try await browser.signIn()
            let page = try await browser.get("/settings").body.string
            #expect(page.contains("<option selected>Europe/Berlin</option>"), "the zone is chosen from the IANA list")
            let saved = try await browser.post("/settings/account", form: ["email": "New.Owner@Example.com", "time_zone": "America/Argentina/Buenos_Aires"])
            #expect(saved.status == .seeOther)
            let account = try #require(try await Account.query(on: t.app.db).first())
            #expect(account.email == "new.owner@example.com")
            #expect(account.timeZone == "America/Argentina/Buenos_Aires")
            let form = try #require(HTMLForm(id: "account-form", in: try await browser.get("/settings").body.string))
            #expect(form.fields["email"] == "new.owner@example.com")
            #expect(try await browser.get("/settings").body.string.contains("<option selected>America/Argentina/Buenos_Aires</option>"))
        }
    }

    @Test func everyRefusedDetailIsNamedAtOnceAndTheTextKept() async throws {
        try await withTestApp { t in
            let browser = BrowserSession(app: t.app)
            try await browser.signIn()
            try await browser.get("/settings")
            let refused = try await browser.post("/settings/account", form: ["email": "not an email", "time_zone": "Mars/Olympus_Mons"])
            #expect(refused.status == .unprocessableEntity)
            let html = refused.body.string
            #expect(html.contains("Email is not an email address"))
            #expect(html.contains("Time zone is not a time zone name"))
            #expect(HTMLForm(id: "account-form", in: html)?.fields["email"] == "not an email")
            #expect(try await Account.query(on: t.app.db).first()?.email == Fixtures.ownerEmail)
        }
    }

    @Test func aPasswordChangeNeedsTheCurrentOneAndEndsTheOtherSessions() async throws {
        try await withTestApp { t in
            let here = BrowserSession(app: t.app), elsewhere = BrowserSession(app: t.app)
            try await here.signIn()
            try await elsewhere.signIn()
            #expect(try await elsewhere.get("/students").status == .ok)
            try await here.get("/settings")
            // every mistake at once
            let refused = try await here.post("/settings/password", form: ["current_password": "wrong", "new_password": "short", "new_password_confirmation": "short"])
            #expect(refused.status == .unprocessableEntity)
            #expect(refused.body.string.contains("Current password is not your current password"))
            #expect(refused.body.string.contains("New password must be at least 10 characters"))
            let mismatch = try await here.post("/settings/password", form: ["current_password": Fixtures.ownerPassword, "new_password": "a new long password", "new_password_confirmation": "another one"])
            #expect(mismatch.body.string.contains("does not match the new password"))
            // when
            let changed = try await here.post("/settings/password", form: ["current_password": Fixtures.ownerPassword, "new_password": "a new long password", "new_password_confirmation": "a new long password"])
            // then
            #expect(changed.status == .seeOther)
            #expect(try await here.get("/students").status == .ok, "this session stays signed in")
            #expect(try await elsewhere.get("/students").status == .seeOther, "the other session is signed out")
            #expect(try await BrowserSession(app: t.app).signIn(password: "a new long password").status == .seeOther)
            #expect(try await BrowserSession(app: t.app).signIn().status == .unauthorized)
        }
    }

    @Test func resetPasswordFromTheServerSignsOutEverySession() async throws {
        try await withTestApp { t in
            let browser = BrowserSession(app: t.app)
            try await browser.signIn()
            await #expect(throws: AppError.self) { try await t.app.accounts.resetPassword(email: Fixtures.ownerEmail, to: "short") }
            await #expect(throws: AppError.self) { try await t.app.accounts.resetPassword(email: "nobody@example.com", to: "long enough pass") }
            try await t.app.accounts.resetPassword(email: Fixtures.ownerEmail.uppercased(), to: "long enough pass")
            #expect(try await browser.get("/students").status == .seeOther)
            #expect(try await BrowserSession(app: t.app).signIn(password: "long enough pass").status == .seeOther)
        }
    }

    @Test func setupOffersTheZoneListAndAsksTheBrowserFirst() async throws {
        try await withFreshApp { app in
            let token = app.setupLink.issue()
            let html = try await BrowserSession(app: app).get("/setup/\(token)").body.string
            #expect(html.contains(#"<select id="time_zone" name="time_zone" data-guess-from-browser>"#))
            #expect(html.contains("<option>Asia/Tokyo</option>"))
            #expect(html.contains("/js/time-zone.js"))
        }
    }
}

/// Forms say everything at once: every error beside its field in one answer, in plain sentences,
/// with the page's own address to go back to.
@Suite("Forms name every mistake at once")
struct FormErrorsTests {
    @Test func aNewStudentWithSeveralMistakesHearsOfThemAll() async throws {
        try await withTestApp { t in
            let browser = BrowserSession(app: t.app)
            try await browser.signIn()
            try await browser.get("/students")
            let response = try await browser.post("/students", form: ["name": " ", "email": "nope", "phone": String(repeating: "5", count: 51)])
            #expect(response.status == .unprocessableEntity)
            let html = response.body.string
            #expect(html.contains("Name is required"))
            #expect(html.contains("Email is not an email address"))
            #expect(html.contains("Phone must be at most 50 characters"))
        }
    }

    @Test func aTakenEmailNamesTheStudentWhoHasIt() async throws {
        try await withTestApp { t in
            try await Fixtures.student("Emma Johansson", email: "emma@example.com", on: t.app)
            let browser = BrowserSession(app: t.app)
            try await browser.signIn()
            try await browser.get("/students")
            let response = try await browser.post("/students", form: ["name": "Emma J.", "email": "EMMA@example.com"])
            #expect(response.status == .conflict)
            #expect(response.body.string.contains("Email belongs to another student, Emma Johansson"))
        }
    }

    @Test func aRefusedEditPointsBackAtTheStudentsPage() async throws {
        try await withTestApp { t in
            let student = try await Fixtures.student(on: t.app)
            let browser = BrowserSession(app: t.app)
            try await browser.signIn()
            let page = "/students/\(try student.requireID())"
            try await browser.get(page)
            let html = try await browser.post(page + "/edit", form: ["name": "", "email": "x"]).body.string
            #expect(html.contains(#"<link rel="canonical" href="\#(page)">"#))
            #expect(html.contains("/js/form-errors.js"))
        }
    }

    @Test func aConsultationByHandWithSeveralMistakesHearsOfThemAll() async throws {
        try await withTestApp { t in
            let student = try await Fixtures.student(on: t.app)
            let browser = BrowserSession(app: t.app)
            try await browser.signIn()
            try await browser.get("/students/\(try student.requireID())")
            let response = try await browser.post("/students/\(try student.requireID())/consultations",
                                                  form: ["type": "", "consultation_date": "someday", "duration": "0"])
            #expect(response.status == .unprocessableEntity)
            let html = response.body.string
            #expect(html.contains("Type is required"))
            #expect(html.contains("Date and time is not a date and time"))
            #expect(html.contains("Duration must be a positive number of minutes"))
        }
    }
}
