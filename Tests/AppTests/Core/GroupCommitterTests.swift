@testable import App
import Fluent
import Foundation
import NIOConcurrencyHelpers
import SQLKit
import Testing
import VaporTesting

/// Writes that arrive together share a transaction; one that fails must fail alone, and nothing
/// is answered before its transaction has committed.
@Suite("Group commit")
struct GroupCommitterTests {
    private struct Failure: Error {}

    @Test func aFailingItemFailsAloneAndTheRestAreStored() async throws {
        try await withTestApp { t in
            let sql = try t.app.db.sql()
            try await sql.raw("CREATE TABLE committed_items (name TEXT NOT NULL)").run()
            let batches = NIOLockedValueBox<[[String]]>([])
            // A first item holds the committer until every other item is waiting, so they share the
            // next batch whatever the machine's load.
            let released = NIOLockedValueBox(false)
            let gateOpen = NIOLockedValueBox(false)
            // "bad" makes any batch it is in throw; alone, it answers its own failure.
            let committer = GroupCommitter<String, String>(
                writer: t.app.databaseWriter, eventLoop: t.app.eventLoopGroup.any(),
                database: { _ in t.app.db }
            ) { items, db in
                if items == ["gate"] {
                    gateOpen.withLockedValue { $0 = true }
                    while !released.withLockedValue({ $0 }) { try await Task.sleep(for: .milliseconds(2)) }
                    return [.success("opened")]
                }
                batches.withLockedValue { $0.append(items) }
                if items == ["bad"] { return [.failure(Failure())] }
                for item in items {
                    if item == "bad" { throw Failure() }
                    try await db.sql().raw("INSERT INTO committed_items (name) VALUES (\(bind: item))").run()
                }
                return items.map { .success("stored \($0)") }
            }
            let items = (0..<20).map { "item-\($0)" } + ["bad"] + (20..<40).map { "item-\($0)" }
            let gate = Task { try await committer.submit("gate") }
            while !gateOpen.withLockedValue({ $0 }) { try await Task.sleep(for: .milliseconds(2)) } // the gate alone is being committed
            let answers = await withTaskGroup(of: (String, Bool).self) { group in
                for item in items {
                    group.addTask { ((try? await committer.submit(item)) ?? "failed", item == "bad") }
                }
                while committer.waitingCount < items.count { try? await Task.sleep(for: .milliseconds(2)) }
                released.withLockedValue { $0 = true }
                return await group.reduce(into: [(String, Bool)]()) { $0.append($1) }
            }
            #expect(try await gate.value == "opened")
            #expect(answers.filter { $0.1 }.map(\.0) == ["failed"])
            #expect(Set(answers.filter { !$0.1 }.map(\.0)) == Set(items.filter { $0 != "bad" }.map { "stored \($0)" }))
            let stored = try await sql.raw("SELECT name FROM committed_items").all(decoding: [String: String].self).compactMap { $0["name"] }
            #expect(stored.sorted() == items.filter { $0 != "bad" }.sorted())
            // The bad item did share a batch with others, and was then tried alone.
            #expect(batches.withLockedValue { $0.contains { $0.count > 1 && $0.contains("bad") } })
            #expect(batches.withLockedValue { $0.contains { $0 == ["bad"] } })
        }
    }
}
