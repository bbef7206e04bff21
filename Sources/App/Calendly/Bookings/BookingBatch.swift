import Foundation
import SQLKit

/// What applying invitees reads, fetched for a whole batch of observations at once and kept up to
/// date as the batch writes, so that a batch costs a few statements rather than several per delivery.
///
/// New students and consultations are kept here and inserted together when the work given to
/// `applying` is done; changes to stored consultations are written at once.
///
/// Creating one takes PostgreSQL's apply lock, so another instance's webhooks and syncs cannot
/// change what it read; SQLite's writers are already serialised by `DatabaseWriter`. Edits from the
/// pages do not take that lock, which is why updates write only the columns they changed.
final class BookingBatch {
    let sql: any SQLDatabase
    private var consultations: [String: ConsultationRow] = [:]
    /// URIs looked up and not stored (until this batch stores them).
    private var absentInvitees: Set<String> = []
    private var studentsByEmail: [String: UUID] = [:]
    private var absentEmails: Set<String> = []
    private var students: Set<UUID> = []
    private var absentStudents: Set<UUID> = []
    /// Ids of the processed deliveries by identity (event, invitee URI, envelope created_at, mark).
    private var processedDeliveries: [DeliveryIdentity: Set<UUID>] = [:]
    private var deliveryKeysRead: Set<DeliveryKey> = []
    /// Made by this batch and not yet inserted, in the order they were made.
    private var newStudents: [StudentRow] = []
    private var newConsultations: [String] = []
    /// Zones of new bookings, for their students who have none yet (SPEC 2).
    private var bookedTimeZones: [UUID: String] = [:]
    /// Students read with a time zone already: their bookings leave it alone.
    private var studentsWithTimeZone: Set<UUID> = []

    private init(sql: any SQLDatabase) {
        self.sql = sql
    }

    deinit {
        assert(newStudents.isEmpty && newConsultations.isEmpty, "a BookingBatch was dropped with rows made outside applying(_:)")
    }

    /// Runs `body`, then inserts what it made. If either throws, what was not inserted is forgotten
    /// and the error rethrown, for the caller to roll its transaction (or savepoint) back.
    func applying<Result>(_ body: () async throws -> Result) async throws -> Result {
        do {
            let result = try await body()
            try await flush()
            return result
        } catch {
            discard()
            throw error
        }
    }

    /// Inserts the students and consultations this batch made, students first.
    private func flush() async throws {
        try await StudentRow.insert(newStudents, on: sql)
        newStudents.removeAll()
        try await ConsultationRow.insert(newConsultations.compactMap { consultations[$0] }, on: sql)
        newConsultations.removeAll()
        try await StudentRow.fillTimeZones(bookedTimeZones, on: sql)
        studentsWithTimeZone.formUnion(bookedTimeZones.keys)
        bookedTimeZones.removeAll()
    }

    private func discard() {
        newStudents.removeAll()
        newConsultations.removeAll()
        bookedTimeZones.removeAll()
    }

    /// A batch with everything these observations and deliveries will look up already read.
    static func prefetching(_ snapshots: [InviteeSnapshot], deliveries: [WebhookDelivery] = [],
                            on sql: any SQLDatabase) async throws -> BookingBatch {
        if sql.dialect.name == "postgresql" {
            try await sql.raw("SELECT pg_advisory_xact_lock(7243001)").run()
        }
        let bookings = BookingBatch(sql: sql)
        try await bookings.prefetchConsultations(Set(snapshots.flatMap { [$0.invitee.uri, $0.invitee.oldInvitee, $0.invitee.newInvitee].compactMap { $0 } }))
        try await bookings.prefetchStudents(emails: Set(snapshots.map(\.studentEmail).filter { !$0.isEmpty }),
                                         ids: Set(snapshots.compactMap(\.trackedStudentID)))
        try await bookings.prefetchProcessedDeliveries(Set(deliveries.compactMap(DeliveryKey.init)))
        return bookings
    }

    // MARK: - Consultations

    func consultation(inviteeURI: String) async throws -> ConsultationRow? {
        if let known = consultations[inviteeURI] { return known }
        if absentInvitees.contains(inviteeURI) { return nil }
        try await prefetchConsultations([inviteeURI])
        return consultations[inviteeURI]
    }

    /// A new consultation, inserted when the work given to `applying` is done.
    func insert(_ consultation: inout ConsultationRow, now: Date) {
        consultation.createdAt = now
        consultation.updatedAt = now
        remember(consultation)
        if let uri = consultation.calendlyInviteeURI { newConsultations.append(uri) }
    }

