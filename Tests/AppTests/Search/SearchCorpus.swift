@testable import App
import Fluent
import Foundation
import Vapor

/// Records of every kind with text that exercises search, and the expected results of a query,
/// worked out with plain string prefix checks over the records' words (the app's folding, which
/// `SearchTextTests` checks on its own), without either database's index.
struct SearchCorpus {
    /// Each record's key (`kind:id`) and its searchable texts.
    private(set) var records: [(key: String, texts: [String])] = []

    static let queries = [
        "jose", "JOSÉ", "núñez", "nun", "zoe", "ZOË", "lukasz", "bjorn", "björn", "søren", "soren", "strasse", "straße",
        "thes", "thesis", "thesis essay", "thes ess", "schol", "scholarship deadline", "maria", "maría lópez",
        "ada@example.com", "example", "essay", "course", "mentoring", "日本", "हिन्दी", "हिन", "budget", "2027",
        "follow", "reading list", "e", "x", "nothingmatchesthis", "deadline", "interview prep", "calc", "ÉCOLE",
    ]

    static func make(on app: Application) async throws -> SearchCorpus {
        var corpus = SearchCorpus()
        let jose = try await corpus.student("José Núñez", "jose.nunez@example.com", "Applying to an École in Lyon; scholarship deadline in March.", app)
        let zoe = try await corpus.student("Zoë Søren-Björn", "zoe@example.org", "Strong in calculus. Straße names amuse her.", app)
        let lukasz = try await corpus.student("Łukasz Kowalski", "lukasz@example.net", "", app)
        let maria = try await corpus.student("María López", "maria@example.com", "Thesis on renewable energy.", app)
        let ada = try await corpus.student("Ada", "ada@example.com", "日本語の勉強をしています。 हिन्दी भी सीख रही है।", app)
        try await corpus.consultation(jose, "Mentoring", "Scholarship essay", "Reviewed the essay draft; the deadline is 2027-03-01.",
                                      "Send the reading list", [("What would you like to discuss?", "Budget for the course")], daysAgo: 3, app)
        try await corpus.consultation(maria, "Thesis review", "Chapter one", "Theses are due soon.", "", [], daysAgo: 10, app)
        try await corpus.consultation(zoe, "Mentoring", "Interview prep", "Calculus exam, then interview practice.", "Follow the plan",
                                      [("Which course are you taking?", "Maths 2027")], daysAgo: 40, app)
        try await corpus.consultation(lukasz, "Quick check-in", "", "", "", [], daysAgo: 1, app)
        try await corpus.consultation(ada, "Mentoring", "Languages", "", "", [], daysAgo: 5, app)
        try await corpus.followUp(maria, "Send thesis feedback", app)
        try await corpus.followUp(jose, "Check the scholarship form", app)
        try await corpus.followUp(zoe, "Book the interview room", app)
        return corpus
    }

    /// The keys of the records every word of `query` starts a word of.
    func expected(_ query: String) -> Set<String> {
        let words = SearchText.queryWords(query)
        guard !words.isEmpty else { return [] }
        return Set(records.filter { record in
            let tokens = record.texts.flatMap(SearchText.tokens)
            return words.allSatisfy { word in tokens.contains { $0.unicodeScalars.starts(with: word.unicodeScalars) } }
        }.map(\.key))
    }

    private mutating func student(_ name: String, _ email: String, _ notes: String, _ app: Application) async throws -> Student {
        let student = try await Fixtures.student(name, email: email, notes: notes, on: app)
        records.append(("student:\(try student.requireID().uuidString.lowercased())", [name, email, notes]))
        return student
    }

    private mutating func consultation(_ student: Student, _ type: String, _ topic: String, _ notes: String, _ followUpNotes: String,
                                       _ answers: [(String, String)], daysAgo: Double, _ app: Application) async throws {
        let consultation = try await Self.consultation(for: student, daysAgo: daysAgo, type: type, topic: topic, notes: notes,
                                                       followUpNotes: followUpNotes, answers: answers, on: app)
        // Questions are not searched: every booking of a type asks the same ones.
        records.append(("consultation:\(try consultation.requireID().uuidString.lowercased())",
                        [type, topic, notes, followUpNotes, student.name] + answers.map(\.1)))
    }

    private mutating func followUp(_ student: Student, _ text: String, _ app: Application) async throws {
        let followUp = FollowUp(studentID: try student.requireID(), consultationID: nil, text: text, owner: .mentor, dueOn: nil)
        try await followUp.create(on: app.db)
        records.append(("follow_up:\(try followUp.requireID().uuidString.lowercased())", [text, student.name]))
    }

    @discardableResult
    static func consultation(for student: Student, daysAgo: Double, type: String = "Mentoring", topic: String, notes: String,
                             followUpNotes: String = "", answers: [(String, String)] = [], on app: Application) async throws -> Consultation {
        let consultation = Consultation(studentID: try student.requireID(), type: type,
                                        consultationDate: Date().addingTimeInterval(-daysAgo * 86_400), duration: 30,
                                        topic: topic, notes: notes, followUpNotes: followUpNotes, status: .completed)
        if !answers.isEmpty {
            consultation.questionsAndAnswers = answers.enumerated().map { QuestionAndAnswer(question: $1.0, answer: $1.1, position: $0) }
        }
        try await consultation.create(on: app.db)
        return consultation
    }
}
