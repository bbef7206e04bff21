import Vapor

extension Application {
    /// The methods registered for paths matching `path`, so an unknown method can get a 405.
    func routeMethods(matching path: String) -> [HTTPMethod] {
        let segments = path.split(separator: "/", omittingEmptySubsequences: true).map(String.init)
        var methods: [HTTPMethod] = []
        for route in routes.all where Self.matches(route.path, segments) {
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
