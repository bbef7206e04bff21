import Fluent
import Foundation

extension Consultation {
    /// Meetings still to come: scheduled and not yet ended, soonest first.
    static func upcoming(now: Date, includeCanceled: Bool, studentID: UUID?, from: Date?, on db: any Database) -> QueryBuilder<Consultation> {
        let query = Consultation.query(on: db).with(\.$student)
        if includeCanceled {
            query.filter(\.$status ~~ [.scheduled, .canceled])
        } else {
            query.filter(\.$status == .scheduled)
        }
        // Meetings last at most a day, so nothing that started earlier can still be running; the
        // bound lets the (status, consultation_date) index skip the past instead of reading it all.
        query.filter(\.$consultationDate > now.addingTimeInterval(-24 * 3600))
        query.group(.or) { group in
            group.filter(\.$endDate > now)
            group.group(.and) { $0.filter(\.$endDate == nil).filter(\.$consultationDate > now) }
        }
        if let studentID { query.filter(\.$student.$id == studentID) }
        if let from { query.filter(\.$consultationDate >= from) }
        return query.sort(\.$consultationDate).sort(\.$id)
    }

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