    func update(_ consultation: inout ConsultationRow, now: Date = Date()) async throws {
        if let uri = consultation.calendlyInviteeURI, newConsultations.contains(uri) {
            // Not inserted yet: it will be, as it is now.
            consultation.updatedAt = now
        } else if let uri = consultation.calendlyInviteeURI, let stored = consultations[uri] {
            try await consultation.update(on: sql, changedFrom: stored, now: now)
        }
        remember(consultation)
    }

    private func remember(_ consultation: ConsultationRow) {
        guard let uri = consultation.calendlyInviteeURI else { return }
        consultations[uri] = consultation
        absentInvitees.remove(uri)
    }

    private func prefetchConsultations(_ uris: Set<String>) async throws {
        let wanted = uris.filter { consultations[$0] == nil && !absentInvitees.contains($0) }
        guard !wanted.isEmpty else { return }
        let rows = try await ConsultationRow.find(inviteeURIs: Array(wanted), on: sql)
        for row in rows { remember(row) }
        absentInvitees.formUnion(wanted.subtracting(rows.compactMap(\.calendlyInviteeURI)))
    }

    // MARK: - Students

    func studentID(email: String) async throws -> UUID? {
        if studentsByEmail[email] == nil, !absentEmails.contains(email) { try await prefetchStudents(emails: [email], ids: []) }
        return studentsByEmail[email]
    }

    func studentExists(_ id: UUID) async throws -> Bool {
        if !students.contains(id), !absentStudents.contains(id) { try await prefetchStudents(emails: [], ids: [id]) }
        return students.contains(id)
    }

    /// A new student, inserted when the work given to `applying` is done.
    func insertStudent(_ student: StudentRow) {
        newStudents.append(student)
        students.insert(student.id)
        absentStudents.remove(student.id)
        if !student.email.isEmpty {
            studentsByEmail[student.email] = student.id
            absentEmails.remove(student.email)
        }
    }

    /// A new booking's time zone, given to its student when the student has none.
    func noteBookedTimeZone(_ zone: String?, studentID: UUID) {
        guard !studentsWithTimeZone.contains(studentID), bookedTimeZones[studentID] == nil,
              let zone, let valid = try? FieldRules.optionalTimeZone(zone), !valid.isEmpty else { return }
        if let index = newStudents.firstIndex(where: { $0.id == studentID }) {
            if newStudents[index].timeZone == nil { newStudents[index].timeZone = valid }
        } else {
            bookedTimeZones[studentID] = valid
        }
    }

    /// Deletes a student this batch made, if it was made from Calendly and has no consultation left.
    func removeStudentIfOrphaned(_ id: UUID) async throws {
        try await flush()
        guard try await StudentRow.source(of: id, on: sql) == .calendly,
              try await ConsultationRow.count(studentID: id, on: sql) == 0,
              try await FollowUp.count(studentID: id, on: sql) == 0 else { return }
        try await StudentRow.delete(id: id, on: sql)
        students.remove(id)
        absentStudents.insert(id)
        for (email, owner) in studentsByEmail where owner == id {
            studentsByEmail[email] = nil
            absentEmails.insert(email)
        }
    }

    private func prefetchStudents(emails: Set<String>, ids: Set<UUID>) async throws {
        let emails = emails.filter { studentsByEmail[$0] == nil && !absentEmails.contains($0) }
        if !emails.isEmpty {
            let found = try await StudentRow.found(emails: Array(emails), on: sql)
            for student in found { remember(student) }
            absentEmails.formUnion(emails.subtracting(found.map(\.email)))
        }
        let unknownIDs = ids.subtracting(students).subtracting(absentStudents)
        if !unknownIDs.isEmpty {
            let found = try await StudentRow.found(ids: Array(unknownIDs), on: sql)
            for student in found { remember(student) }
            absentStudents.formUnion(unknownIDs.subtracting(found.map(\.id)))
        }
    }

    private func remember(_ student: StudentRow.Found) {
        if !student.email.isEmpty { studentsByEmail[student.email] = student.id }
        students.insert(student.id)
        if student.hasTimeZone { studentsWithTimeZone.insert(student.id) }
    }

    // MARK: - Deliveries

