import Vapor

/// Registers a route from its `AppRoute.Pattern`, so its path is the one links are built from.
extension RoutesBuilder {
    @discardableResult
    func get<Answer: AsyncResponseEncodable & VaporSendableMetatype>(_ pattern: AppRoute.Pattern, use handler: @Sendable @escaping (Request) async throws -> Answer) -> Route {
        on(.GET, pattern.pathComponents, use: handler)
    }

    /// For handlers written with futures, which skip a task when their answer is cached.
    @discardableResult
    func get<Answer: ResponseEncodable & VaporSendableMetatype>(_ pattern: AppRoute.Pattern, use handler: @Sendable @escaping (Request) throws -> Answer) -> Route {
        on(.GET, pattern.pathComponents, use: handler)
    }

    @discardableResult
    func post<Answer: AsyncResponseEncodable & VaporSendableMetatype>(_ pattern: AppRoute.Pattern, use handler: @Sendable @escaping (Request) async throws -> Answer) -> Route {
        on(.POST, pattern.pathComponents, use: handler)
    }

    @discardableResult
    func patch<Answer: AsyncResponseEncodable & VaporSendableMetatype>(_ pattern: AppRoute.Pattern, use handler: @Sendable @escaping (Request) async throws -> Answer) -> Route {
        on(.PATCH, pattern.pathComponents, use: handler)
    }

    @discardableResult
    func delete<Answer: AsyncResponseEncodable & VaporSendableMetatype>(_ pattern: AppRoute.Pattern, use handler: @Sendable @escaping (Request) async throws -> Answer) -> Route {
        on(.DELETE, pattern.pathComponents, use: handler)
    }
}

extension AppRoute.Pattern {
    var pathComponents: [PathComponent] { segments.map { PathComponent(stringLiteral: $0) } }
}
