import Foundation
import Testing
@testable import CalendlySandbox

@Suite("Misbehaviour")
struct MisbehaviourTests {
    @Test("rate 1 of 429s: every API answer is 429 with X-RateLimit-Reset")
    func tooManyRequests() async throws {
        try await withSandbox(SandboxOptions(misbehaviour: Misbehaviour(rateLimitRate: 1))) { sandbox in
            let answer = try await sandbox.get("/users/me")
            #expect(answer.status == 429)
            #expect(Int(answer.headers.first(name: "X-RateLimit-Reset") ?? "") ?? 0 >= 1)
            #expect(answer.headers.first(name: "X-RateLimit-Remaining") == "0")
            #expect(answer.json["title"] as? String == "Too Many Requests")
        }
    }

    @Test("the real budget runs out: the request past the limit is a 429")
    func budget() async throws {
        try await withSandbox(SandboxOptions(rateLimitPerMinute: 3)) { sandbox in
            for _ in 0..<3 { #expect(try await sandbox.get("/users/me").status == 200) }
            let over = try await sandbox.get("/users/me")
            #expect(over.status == 429)
            #expect(over.headers.first(name: "X-RateLimit-Remaining") == "0")
        }
    }

    @Test("rate 1 of 5xx: answers are 500, 502 or 503")
    func serverErrors() async throws {
        try await withSandbox(SandboxOptions(misbehaviour: Misbehaviour(serverErrorRate: 1))) { sandbox in
            for _ in 0..<5 {
                let status = try await sandbox.get("/users/me").status
                #expect([500, 502, 503].contains(status))
            }
        }
    }

    @Test("slow answers arrive after the delay")
    func slow() async throws {
        try await withSandbox(SandboxOptions(misbehaviour: Misbehaviour(slowRate: 1, slowDelay: 0.4))) { sandbox in
            let started = Date()
            let status = try await sandbox.get("/users/me").status
            let elapsed = Date().timeIntervalSince(started)
            #expect(status == 200)
            #expect(elapsed >= 0.4)
        }
    }

    @Test("malformed JSON: a 200 whose body does not parse")
    func malformed() async throws {
        try await withSandbox(SandboxOptions(misbehaviour: Misbehaviour(malformedJSONRate: 1))) { sandbox in
            let answer = try await sandbox.get("/users/me")
            #expect(answer.status == 200)
            #expect((try? JSONSerialization.jsonObject(with: Data(answer.body.utf8))) == nil)
        }
    }

    @Test("faults repeat for the same seed and can be set and cleared at run time")
    func deterministicAndSettable() async throws {
        func statuses(seed: UInt64) async throws -> [Int] {
            var result: [Int] = []
            try await withSandbox(SandboxOptions(seed: seed, misbehaviour: Misbehaviour(serverErrorRate: 0.5))) { sandbox in
                for _ in 0..<12 { result.append(try await sandbox.get("/users/me").status) }
            }
            return result
        }
        let first = try await statuses(seed: 3)
        #expect(try await statuses(seed: 3) == first)
        #expect(first.contains(200) && first.contains { $0 >= 500 })

        try await withSandbox { sandbox in
            let set = try await sandbox.call(.POST, "/_sandbox/misbehaviour", json: #"{"rate_limit_rate":1}"#, authorized: false)
            #expect(set.json["rate_limit_rate"] as? Double == 1)
            #expect(try await sandbox.get("/users/me").status == 429)
            _ = try await sandbox.call(.POST, "/_sandbox/misbehaviour", json: #"{"reset":true}"#, authorized: false)
            #expect(try await sandbox.get("/users/me").status == 200)
            let bad = try await sandbox.call(.POST, "/_sandbox/misbehaviour", json: #"{"nonsense":1}"#, authorized: false)
            #expect(bad.status == 400)
            await sandbox.server.setMisbehaviour(Misbehaviour(serverErrorRate: 1))
            #expect(try await sandbox.get("/users/me").status >= 500)
        }
    }
}
