import Vapor

/// `GET/POST /_sandbox/misbehaviour`, the webhook flush and the delivery log.
struct MisbehaviourRoutes {
    let context: SandboxContext

    func register(on control: any RoutesBuilder) {
        control.get("misbehaviour", use: show)
        control.post("misbehaviour", use: update)
        control.post("webhooks", "flush", use: flush)
        control.get("deliveries", use: deliveries)
    }

    @Sendable func show(_ req: Request) async throws -> Response {
        try Self.encode(await context.chaos.settings)
    }

    /// Merges the given fields (snake_case names, numbers) into the current settings;
    /// `{"reset": true}` first returns everything to well-behaved.
    @Sendable func update(_ req: Request) async throws -> Response {
        let bytes = req.body.data.map { Data($0.readableBytesView) } ?? Data()
        guard let object = (try? JSONSerialization.jsonObject(with: bytes)) as? [String: Any] else {
            throw CalendlyError.invalidArgument(nil, "Send a JSON object of misbehaviour settings.")
        }
        var settings = await context.chaos.settings
        if object["reset"] as? Bool == true { settings = Misbehaviour() }
        for (name, value) in object where name != "reset" {
            guard let number = (value as? NSNumber)?.doubleValue, settings.set(name, to: number) else {
                throw CalendlyError.invalidArgument(
                    name, "Unknown setting or bad value; settings: \(Misbehaviour.settingNames.joined(separator: ", "))")
            }
        }
        await context.chaos.update(settings)
        return try Self.encode(settings)
    }

    @Sendable func flush(_ req: Request) async throws -> Response {
        await context.dispatcher.flush()
        return try await deliveries(req)
    }

    @Sendable func deliveries(_ req: Request) async throws -> Response {
        let wire = await context.store.wire
        let log = await context.dispatcher.log
        return JSON.object([("deliveries", .array(log.map { $0.json(wire) }))]).response()
    }

    private static func encode(_ settings: Misbehaviour) throws -> Response {
        let data = try JSONEncoder().encode(settings)
        var headers = HTTPHeaders()
        headers.contentType = .json
        return Response(status: .ok, headers: headers, body: .init(data: data))
    }
}