    /// What makes two deliveries the same change: the event, the invitee, the envelope's time and,
    /// for a no-show event, the mark. Calendly's envelope time has whole seconds, and an invitee
    /// marked, unmarked and marked again within one second gets two `invitee_no_show.created`
    /// deliveries that differ only in the mark (mark URIs are never reused).
    struct DeliveryIdentity: Hashable {
        var event: String
        var inviteeURI: String?
        var envelopeCreatedAt: String?
        var noShowURI: String?
    }

    /// Another delivery with the same identity was already applied.
    func isDuplicate(_ delivery: WebhookDelivery, saying snapshot: InviteeSnapshot) async throws -> Bool {
        if let key = DeliveryKey(delivery) { try await prefetchProcessedDeliveries([key]) }
        let others = (processedDeliveries[DeliveryIdentity(delivery, saying: snapshot)] ?? []).subtracting(delivery.id.map { [$0] } ?? [])
        return !others.isEmpty
    }

    /// Records that `delivery` (with its id) was applied, for the deliveries after it.
    func noteProcessed(_ delivery: WebhookDelivery, saying snapshot: InviteeSnapshot) {
        guard let id = delivery.id else { return }
        processedDeliveries[DeliveryIdentity(delivery, saying: snapshot), default: []].insert(id)
    }

    /// What a processed delivery is looked up by: its envelope's time and its invitee, which lead
    /// the index (`IndexDeliveriesByEnvelopeTime`). A delivery without them is never a duplicate.
    struct DeliveryKey: Hashable {
        var envelopeCreatedAt: String
        var inviteeURI: String

        init?(_ delivery: WebhookDelivery) {
            guard let time = delivery.envelopeCreatedAt, let uri = delivery.inviteeURI else { return nil }
            envelopeCreatedAt = time
            inviteeURI = uri
        }
    }

    private func prefetchProcessedDeliveries(_ keys: Set<DeliveryKey>) async throws {
        let wanted = keys.subtracting(deliveryKeysRead)
        guard !wanted.isEmpty else { return }
        // The state is checked here rather than in SQL: given `state = 'processed'`, SQLite picks the
        // state index and reads every processed delivery instead of the few with these keys.
        // Bodies are read only for no-show events, whose mark is part of their identity. The two
        // lists may pair a time with another delivery's invitee: such a row is a processed delivery
        // all the same, and knowing it does no harm.
        let rows = try await sql.select().columns("id", "event", "invitee_uri", "envelope_created_at", "state")
            .column(SQLRaw("CASE WHEN event IN ('\(InviteeEvent.noShowCreated.rawValue)', '\(InviteeEvent.noShowDeleted.rawValue)') THEN body END AS no_show_body"))
            .from(WebhookDelivery.schema)
            .where("envelope_created_at", .in, SQLBind.group(Set(wanted.map(\.envelopeCreatedAt)).sorted()))
            .where("invitee_uri", .in, SQLBind.group(Set(wanted.map(\.inviteeURI)).sorted()))
            .all(decoding: DeliveryRow.self)
        for row in rows where row.state == WebhookDeliveryState.processed.rawValue {
            let identity = DeliveryIdentity(event: row.event, inviteeURI: row.invitee_uri, envelopeCreatedAt: row.envelope_created_at,
                                            noShowURI: row.no_show_body.flatMap(NoShowMarkOfBody.uri(in:)))
            processedDeliveries[identity, default: []].insert(row.id)
        }
        deliveryKeysRead.formUnion(wanted)
    }

    private struct DeliveryRow: Decodable {
        var id: UUID
        var event: String
        var invitee_uri: String?
        var envelope_created_at: String?
        var state: String
        var no_show_body: Data?
    }
}

/// The no-show mark a stored delivery's body names, read without decoding the whole invitee.
private struct NoShowMarkOfBody: Decodable {
    struct Payload: Decodable {
        struct Mark: Decodable { var uri: String? }
        var no_show: Mark?
    }
    var payload: Payload?

    static func uri(in body: Data) -> String? {
        (try? JSONDecoder().decode(Self.self, from: body))?.payload?.no_show?.uri
    }
}

extension BookingBatch.DeliveryIdentity {
    init(_ delivery: WebhookDelivery, saying snapshot: InviteeSnapshot) {
        let isNoShow = snapshot.source == .webhook(.noShowCreated) || snapshot.source == .webhook(.noShowDeleted)
        self.init(event: delivery.event, inviteeURI: delivery.inviteeURI, envelopeCreatedAt: delivery.envelopeCreatedAt,
                  noShowURI: isNoShow ? snapshot.invitee.noShow?.uri : nil)
    }
}
