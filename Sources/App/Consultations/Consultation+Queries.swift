import Fluent
import Foundation

extension Consultation {
    /// The consultation list of the API, with its filters.
    static func list(studentID: UUID?, status: ConsultationStatus?, from: Date?, to: Date?, on db: any Database) -> QueryBuilder<Consultation> {
        let query = Consultation.query(on: db).with(\.$student)
        if let studentID { query.filter(\.$student.$id == studentID) }
        if let status { query.filter(\.$status == status) }
        if let from { query.filter(\.$consultationDate >= from) }
        if let to { query.filter(\.$consultationDate < to) }
        return query.sort(\.$consultationDate, .descending).sort(\.$id)
    }
}
