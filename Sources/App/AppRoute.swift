import Foundation

/// Every page path the app links to. Routes are registered from the same constants, so a link
/// and its route cannot drift apart.
enum AppRoute {
    case calendar(tab: CalendarTab? = nil, studentID: UUID? = nil)
    case students(query: String? = nil)
    case student(UUID)
    case studentEdit(UUID)
    case studentArchive(UUID)
    case studentPurge(UUID)
    case studentRestore(UUID)
    case studentConsultations(UUID)
    case consultation(UUID)
    case consultationStatus(UUID)
    case settings
    case signIn(next: String? = nil)
    case signOut
    case setup(token: String)

    enum CalendarTab: String, CaseIterable, Sendable {
        case upcoming
        case schedule
    }

    var path: String {
        switch self {
        case .calendar(let tab, let studentID):
            var items: [URLQueryItem] = []
            if let studentID { items.append(.init(name: "student", value: studentID.uuidString)) }
            let base = tab == .schedule ? "/calendar/schedule" : "/calendar"
            return Self.withQuery(base, items)
        case .students(let query):
            return Self.withQuery("/students", query.map { [.init(name: "q", value: $0)] } ?? [])
        case .student(let id): return "/students/\(id)"
        case .studentEdit(let id): return "/students/\(id)/edit"
        case .studentArchive(let id): return "/students/\(id)/archive"
        case .studentPurge(let id): return "/students/\(id)/purge"
        case .studentRestore(let id): return "/students/\(id)/restore"
        case .studentConsultations(let id): return "/students/\(id)/consultations"
        case .consultation(let id): return "/consultations/\(id)"
        case .consultationStatus(let id): return "/consultations/\(id)/status"
        case .settings: return "/settings"
        case .signIn(let next):
            return Self.withQuery("/sign-in", next.map { [.init(name: "next", value: $0)] } ?? [])
        case .signOut: return "/sign-out"
        case .setup(let token): return "/setup/\(token)"
        }
    }

    private static func withQuery(_ path: String, _ items: [URLQueryItem]) -> String {
        guard !items.isEmpty else { return path }
        var components = URLComponents()
        components.path = path
        components.queryItems = items
        return components.string ?? path
    }
}
