@testable import App
import Foundation
import Testing
import VaporTesting

/// Routes and links come from one enum: these prove the enum and the route table agree, and that
/// every link and form on the rendered pages points at a route that exists.
@Suite struct RouteTableTests {
    @Test func everyPatternIsRegisteredAndNothingElse() async throws {
        try await withTestApp { t in
            // given
            let registered = Set(t.app.routes.all.map { "/" + $0.path.map(\.description).joined(separator: "/") })
            let patterns = Set(AppRoute.Pattern.allCases.map(\.rawValue))
            // then
            #expect(registered.subtracting(patterns).isEmpty, "registered without a pattern: \(registered.subtracting(patterns).sorted())")
            #expect(patterns.subtracting(registered).isEmpty, "patterns never registered: \(patterns.subtracting(registered).sorted())")
        }
    }

    @Test func linksFillTheirPatterns() {
        let id = UUID(uuidString: "00000000-0000-0000-0000-000000000001")!
        #expect(AppRoute.student(id).path == "/students/00000000-0000-0000-0000-000000000001")
        #expect(AppRoute.consultationStatus(id).path == "/consultations/00000000-0000-0000-0000-000000000001/status")
        #expect(AppRoute.setup(token: "a/b c").path == "/setup/a%2Fb%20c")
        #expect(AppRoute.calendar(tab: .schedule, studentID: id).path == "/calendar/schedule?student=00000000-0000-0000-0000-000000000001")
        #expect(AppRoute.students(query: "Ada & Co").path == "/students?q=Ada%20%26%20Co")
    }

    /// Every `href` and form `action` on the snapshot pages that stays on this site matches a
    /// route pattern or a file under `Public/`.
    @Test func everyLinkOnThePagesHasARoute() throws {
        let files = try FileManager.default.contentsOfDirectory(at: Snapshot.directory, includingPropertiesForKeys: nil)
            .filter { $0.pathExtension == "html" }
        #expect(files.count > 10)
        let link = try NSRegularExpression(pattern: ##"(?:href|action)="(/[^"#?]*)"##)
        let publicDirectory = Snapshot.directory.deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("Public")
        var checked = 0
        for file in files {
            let html = try String(contentsOf: file, encoding: .utf8)
            for match in link.matches(in: html, range: NSRange(html.startIndex..., in: html)) {
                guard let range = Range(match.range(at: 1), in: html) else { continue }
                let path = String(html[range])
                checked += 1
                let isFile = FileManager.default.fileExists(atPath: publicDirectory.appendingPathComponent(path).path)
                #expect(isFile || Self.pattern(matching: path) != nil, "\(file.lastPathComponent) links to \(path), which has no route")
            }
        }
        #expect(checked > 50)
    }

    static func pattern(matching path: String) -> AppRoute.Pattern? {
        let segments = path.split(separator: "/").map(String.init)
        return AppRoute.Pattern.allCases.first { pattern in
            pattern.segments.count == segments.count
                && zip(pattern.segments, segments).allSatisfy { $0.hasPrefix(":") || $0 == $1 }
        }
    }
}
