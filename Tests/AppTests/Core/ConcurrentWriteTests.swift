@testable import App
import AsyncHTTPClient
import Foundation
import Testing
import VaporTesting

@Suite("Concurrent writes")
struct ConcurrentWriteTests {
    /// SQLite allows one writer; the app must queue writers instead of failing them.
    @Test func sixtyFourConcurrentWritesToAFileDatabaseAllSucceed() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("crm-concurrency-\(UUID())")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.appendingPathComponent("crm.sqlite").path
        try await withTestApp(database: TestApp.postgresURL.map(DatabaseLocation.postgres) ?? .sqliteFile(path)) { t in
            // given a real server
            try await t.app.server.start(address: .hostname("127.0.0.1", port: 0))
            let port = try #require(t.app.http.server.shared.localAddress?.port)
            let student = try await Fixtures.student(on: t.app)
            let studentID = try student.requireID().uuidString
            // Generous connect and read time-outs: the whole suite runs beside this test on two cores,
            // and what is tested is that every write succeeds, not how fast.
            let client = HTTPClient(eventLoopGroupProvider: .singleton,
                                    configuration: .init(timeout: .init(connect: .seconds(60), read: .seconds(60))))
            // when 64 requests each write at once: half create students, half create consultations
            // A request that fails must not skip the client's shutdown: its deinit would abort the run.
            let outcome: Result<[UInt], any Error>
            do { outcome = .success(try await withThrowingTaskGroup(of: UInt.self) { group in
                for index in 0..<64 {
                    group.addTask {
                        var request = HTTPClientRequest(url: "http://127.0.0.1:\(port)/api/" + (index % 2 == 0 ? "students" : "consultations"))
                        request.method = .POST
                        request.headers.add(name: "Authorization", value: "Bearer \(t.token)")
                        request.headers.add(name: "Content-Type", value: "application/json")
                        let body: [String: Any] = index % 2 == 0
                            ? ["name": "Student \(index)", "email": "s\(index)@example.com"]
                            : ["student_id": studentID, "type": "Mentoring", "consultation_date": "2031-01-01T10:00:00Z", "duration": 30]
                        request.body = .bytes(ByteBuffer(data: try JSONSerialization.data(withJSONObject: body)))
                        let response = try await client.execute(request, timeout: .seconds(60))
                        return response.status.code
                    }
                }
                return try await group.reduce(into: [UInt]()) { $0.append($1) }
            }) } catch { outcome = .failure(error) }
            try await client.shutdown()
            await t.app.server.shutdown()
            guard case .success(let statuses) = outcome else {
                Issue.record("a request failed: \(String(reflecting: outcome))")
                return
            }
            // then every one succeeded and every row is there
            #expect(statuses.count == 64)
            #expect(statuses.allSatisfy { $0 == 201 }, "statuses: \(statuses.sorted())")
            #expect(try await Student.query(on: t.app.db).count() == 33)
            #expect(try await Consultation.query(on: t.app.db).count() == 32)
        }
    }
}
