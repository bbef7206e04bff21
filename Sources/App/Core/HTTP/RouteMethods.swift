import Vapor

extension Application {
    /// The methods registered for paths matching `path`, so an unknown method can get a 405.
    func routeMethods(matching path: String) -> [HTTPMethod] {
        let segments = path.split(separator: "/", omittingEmptySubsequences: true).map(String.init)
        let matching = routes.all.filter { Self.matches($0.path, segments) }
        // The router takes a constant segment over a parameter (`/api/students/import` over
        // `/api/students/:id`), so only the most specific matches name the path's methods.
        let constants = { (route: Route) in route.path.filter { if case .constant = $0 { true } else { false } }.count }
        let most = matching.map(constants).max() ?? 0
        var methods: [HTTPMethod] = []
        for route in matching where constants(route) == most {
            if !methods.contains(route.method) { methods.append(route.method) }
        }
        return methods
    }

    private static func matches(_ pattern: [PathComponent], _ segments: [String]) -> Bool {
        var index = 0
        for component in pattern {
            switch component {
            case .catchall: return index < segments.count
            case .anything, .parameter:
                guard index < segments.count else { return false }
            case .constant(let value):
                guard index < segments.count, segments[index] == value else { return false }
            }
            index += 1
        }
        return index == segments.count
    }
}
