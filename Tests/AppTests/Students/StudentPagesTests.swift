@testable import App
import Foundation
import Testing
import VaporTesting

@Suite("Student and consultation pages")
struct StudentPagesTests {
    @Test func addStudentThenFindItBySearch() async throws {
        try await withTestApp { t in
            let browser = BrowserSession(app: t.app)
            try await browser.signIn()
            try await browser.get("/students")
            // when
            let added = try await browser.post("/students", form: ["name": "Katherine Johnson", "email": "kj@nasa.gov", "notes": "orbital mechanics"])
            // then
            #expect(added.status == .seeOther)
            let location = try #require(added.headers.first(name: .location))
            #expect(try await browser.get(location).body.string.contains("Katherine Johnson"))
            let found = try await browser.get("/students?q=ORBITAL")
            #expect(found.body.string.contains("Katherine Johnson"))
            let notFound = try await browser.get("/students?q=nobody")
            #expect(!notFound.body.string.contains("Katherine Johnson"))
        }
    }

    @Test func invalidStudentFormShowsTheMessageBesideTheFieldAndSavesNothing() async throws {
        try await withTestApp { t in
            let browser = BrowserSession(app: t.app)
            try await browser.signIn()
            try await browser.get("/students")
            let response = try await browser.post("/students", form: ["name": "Someone", "email": "not-an-email"])
            #expect(response.status == .unprocessableEntity)
            let html = response.body.string
            #expect(html.contains(#"id="email-error">Email is not an email address"#))
            #expect(html.contains(#"value="Someone""#), "the typed name is kept")
            #expect(try await Student.query(on: t.app.db).count() == 0)
        }
    }

    @Test func textFromStudentsIsEscaped() async throws {
        try await withTestApp { t in
            let student = try await Fixtures.student("<img src=x onerror=alert(1)>", email: "x@example.com", notes: "<script>alert(2)</script>", on: t.app)
            let browser = BrowserSession(app: t.app)
            try await browser.signIn()
            let html = try await browser.get("/students/\(try student.requireID())").body.string
            #expect(!html.contains("<img src=x"))
            #expect(!html.contains("<script>alert"))
            #expect(html.contains("&lt;img src=x onerror=alert(1)&gt;"))
        }
    }

    @Test func studentPageListsConsultationsInTheOwnersTimeZone() async throws {
        try await withTestApp { t in
            let student = try await Fixtures.student(on: t.app)
            let consultation = Consultation(studentID: try student.requireID(), type: "Mentoring",
                                            consultationDate: try #require(ISO8601.parse("2031-03-01T09:00:00Z")), duration: 60)
            try await consultation.create(on: t.app.db)
            let browser = BrowserSession(app: t.app)
            try await browser.signIn()
            let html = try await browser.get("/students/\(try student.requireID())").body.string
            #expect(html.contains("Sat 1 Mar 2031, 10:00 (Europe/Berlin)"))
            #expect(html.contains("/calendar/schedule?student=\(try student.requireID().uuidString)"))
        }
    }

    @Test func editAConsultationsNotes() async throws {
        try await withTestApp { t in
            let consultation = try await Fixtures.consultation(for: try await Fixtures.student(on: t.app), on: t.app)
            let id = try consultation.requireID()
            let browser = BrowserSession(app: t.app)
            try await browser.signIn()
            try await browser.get("/consultations/\(id)")
            let saved = try await browser.post("/consultations/\(id)", form: ["type": "Mentoring", "topic": "Essays", "notes": "Talked about <b>drafts</b>", "follow_up_notes": "Send examples"])
            #expect(saved.status == .seeOther)
            let html = try await browser.get("/consultations/\(id)").body.string
            #expect(html.contains("Talked about &lt;b&gt;drafts&lt;/b&gt;"))
            let stored = try #require(try await Consultation.find(id, on: t.app.db))
            #expect(stored.followUpNotes == "Send examples")
        }
    }

    @Test func markCompletedAndRejectAnUnknownStatus() async throws {
        try await withTestApp { t in
            let consultation = try await Fixtures.consultation(for: try await Fixtures.student(on: t.app), startsIn: -600, on: t.app)
            let id = try consultation.requireID()
            let browser = BrowserSession(app: t.app)
            try await browser.signIn()
            try await browser.get("/consultations/\(id)")
            #expect(try await browser.post("/consultations/\(id)/status", form: ["status": "completed"]).status == .seeOther)
            #expect(try await Consultation.find(id, on: t.app.db)?.status == .completed)
            let bad = try await browser.post("/consultations/\(id)/status", form: ["status": "canceled"])
            #expect(bad.status == .unprocessableEntity)
            #expect(try await Consultation.find(id, on: t.app.db)?.status == .completed)
        }
    }

    @Test func addConsultationByHandReadsTheTimeInTheOwnersZone() async throws {
        try await withTestApp { t in
            let student = try await Fixtures.student(on: t.app)
            let browser = BrowserSession(app: t.app)
            try await browser.signIn()
            try await browser.get("/students/\(try student.requireID())")
            let response = try await browser.post("/students/\(try student.requireID())/consultations",
                form: ["type": "Tutoring", "consultation_date": "2031-07-01T15:30", "duration": "45", "topic": "Calculus"])
            #expect(response.status == .seeOther)
            let stored = try #require(try await Consultation.query(on: t.app.db).first())
            #expect(ISO8601.format(stored.consultationDate) == "2031-07-01T13:30:00Z")
            let bad = try await browser.post("/students/\(try student.requireID())/consultations",
                form: ["type": "Tutoring", "consultation_date": "someday", "duration": "45"])
            #expect(bad.status == .unprocessableEntity)
            #expect(bad.body.string.contains("Date and time is not a date and time"))
        }
    }

    @Test func archiveAndPurgeFromThePage() async throws {
        try await withTestApp { t in
            let student = try await Fixtures.student(on: t.app)
            let id = try student.requireID()
            try await Fixtures.consultation(for: student, on: t.app)
            let browser = BrowserSession(app: t.app)
            try await browser.signIn()
            try await browser.get("/students/\(id)")
            #expect(try await browser.post("/students/\(id)/archive", form: [:]).status == .seeOther)
            #expect(try await Student.find(id, on: t.app.db)?.archivedAt != nil)
            #expect(try await browser.post("/students/\(id)/purge", form: [:]).status == .seeOther)
            #expect(try await Student.find(id, on: t.app.db) == nil)
            #expect(try await Consultation.query(on: t.app.db).count() == 0)
        }
    }

    @Test func unknownPageIs404HTML() async throws {
        try await withTestApp { t in
            let browser = BrowserSession(app: t.app)
            try await browser.signIn()
            let response = try await browser.get("/students/\(UUID())")
            #expect(response.status == .notFound)
            #expect(response.headers.contentType?.subType == "html")
            let bad = try await browser.get("/students/not-a-uuid")
            #expect(bad.status == .badRequest)
        }
    }
}
