import Foundation
import SQLKit

/// What can be found, and the columns of it that search reads (SPEC 11).
enum SearchKind: String, Codable, CaseIterable, Sendable {
    case student
    case consultation
    case followUp = "follow_up"
}

/// One record as search reads it: the text it is found by and shown with, and its date.
///
/// `titleFields` are the record's names (a student's name and email, a meeting's type and topic, a
/// follow-up's text); a result whose every query word is in them ranks first. `bodyFields` are the
/// rest: notes, follow-up notes, booking answers, and for a meeting or follow-up the student's name,
/// so "maria thesis" finds Maria's meetings about her thesis.
struct SearchSource: Sendable {
    let kind: SearchKind
    let id: UUID
    let studentID: UUID
    /// What recency is measured by: a meeting's start, a student's or follow-up's creation.
    let date: Date
    let titleFields: [String]
    let bodyFields: [String]
    /// Shown beside the result, never searched.
    var display = SearchDisplay()

    var titleWords: [String] { titleFields.flatMap(SearchText.tokens) }
    var allWords: [String] { titleWords + bodyFields.flatMap(SearchText.tokens) }
}

/// What a result shows besides its text.
struct SearchDisplay: Sendable {
    var title = ""
    /// The fields a snippet may come from, best first.
    var snippetFields: [String] = []
    var archived = false
    var consultationID: UUID?
}

/// Reads the records search indexes and shows, by kind and id.
enum SearchSources {
    static func load(_ kind: SearchKind, ids: [UUID], on sql: any SQLDatabase) async throws -> [SearchSource] {
        guard !ids.isEmpty else { return [] }
        switch kind {
        case .student: return try await students(ids, sql)
        case .consultation: return try await consultations(ids, sql)
        case .followUp: return try await followUps(ids, sql)
        }
    }

    private struct StudentText: Decodable {
        let id: UUID, name: String, email: String, notes: String
        let archived_at: Date?, created_at: Date
    }

    private static func students(_ ids: [UUID], _ sql: any SQLDatabase) async throws -> [SearchSource] {
        try await sql.raw("""
            SELECT id, name, email, notes, archived_at, created_at FROM students WHERE id IN (\(binds: ids))
            """).all(decoding: StudentText.self).map { row in
            SearchSource(kind: .student, id: row.id, studentID: row.id, date: row.created_at,
                         titleFields: [row.name, row.email], bodyFields: [row.notes],
                         display: SearchDisplay(title: row.name.nonEmpty ?? row.email,
                                                snippetFields: [row.notes, row.email, row.name],
                                                archived: row.archived_at != nil))
        }
    }

    private struct ConsultationText: Decodable {
        let id: UUID, student_id: UUID, type: String, topic: String, notes: String, follow_up_notes: String
        let questions_and_answers: String?, consultation_date: Date, student_name: String
    }

    private static func consultations(_ ids: [UUID], _ sql: any SQLDatabase) async throws -> [SearchSource] {
        try await sql.raw("""
            SELECT c.id, c.student_id, c.type, c.topic, c.notes, c.follow_up_notes, c.questions_and_answers,
                   c.consultation_date, s.name AS student_name
            FROM consultations c JOIN students s ON s.id = c.student_id WHERE c.id IN (\(binds: ids))
            """).all(decoding: ConsultationText.self).map { row in
            let answers = (QuestionAndAnswer.list(fromJSON: row.questions_and_answers) ?? []).map(\.answer)
            let heading = row.topic.nonEmpty ?? row.type
            return SearchSource(kind: .consultation, id: row.id, studentID: row.student_id, date: row.consultation_date,
                                titleFields: [row.type, row.topic],
                                bodyFields: [row.notes, row.follow_up_notes] + answers + [row.student_name],
                                display: SearchDisplay(title: row.student_name.isEmpty ? heading : "\(heading) · \(row.student_name)",
                                                       snippetFields: [row.topic, row.notes, row.follow_up_notes] + answers + [row.type],
                                                       consultationID: row.id))
        }
    }

    private struct FollowUpText: Decodable {
        let id: UUID, student_id: UUID, consultation_id: UUID?, text: String, created_at: Date, student_name: String
    }

    private static func followUps(_ ids: [UUID], _ sql: any SQLDatabase) async throws -> [SearchSource] {
        try await sql.raw("""
            SELECT f.id, f.student_id, f.consultation_id, f.text, f.created_at, s.name AS student_name
            FROM follow_ups f JOIN students s ON s.id = f.student_id WHERE f.id IN (\(binds: ids))
            """).all(decoding: FollowUpText.self).map { row in
            SearchSource(kind: .followUp, id: row.id, studentID: row.student_id, date: row.created_at,
                         titleFields: [row.text], bodyFields: [row.student_name],
                         display: SearchDisplay(title: row.text, snippetFields: [row.text],
                                                consultationID: row.consultation_id))
        }
    }
}
