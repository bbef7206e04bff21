import Fluent
import Vapor

/// The Students and Student pages: search, add, edit, archive, purge, and add a consultation by hand.
struct StudentPagesController {
    func list(req: Request) async throws -> Response {
        try await renderList(req, form: StudentForm(), errors: [:], status: .ok)
    }

    func create(req: Request) async throws -> Response {
        let form = try req.content.decode(StudentForm.self)
        do {
            let student = try await req.students.create(.init(name: form.name, email: form.email, phone: form.phone, notes: form.notes))
            return req.redirect(to: AppRoute.student(try student.requireID()).path + "?notice=\(Notice.studentAdded.rawValue)")
        } catch let error as AppError {
            return try await renderList(req, form: form, errors: error.formErrors, status: error.status)
        }
    }

    func show(req: Request) async throws -> Response {
        let student = try await findStudent(req)
        return try await renderStudent(req, student, form: StudentForm(student), consultationForm: ConsultationForm(), errors: [:], status: .ok)
    }

    func edit(req: Request) async throws -> Response {
        let student = try await findStudent(req)
        let form = try req.content.decode(StudentForm.self)
        do {
            let saved = try await req.students.update(try student.requireID(), .init(name: form.name ?? "", email: form.email ?? "", phone: form.phone ?? "", notes: form.notes ?? "", timeZone: form.timeZone ?? ""))
            return req.redirect(to: AppRoute.student(try saved.requireID()).path + "?notice=\(Notice.studentSaved.rawValue)")
        } catch let error as AppError {
            return try await renderStudent(req, student, form: form, consultationForm: ConsultationForm(), errors: error.formErrors, status: error.status)
        }
    }

    func archive(req: Request) async throws -> Response {
        let student = try await req.students.archive(try req.uuidParameter())
        return req.redirect(to: AppRoute.student(try student.requireID()).path + "?notice=\(Notice.studentArchived.rawValue)")
    }

    func restore(req: Request) async throws -> Response {
        let student = try await req.students.restore(try req.uuidParameter())
        return req.redirect(to: AppRoute.student(try student.requireID()).path + "?notice=\(Notice.studentRestored.rawValue)")
    }

    func purge(req: Request) async throws -> Response {
        let id = try req.uuidParameter()
        try await req.students.purge(id)
        await req.audit.record(.studentPurged, .succeeded, "student \(id.uuidString) and their consultations")
        return req.redirect(to: AppRoute.students().path + "?notice=\(Notice.studentPurged.rawValue)")
    }

    func addConsultation(req: Request) async throws -> Response {
        let student = try await findStudent(req)
        let form = try req.content.decode(ConsultationForm.self)
        do {
            // What the form itself can get wrong is collected with the editor's checks, so every
            // mistake is shown at once.
            var errors = FieldErrors()
            let time = req.timeDisplay
            let date = form.consultationDate.flatMap(time.parseInput)
            if date == nil { errors.add(field: "consultation_date", "is not a date and time") }
            let duration = form.duration.flatMap { Int($0.trimmingCharacters(in: .whitespaces)) }
            if duration == nil { errors.add(field: "duration", "must be a positive number of minutes, at most 1440") }
            let consultation = try await req.consultations.create(.init(
                studentID: try student.requireID(), type: form.type, consultationDate: date ?? Date(), duration: duration ?? 1,
                topic: form.topic, notes: form.notes
            ), earlier: errors)
            return req.redirect(to: AppRoute.consultation(try consultation.requireID()).path + "?notice=\(Notice.consultationAdded.rawValue)")
        } catch let error as AppError {
            return try await renderStudent(req, student, form: StudentForm(student), consultationForm: form, errors: error.formErrors, status: error.status)
        }
    }

    // MARK: - Rendering

    private func findStudent(_ req: Request) async throws -> Student {
        guard let student = try await Student.find(try req.uuidParameter(), on: req.db) else { throw AppError.notFound("Student") }
        return student
    }

    private func renderList(_ req: Request, form: StudentForm, errors: [String: String], status: HTTPStatus) async throws -> Response {
        let query = req.query[String.self, at: "q"] ?? ""
        let showArchived = req.query[String.self, at: "archived"] == "only"
        let builder = Student.search(query, includeArchived: false, onlyArchived: showArchived, on: req.db)
        let total = try await builder.copy().count()
        let archivedCount = try await Student.query(on: req.db).filter(\.$archivedAt != nil).count()
        let students = try await builder.limit(200).all()
        let context = StudentsPageContext(
            page: PageChrome(request: req, title: "Students", section: "students", path: AppRoute.students().path),
            query: query, showArchived: showArchived, archivedCount: archivedCount,
            students: students.map { StudentListItem(name: $0.name, email: $0.email, phone: $0.phone, link: AppRoute.student($0.id ?? UUID()).path, archived: $0.archivedAt != nil) },
            total: total, form: form, errors: errors
        )
        return try await req.view.render("students", context).encodeResponse(status: status, for: req)
    }

    private func renderStudent(_ req: Request, _ student: Student, form: StudentForm, consultationForm: ConsultationForm,
                               errors: [String: String], status: HTTPStatus) async throws -> Response {
        let id = try student.requireID()
        let time = req.timeDisplay
        let consultations = try await Consultation.query(on: req.db).filter(\.$student.$id == id).sort(\.$consultationDate, .descending).all()
        let now = Date()
        let ownerUserURI = try await req.calendlyUserURI()
        // Still ahead: scheduled, or canceled or moved but shown as such, never under "Past".
        let isUpcoming: (Consultation) -> Bool = { $0.status != .completed && $0.status != .noShow && ($0.endDate ?? $0.consultationDate) > now }
        let context = StudentPageContext(
            page: PageChrome(request: req, title: student.name, section: "students", path: AppRoute.student(id).path),
            id: id.uuidString, name: student.name, email: student.email, phone: student.phone, notes: student.notes.nonEmpty,
            source: student.source.rawValue, archivedAt: student.archivedAt.map(time.format),
            createdAt: student.createdAt.map(time.format) ?? "",
            scheduleLink: AppRoute.calendar(tab: .schedule, studentID: id).path, bookLink: AppRoute.studentBook(id).path,
            editAction: AppRoute.studentEdit(id).path, archiveAction: AppRoute.studentArchive(id).path,
            purgeAction: AppRoute.studentPurge(id).path, restoreAction: AppRoute.studentRestore(id).path, addConsultationAction: AppRoute.studentConsultations(id).path,
            upcoming: ConsultationTable(rows: consultations.filter(isUpcoming).reversed().map { ConsultationListItem($0, student: student, time: time, ownerUserURI: ownerUserURI) },
                                        emptyText: "Nothing scheduled."),
            past: ConsultationTable(rows: consultations.filter { !isUpcoming($0) }.map { ConsultationListItem($0, student: student, time: time, ownerUserURI: ownerUserURI) },
                                    emptyText: "No past consultations."),
            openFollowUps: try await FollowUp.open(studentID: id, on: req.db).map { FollowUpItem($0, today: time.today()) },
            form: form, consultationForm: consultationForm, errors: errors, timeZone: time.zoneName,
            studentTimeZone: student.timeZone, timeZoneChoices: TimeZoneChoice.all
        )
        return try await req.view.render("student", context).encodeResponse(status: status, for: req)
    }
}
