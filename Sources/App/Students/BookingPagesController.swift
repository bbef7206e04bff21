import Fluent
import Vapor

/// The Student's "Book a session" page (SPEC 4.5): book through Calendly for the student, or make
/// a single-use link to send them. Works without JavaScript: choosing a type is a GET form.
struct BookingPagesController {
    func show(req: Request) async throws -> Response {
        let student = try await findStudent(req)
        let form = BookingForm(eventType: req.queryReader.string("event_type"))
        return try await render(req, student, form: form, errors: [:], status: .ok)
    }

    func book(req: Request) async throws -> Response {
        let student = try await findStudent(req)
        let form = try req.content.decode(BookingForm.self)
        do {
            let questions = try await questionTexts(req, eventType: form.eventType)
            var answers: [String: String] = [:]
            for (index, text) in questions.enumerated() { answers[text] = form.answers?[String(index)] ?? "" }
            let consultation = try await StudentBooking(app: req.application).book(.init(
                studentID: try student.requireID().uuidString, eventType: form.eventType, startTime: form.startTime,
                topic: form.topic, answers: answers, ownerZone: req.timeDisplay.zoneName))
            return req.redirect(to: AppRoute.consultation(try consultation.requireID()).path + "?notice=\(Notice.booked.rawValue)")
        } catch let error as AppError {
            return try await render(req, student, form: form, errors: error.formErrors, suggestLink: error.status == .tooManyRequests,
                                    status: error.status)
        }
    }

    func makeLink(req: Request) async throws -> Response {
        let student = try await findStudent(req)
        let form = try req.content.decode(BookingForm.self)
        do {
            let url = try await SingleUseLinks(app: req.application).make(studentID: try student.requireID().uuidString, eventType: form.eventType)
            return try await render(req, student, form: form, errors: [:], bookingLink: url, status: .ok)
        } catch let error as AppError {
            return try await render(req, student, form: form, errors: error.formErrors, status: error.status)
        }
    }

    private func findStudent(_ req: Request) async throws -> Student {
        guard let student = try await Student.find(try req.uuidParameter(), on: req.db) else { throw AppError.notFound("Student") }
        return student
    }

    private func questionTexts(_ req: Request, eventType: String?) async throws -> [String] {
        guard case .success(let account) = await req.application.calendly.account(req.application.appConfig),
              let type = account.eventTypes.first(where: { $0.uri == eventType }) else { return [] }
        return StudentBooking.askedQuestions(type).map { $0.name ?? "" }
    }

    private func render(_ req: Request, _ student: Student, form: BookingForm, errors: [String: String],
                        bookingLink: String? = nil, suggestLink: Bool = false, status: HTTPStatus) async throws -> Response {
        let id = try student.requireID()
        let time = req.timeDisplay
        var blocked: String?
        if student.archivedAt != nil {
            blocked = "\(student.name) is archived. Restore them on their page to book."
        } else if student.email.isEmpty {
            blocked = "Calendly needs an email to book: add \(student.name)'s email on their page first."
        }
        var types: [CalendlyEventType] = []
        switch await req.application.calendly.account(req.application.appConfig) {
        case .success(let account): types = account.eventTypes.filter { $0.active != false }
        case .failure(let error): blocked = blocked ?? "\(error.message) \(error.hint)"
        }
        let chosen = types.first { $0.uri == form.eventType } ?? (types.count == 1 ? types.first : nil)
        var days: [OpenDay] = []
        var timesProblem: String?
        if let chosen, blocked == nil, bookingLink == nil {
            do {
                let studentZone = student.timeZone.flatMap(TimeZone.init(identifier:)).flatMap { $0.identifier == time.zoneName ? nil : $0 }
                let studentTime = studentZone.map(TimeDisplay.init(zone:))
                let times = try await OpenTimes(app: req.application).list(eventType: chosen.uri, from: nil, to: nil)
                for slot in times {
                    let value = ISO8601.format(slot.startTime)
                    let open = OpenTime(value: value, ownerTime: time.clock(slot.startTime),
                                        studentTime: studentTime.map { "\($0.formatShort(slot.startTime))" },
                                        checked: form.startTime == value)
                    let label = time.dayLabel(slot.startTime)
                    if days.last?.label == label { days[days.count - 1].times.append(open) } else { days.append(OpenDay(label: label, times: [open])) }
                }
                if times.isEmpty { timesProblem = "No open times in the next \(OpenTimes.defaultDays) days for this meeting type." }
            } catch let error as AppError {
                timesProblem = error.reason
            }
        }
        let questions = chosen.map { StudentBooking.askedQuestions($0) } ?? []
        let context = BookingPageContext(
            page: PageChrome(request: req, title: "Book a session with \(student.name)", section: "students", path: AppRoute.studentBook(id).path),
            studentName: student.name, studentLink: AppRoute.student(id).path, studentEditLink: AppRoute.student(id).path + "#edit-student",
            blocked: blocked,
            eventTypes: types.map { EventTypeChoice(uri: $0.uri, name: $0.name ?? "Meeting", duration: $0.duration, selected: $0.uri == chosen?.uri) },
            chosenType: chosen?.uri, chosenTypeName: chosen?.name, days: days, timesProblem: timesProblem,
            questions: questions.enumerated().map { index, q in
                QuestionField(index: index, text: q.name ?? "", required: q.required == true, answer: form.answers?[String(index)] ?? "")
            },
            form: form, errors: errors, ownerZone: time.zoneName, studentZone: student.timeZone,
            bookAction: AppRoute.studentBook(id).path, chooseAction: AppRoute.studentBook(id).path,
            linkAction: AppRoute.studentBookingLink(id).path, bookingLink: bookingLink, suggestLink: suggestLink)
        return try await req.view.render("student-book", context).encodeResponse(status: status, for: req)
    }
}
