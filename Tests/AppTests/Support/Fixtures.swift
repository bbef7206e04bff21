@testable import App
import Fluent
import Foundation
import Vapor

enum Fixtures {
    static let ownerEmail = "owner@example.com"
    static let ownerPassword = "correct horse battery"
    /// Hashed once: bcrypt is slow on purpose and most tests only need the account to exist.
    static let ownerPasswordHash: String = (try? Bcrypt.hash(ownerPassword, cost: 6)) ?? ""

    @discardableResult
    static func owner(on app: Application, timeZone: String = "Europe/Berlin") async throws -> Account {
        let account = Account(email: ownerEmail, passwordHash: ownerPasswordHash, timeZone: timeZone)
        try await account.create(on: app.db)
        return account
    }

    @discardableResult
    static func student(_ name: String = "Ada Lovelace", email: String = "ada@example.com", notes: String = "", on app: Application) async throws -> Student {
        let student = Student(name: name, email: email, notes: notes)
        try await student.create(on: app.db)
        return student
    }

    @discardableResult
    static func consultation(for student: Student, startsIn seconds: TimeInterval = 3600, duration: Int = 30,
                             status: ConsultationStatus = .scheduled, on app: Application) async throws -> Consultation {
        let consultation = Consultation(studentID: try student.requireID(), type: "Mentoring", consultationDate: Date().addingTimeInterval(seconds),
                                        duration: duration, topic: "Essays", status: status)
        try await consultation.create(on: app.db)
        return consultation
    }
}
