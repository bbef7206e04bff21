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

    var key: SearchIndex.Pending { SearchIndex.Pending(kind: kind, ref: id) }
    var titleWords: [String] { titleFields.flatMap(SearchText.tokens) }
    var allWords: [String] { titleWords + (bodyFields + display.answers).flatMap(SearchText.tokens) }
}

/// What a result shows besides its text.
struct SearchDisplay: Sendable {
    var title = ""
    /// The fields a snippet may come from, best first (a meeting's notes before its topic, which
    /// its title shows already); the booking answers come last.
    var snippetFields: [String] = []
    /// A meeting's booking answers as stored: decoded only when indexing, or when a snippet is
    /// not found in the fields before them.
    var answersJSON: String?
    var archived = false
    var consultationID: UUID?

    var answers: [String] { (QuestionAndAnswer.list(fromJSON: answersJSON) ?? []).map(\.answer) }

    func snippet(for words: [String]) -> String {
        SearchSnippet.make(snippetFields, words: words) { answersJSON == nil ? [] : answers }
    }
}

/// Reads the records search indexes and shows, by kind and id.
enum SearchSources {
    /// The records named, of every kind; one query a kind. A record that no longer exists is absent.
    static func load(_ records: [SearchIndex.Pending], on sql: any SQLDatabase) async throws -> [SearchSource] {
        var sources: [SearchSource] = []
        for kind in SearchKind.allCases {
            sources += try await load(kind, ids: records.filter { $0.kind == kind }.map(\.ref), on: sql)
        }
        return sources
    }

    static func load(_ kind: SearchKind, ids: [UUID], on sql: any SQLDatabase) async throws -> [SearchSource] {
        guard !ids.isEmpty else { return [] }
        switch kind {
        case .student: return try await students(ids, sql)
        case .consultation: return try await consultations(ids, sql)
        case .followUp: return try await followUps(ids, sql)
        }
    }

    // Columns are read one by one: `Decodable` row decoding cost more than the search itself.

    /// A creation time, which the schema allows to be missing (rows written by hand or by an old
    /// version): such a record ranks as the oldest rather than failing its indexing.
    private static func creation(_ row: some SearchColumns, _ column: String) throws -> Date {
        try row.optionalDate(column) ?? Date(timeIntervalSince1970: 0)
    }

    private static func students(_ ids: [UUID], _ sql: any SQLDatabase) async throws -> [SearchSource] {
        try await RowReader.all(SQLQueryString("""
            SELECT id, name, email, notes, archived_at, created_at FROM students WHERE id IN (\(binds: ids))
            """), on: sql).map { try student(SQLRowColumns(row: $0)) }
    }

    private static func consultations(_ ids: [UUID], _ sql: any SQLDatabase) async throws -> [SearchSource] {
        try await RowReader.all(SQLQueryString("""
            SELECT c.id, c.student_id, c.type, c.topic, c.notes, c.follow_up_notes, c.questions_and_answers,
                   c.consultation_date, s.name AS student_name
            FROM consultations c JOIN students s ON s.id = c.student_id WHERE c.id IN (\(binds: ids))
            """), on: sql).map { try consultation(SQLRowColumns(row: $0)) }
    }

    private static func followUps(_ ids: [UUID], _ sql: any SQLDatabase) async throws -> [SearchSource] {
        try await RowReader.all(SQLQueryString("""
            SELECT f.id, f.student_id, f.consultation_id, f.text, f.created_at, s.name AS student_name
            FROM follow_ups f JOIN students s ON s.id = f.student_id WHERE f.id IN (\(binds: ids))
            """), on: sql).map { try followUp(SQLRowColumns(row: $0)) }
    }

    /// The columns `source` reads for every kind at once, from a hit (its kind and ref, named by
    /// `kind` and `ref`) joined to its meeting `c`, its follow-up `f` and its student `s`
    /// (`studentOfHit`): the one select list of both databases' searches (`SQLiteSearchIndex`,
    /// `crm_search`).
    static func hitColumns(kind: String, ref: String) -> String {
        """
        \(studentOfHit(kind: kind, ref: ref)) AS student_id,
        s.name, s.email, s.archived_at, s.name AS student_name,
        CASE \(kind) WHEN '\(SearchKind.student.rawValue)' THEN s.notes ELSE c.notes END AS notes,
        CASE \(kind) WHEN '\(SearchKind.student.rawValue)' THEN s.created_at ELSE f.created_at END AS created_at,
        c.type, c.topic, c.follow_up_notes, c.questions_and_answers, c.consultation_date,
        f.consultation_id, f.text
        """
    }

    /// A hit's student: its meeting's or follow-up's, or the student found.
    static func studentOfHit(kind: String, ref: String) -> String {
        """
        CASE \(kind) WHEN '\(SearchKind.consultation.rawValue)' THEN c.student_id \
        WHEN '\(SearchKind.followUp.rawValue)' THEN f.student_id ELSE \(ref) END
        """
    }

    // MARK: Rows

    /// A record of `kind` from a row with that kind's columns, as the queries above name them.
    static func source(_ kind: SearchKind, from row: some SearchColumns) throws -> SearchSource {
        switch kind {
        case .student: return try student(row)
        case .consultation: return try consultation(row)
        case .followUp: return try followUp(row)
        }
    }

    /// Columns: id, name, email, notes, archived_at, created_at.
    private static func student(_ row: some SearchColumns) throws -> SearchSource {
        let id = try row.id("id")
        let name = try row.text("name"), email = try row.text("email")
        let notes = try row.text("notes")
        return SearchSource(kind: .student, id: id, studentID: id, date: try creation(row, "created_at"),
                            titleFields: [name, email], bodyFields: [notes],
                            display: SearchDisplay(title: name.nonEmpty ?? email, snippetFields: [notes, email, name],
                                                   archived: try row.optionalDate("archived_at") != nil))
    }

    /// Columns: id, student_id, type, topic, notes, follow_up_notes, questions_and_answers,
    /// consultation_date, student_name.
    private static func consultation(_ row: some SearchColumns) throws -> SearchSource {
        let id = try row.id("id")
        let type = try row.text("type"), topic = try row.text("topic")
        let notes = try row.text("notes")
        let followUpNotes = try row.text("follow_up_notes")
        let studentName = try row.text("student_name")
        let heading = topic.nonEmpty ?? type
        return SearchSource(kind: .consultation, id: id, studentID: try row.id("student_id"),
                            date: try row.date("consultation_date"),
                            titleFields: [type, topic], bodyFields: [notes, followUpNotes, studentName],
                            display: SearchDisplay(title: studentName.isEmpty ? heading : "\(heading) · \(studentName)",
                                                   snippetFields: [notes, followUpNotes, topic, type],
                                                   answersJSON: try row.optionalText("questions_and_answers"),
                                                   consultationID: id))
    }

    /// Columns: id, student_id, consultation_id, text, created_at, student_name.
    private static func followUp(_ row: some SearchColumns) throws -> SearchSource {
        let text = try row.text("text")
        return SearchSource(kind: .followUp, id: try row.id("id"),
                            studentID: try row.id("student_id"),
                            date: try creation(row, "created_at"),
                            titleFields: [text], bodyFields: [try row.text("student_name")],
                            display: SearchDisplay(title: text, snippetFields: [text],
                                                   consultationID: try row.optionalID("consultation_id")))
    }
}
