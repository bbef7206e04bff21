import Fluent
import Foundation
import Vapor

/// What a mentor's own notebook holds after a few months, for `serve --calendly-sandbox` on a
/// fresh database: past meetings held with notes, follow-ups (one overdue), and a student not seen
/// for weeks, so every section of Today shows what it is for. The sandbox's bookings arrive beside
/// it through Calendly's own path. Never written to a database that already has students.
enum DemoNotebook {
    struct Student: Sendable {
        var name: String
        var email: String
        var notes: String
        /// Days ago, topic, notes, follow-up notes, status.
        var meetings: [(Double, String, String, String, ConsultationStatus)]
        /// Text, who promised, due in days from today (nil: no date), done.
        var followUps: [(String, FollowUpOwner, Int?, Bool)]
    }

    static let students: [Student] = [
        Student(name: "Priya Natarajan", email: "priya.natarajan@student.example",
                notes: "Second-year chemistry; aiming for a summer research placement.",
                meetings: [
                    (75, "Choosing a research group", "Shortlisted three groups. She prefers organic synthesis.", "Email Dr Lind about the summer slot.", .completed),
                    (47, "Placement application", "Reviewed the cover letter; the motivation paragraph is strong now.", "", .completed),
                ],
                followUps: [("Send the final cover letter", .student, -30, false), ("Introduce her to Dr Lind", .mentor, nil, true)]),
        Student(name: "Lukas Meyer", email: "lukas.meyer@student.example",
                notes: "Final-year engineering thesis on battery ageing.",
                meetings: [
                    (63, "Thesis scope", "Narrowed the scope to calendar ageing only.", "Read the two review papers.", .completed),
                    (35, "Literature review", "He has 40 sources; too many for chapter 2.", "", .completed),
                    (21, "Methods chapter", "Missed: he was ill.", "", .noShow),
                    (12, "Methods chapter", "Went through the test matrix. Needs a control group.", "Draft section 3.2", .completed),
                ],
                followUps: [("Draft section 3.2 of the methods chapter", .student, -1, false),
                            ("Check whether the lab has a spare cycler", .mentor, 3, false),
                            ("Read the two review papers", .student, nil, true)]),
        Student(name: "Sofia Rossi", email: "sofia.rossi@student.example",
                notes: "Exchange student; maths tutoring twice a month.",
                meetings: [
                    (56, "Linear algebra", "Eigenvalues are clicking. Exercises 4-9 next.", "", .completed),
                    (28, "Exam plan", "Made a four-week revision plan.", "Share the past papers", .completed),
                    (8, "Past papers", "", "", .completed),
                ],
                followUps: [("Share last year's past papers", .mentor, 0, false)]),
    ]

    /// Writes the notebook when the database has no students yet; returns whether it did.
    @discardableResult
    static func seedIfEmpty(_ app: Application, now: Date = Date()) async throws -> Bool {
        try await app.databaseWriter.transaction(on: app.db) { db in
            guard try await App.Student.query(on: db).count() == 0 else { return false }
            let today = TimeDisplay(zone: .gmt)
            for demo in students {
                let student = App.Student(name: demo.name, email: demo.email, notes: demo.notes)
                try await student.create(on: db)
                let studentID = try student.requireID()
                var latest: UUID?
                for (daysAgo, topic, notes, followUpNotes, status) in demo.meetings {
                    let start = now.addingTimeInterval(-daysAgo * 86_400).rounded(toMinutes: 30)
                    let meeting = Consultation(studentID: studentID, type: "Mentoring", consultationDate: start, duration: 45,
                                               topic: topic, notes: notes, followUpNotes: followUpNotes, status: status)
                    try await meeting.create(on: db)
                    if status == .completed { latest = try meeting.requireID() }
                }
                for (text, owner, dueInDays, done) in demo.followUps {
                    let due = dueInDays.map { today.today(now: now.addingTimeInterval(Double($0) * 86_400)) }
                    let followUp = FollowUp(studentID: studentID, consultationID: latest, text: text, owner: owner, dueOn: due)
                    if done { followUp.doneAt = now.addingTimeInterval(-5 * 86_400) }
                    try await followUp.create(on: db)
                }
            }
            return true
        }
    }
}

private extension Date {
    /// On the half hour, as meetings are booked.
    func rounded(toMinutes minutes: Double) -> Date {
        let step = minutes * 60
        return Date(timeIntervalSince1970: (timeIntervalSince1970 / step).rounded(.down) * step)
    }
}
