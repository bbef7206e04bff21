import Foundation

/// A consultation row joined with its student's name and email, decoded straight from SQL
/// (see `StoredConsultation`). Reads the consultation's columns through to it.
@dynamicMemberLookup
struct ConsultationRecord: Decodable, Sendable {
    var consultation: StoredConsultation
    var studentName: String
    var studentEmail: String

    enum StudentKeys: String, CodingKey {
        case studentName = "student_name", studentEmail = "student_email"
    }

    init(from decoder: any Decoder) throws {
        consultation = try StoredConsultation(from: decoder)
        let student = try decoder.container(keyedBy: StudentKeys.self)
        studentName = try student.decode(String.self, forKey: .studentName)
        studentEmail = try student.decode(String.self, forKey: .studentEmail)
    }

    subscript<Value>(dynamicMember keyPath: KeyPath<StoredConsultation, Value>) -> Value {
        consultation[keyPath: keyPath]
    }

    var questionsAndAnswers: [QuestionAndAnswer] {
        consultation.questionsAndAnswers ?? []
    }
}
