import Vapor

/// `POST /_sandbox/event_types/{uri|uuid|slug}/questions`: the host edits an event type's
/// questions, e.g. to make one required, so a client's handling of them can be tried.
struct EventTypeControlRoutes {
    let context: SandboxContext

    func register(on control: any RoutesBuilder) {
        control.post("event_types", ":type", "questions", use: setQuestions)
    }

    /// Body `{"questions": [{"name", "type"?, "required"?, "answer_choices"?}]}`, positions in
    /// list order; answers the event type as `GET /event_types/{uuid}` does.
    @Sendable func setQuestions(_ req: Request) async throws -> Response {
        struct Body: Decodable {
            struct Question: Decodable {
                var name: String
                var type: String?
                var required: Bool?
                var answer_choices: [String]?
            }
            var questions: [Question]
        }
        let body = try req.calendlyBody(Body.self)
        let questions = body.questions.enumerated().map { position, q in
            CustomQuestion(name: q.name, type: q.type ?? "string", position: position,
                           required: q.required ?? false, answerChoices: q.answer_choices ?? [])
        }
        let store = context.store
        guard let type = await store.eventType(reference: req.parameters.get("type") ?? ""),
              let changed = await store.setQuestions(questions, ofType: type.uuid) else { throw CalendlyError.notFound }
        return await store.wire.eventTypeJSON(changed).response()
    }
}
