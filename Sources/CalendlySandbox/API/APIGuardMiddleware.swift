import Vapor

/// Stands in front of every Calendly API route: checks the Bearer token, spends the rate
/// limit, puts `X-RateLimit-*` on every answer, and applies the API misbehaviour settings.
struct APIGuardMiddleware: AsyncMiddleware {
    let context: SandboxContext

    func respond(to request: Request, chainingTo next: any AsyncResponder) async throws -> Response {
        let started = Date()
        let response = try await guarded(request, next)
        await context.requestLog.record(.init(method: request.method.rawValue, path: request.url.path,
                                              userAgent: request.headers.first(name: .userAgent) ?? "",
                                              startedAt: started, finishedAt: Date(), status: Int(response.status.code)))
        return response
    }

    private func guarded(_ request: Request, _ next: any AsyncResponder) async throws -> Response {
        guard let token = request.headers.bearerAuthorization?.token, let scopes = context.tokens.scopes(of: token) else {
            return with(await context.rateLimiter.peek(""), CalendlyError.unauthenticated.response())
        }
        let verdict = await context.rateLimiter.take(token)
        guard verdict.allowed else { return tooMany(verdict) }
        if let needed = TokenScopes.required(method: request.method, path: request.url.path), !TokenScopes.allows(scopes, needed) {
            // Calendly's wording for a missing scope is not documented; its usual 403 body is.
            return with(verdict, CalendlyError.permissionDenied("You do not have permission to access this resource.").response())
        }

        let (delay, fault) = await context.chaos.apiDecision()
        if delay > 0 { try await Task.sleep(for: .seconds(delay)) }
        switch fault {
        case .none:
            break
        case .rateLimited:
            return tooMany(RateLimiter.Verdict(limit: verdict.limit, remaining: 0,
                                               resetSeconds: verdict.resetSeconds, allowed: false))
        case .serverError(let code):
            return with(verdict, serverError(HTTPResponseStatus(statusCode: Int(code))))
        case .malformedJSON:
            let response = try await answer(request, next)
            return with(verdict, truncated(response))
        }
        return with(verdict, try await answer(request, next))
    }

    private func answer(_ request: Request, _ next: any AsyncResponder) async throws -> Response {
        do {
            return try await next.respond(to: request)
        } catch {
            return CalendlyErrorMiddleware.response(for: error, logger: context.logger)
        }
    }

    private func tooMany(_ verdict: RateLimiter.Verdict) -> Response {
        with(verdict, CalendlyError.tooManyRequests(resetSeconds: verdict.resetSeconds).response())
    }

    /// A 500 in Calendly's shape; 502/503 the way a proxy in front would answer.
    private func serverError(_ status: HTTPResponseStatus) -> Response {
        if status == .internalServerError { return CalendlyError.internalError.response() }
        var headers = HTTPHeaders()
        headers.contentType = .html
        return Response(status: status, headers: headers,
                        body: .init(string: "<html><body><h1>\(status.code) \(status.reasonPhrase)</h1></body></html>"))
    }

    /// Keeps the status and content type but cuts the JSON off half way.
    private func truncated(_ response: Response) -> Response {
        let text = response.body.string ?? ""
        let cut = text.isEmpty ? "{\"resource\": {\"uri\": " : String(text.prefix(max(1, text.count / 2)))
        response.body = .init(string: cut)
        response.headers.contentType = .json
        return response
    }

    /// Puts the request budget's headers on an answer, unless the route answered with a limit
    /// of its own (the booking limits of `POST /invitees`), whose headers are the ones to heed.
    private func with(_ verdict: RateLimiter.Verdict, _ response: Response) -> Response {
        if response.status == .tooManyRequests, response.headers.first(name: "X-RateLimit-Reset") != nil {
            return response
        }
        response.headers.replaceOrAdd(name: "X-RateLimit-Limit", value: String(verdict.limit))
        response.headers.replaceOrAdd(name: "X-RateLimit-Remaining", value: String(verdict.remaining))
        response.headers.replaceOrAdd(name: "X-RateLimit-Reset", value: String(verdict.resetSeconds))
        return response
    }
}
