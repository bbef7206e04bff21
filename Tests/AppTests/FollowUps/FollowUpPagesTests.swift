@testable import App
import Fluent
import Foundation
import Testing
import VaporTesting

/// Follow-ups on the Consultation page: added, edited in place, ticked off; a refused form keeps
/// what was typed, and saving a form unchanged changes nothing.
@Suite("Follow-ups on the pages")
struct FollowUpPagesTests {
    private func signedIn(_ t: TestApp) async throws -> (BrowserSession, Consultation, String) {
        let student = try await Fixtures.student(on: t.app)
        let consultation = try await Fixtures.consultation(for: student, startsIn: -3600, on: t.app)
        let browser = BrowserSession(app: t.app)
        try await browser.signIn()
        let page = "/consultations/\(try consultation.requireID())"
        try await browser.get(page)
        return (browser, consultation, page)
    }

    @Test func addedFollowUpsAreListedAndTheStudentPageShowsTheOpenOnes() async throws {
        try await withTestApp { t in
            // given
            let (browser, consultation, page) = try await signedIn(t)
            // when
            let added = try await browser.post(page + "/follow-ups", form: ["text": "Send <the> reading list & notes", "owner": "mentor", "due_on": "2030-02-01"])
            try await browser.post(page + "/follow-ups", form: ["text": "Draft the essay", "owner": "student", "due_on": ""])
            // then
            #expect(added.status == .seeOther)
            let html = try await browser.get(page).body.string
            #expect(html.contains("Send &lt;the&gt; reading list &amp; notes"))
            #expect(html.contains("Draft the essay") && html.contains("Student"))
            let studentPage = try await browser.get("/students/\(consultation.$student.id)").body.string
            #expect(studentPage.contains("id=\"open-follow-ups\"") && studentPage.contains("Draft the essay"))
        }
    }

    @Test func aRefusedFollowUpShowsWhatWasTypedBesideTheReason() async throws {
        try await withTestApp { t in
            // given
            let (browser, _, page) = try await signedIn(t)
            let typed = ["text": FormRoundTripTests.distinctive("promise"), "owner": "student", "due_on": "2030-02-30"]
            // when
            let refused = try await browser.post(page + "/follow-ups", form: typed)
            // then
            #expect(refused.status == .unprocessableEntity)
            let form = try #require(HTMLForm(id: "add-follow-up-form", in: refused.body.string))
            #expect(form.fields["text"] == typed["text"] && form.fields["owner"] == "student" && form.fields["due_on"] == "2030-02-30")
            #expect(refused.body.string.contains("id=\"new-follow-up-due-error\""))
            #expect(try await FollowUp.query(on: t.app.db).count() == 0)
        }
    }

    @Test func anEditSavedThenSavedAgainUnchangedChangesNothing() async throws {
        try await withTestApp { t in
            // given
            let (browser, _, page) = try await signedIn(t)
            try await browser.post(page + "/follow-ups", form: ["text": "Old words", "owner": "mentor", "due_on": ""])
            let followUp = try #require(try await FollowUp.query(on: t.app.db).first())
            let id = try followUp.requireID()
            let typed = ["text": FormRoundTripTests.distinctive("edited"), "owner": "student", "due_on": "2031-01-31"]
            // when
            #expect(try await browser.post("/follow-ups/\(id)", form: typed).status == .seeOther)
            // then
            let form = try #require(HTMLForm(id: "edit-follow-up-\(id)", in: try await browser.get(page).body.string))
            for (name, value) in typed { #expect(form.fields[name] == value, "\(name) is shown as saved") }
            let saved = try #require(try await FollowUp.find(id, on: t.app.db))
            #expect(try await browser.post(form.action, form: form.fieldsToSend).status == .seeOther)
            let after = try #require(try await FollowUp.find(id, on: t.app.db))
            #expect(after.text == saved.text && after.owner == saved.owner && after.dueOn == saved.dueOn && after.updatedAt == saved.updatedAt)
        }
    }

    @Test func aRefusedEditKeepsItsTextOpenInPlace() async throws {
        try await withTestApp { t in
            // given
            let (browser, _, page) = try await signedIn(t)
            try await browser.post(page + "/follow-ups", form: ["text": "Keep me", "owner": "mentor", "due_on": ""])
            let id = try #require(try await FollowUp.query(on: t.app.db).first()?.requireID())
            // when
            let refused = try await browser.post("/follow-ups/\(id)", form: ["text": "   ", "owner": "mentor", "due_on": "2030-01-01"])
            // then
            #expect(refused.status == .unprocessableEntity)
            let form = try #require(HTMLForm(id: "edit-follow-up-\(id)", in: refused.body.string))
            #expect(form.fields["due_on"] == "2030-01-01")
            #expect(refused.body.string.contains("<details class=\"edit-follow-up\" open>"))
            #expect(try await FollowUp.find(id, on: t.app.db)?.text == "Keep me")
        }
    }

    @Test func tickingOffAndReopening() async throws {
        try await withTestApp { t in
            // given
            let (browser, _, page) = try await signedIn(t)
            try await browser.post(page + "/follow-ups", form: ["text": "Call the college", "owner": "mentor", "due_on": ""])
            let id = try #require(try await FollowUp.query(on: t.app.db).first()?.requireID())
            // when
            let done = try await browser.post("/follow-ups/\(id)/done", form: ["done": "true"])
            // then
            #expect(done.status == .seeOther)
            #expect(try await FollowUp.find(id, on: t.app.db)?.doneAt != nil)
            // when
            try await browser.post("/follow-ups/\(id)/done", form: ["done": "false"])
            let nonsense = try await browser.post("/follow-ups/\(id)/done", form: ["done": "perhaps"])
            // then
            #expect(try await FollowUp.find(id, on: t.app.db)?.doneAt == nil)
            #expect(nonsense.status == .badRequest)
        }
    }
}
