@testable import App
import NIOConcurrencyHelpers
import NIOCore
import NIOPosix
import SQLKit
import Testing
import Vapor
import VaporTesting

/// Callers that miss a kept value together build it once (`VersionedCache.sharedBuild`), and only
/// callers at the same data version share: a value is never older than the version it is served at.
@Suite("Shared builds")
struct SharedBuildTests {
    /// Runs `body` with a one-thread event loop, a cache and a controlled build on it; answers any
    /// build left waiting and shuts the loop down, whether `body` passed or failed.
    private func onOneLoop(_ body: (any EventLoop, VersionedCache<String, String>, ControlledFutures<String>) async throws -> Void) async throws {
        let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        let loop = group.next()
        let builds = ControlledFutures<String>(eventLoop: loop)
        do {
            try await body(loop, VersionedCache<String, String>(), builds)
        } catch {
            builds.answerAll(with: "")
            try await group.shutdownGracefully()
            throw error
        }
        try await group.shutdownGracefully()
    }

    @Test func callersOfOneKeyAtOneVersionShareOneBuild() async throws {
        try await onOneLoop { loop, cache, builds in
            // when: five callers miss "today" at version 7 while its build runs, and one asks for another key
            let futures = (0..<5).map { _ in cache.sharedBuild(of: "today", version: 7, on: loop, builds.start) }
            let other = cache.sharedBuild(of: "brief", version: 7, on: loop, builds.start)

            // then: one build for "today", one for "brief", and every caller gets its key's value
            try #require(builds.starts == 2)
            try builds.answer(0, value: "today at 7")
            try builds.answer(1, value: "brief at 7")
            for future in futures { #expect(try await future.get() == "today at 7") }
            #expect(try await other.get() == "brief at 7")
        }
    }

    @Test func aCallerAtAnotherVersionBuildsItsOwn() async throws {
        try await onOneLoop { loop, cache, builds in
            // given: a build at version 7 under way
            let atSeven = cache.sharedBuild(of: "today", version: 7, on: loop, builds.start)

            // when: a caller at 8 (a change was committed), then late callers at 7 and at 8
            let atEight = cache.sharedBuild(of: "today", version: 8, on: loop, builds.start)
            let lateAtSeven = cache.sharedBuild(of: "today", version: 7, on: loop, builds.start)
            let lateAtEight = cache.sharedBuild(of: "today", version: 8, on: loop, builds.start)

            // then: the caller at 8 did not get the build begun before the change; the late one at 7
            // built alone rather than take 8's place; the late one at 8 shared 8's build
            try #require(builds.starts == 3)
            try builds.answer(0, value: "at 7")
            try builds.answer(1, value: "at 8")
            try builds.answer(2, value: "late at 7")
            #expect(try await atSeven.get() == "at 7")
            #expect(try await atEight.get() == "at 8")
            #expect(try await lateAtSeven.get() == "late at 7")
            #expect(try await lateAtEight.get() == "at 8")
        }
    }

    @Test func aFinishedBuildIsNotSharedAgain() async throws {
        try await onOneLoop { loop, cache, builds in
            let first = cache.sharedBuild(of: "today", version: 7, on: loop, builds.start)
            try builds.answer(0, value: "first")
            #expect(try await first.get() == "first")

            // Kept values are the cache's job; a build once finished answers no later caller.
            let second = cache.sharedBuild(of: "today", version: 7, on: loop, builds.start)
            try #require(builds.starts == 2)
            try builds.answer(1, value: "second")
            #expect(try await second.get() == "second")
        }
    }

    @Test func aFailedBuildFailsItsCallersAndTheNextCallBuildsAgain() async throws {
        struct Unreachable: Error {}
        try await onOneLoop { loop, cache, builds in
            let failing = (0..<3).map { _ in cache.sharedBuild(of: "today", version: 7, on: loop) { loop.makeFailedFuture(Unreachable()) } }
            for future in failing { await #expect(throws: Unreachable.self) { try await future.get() } }
            let next = cache.sharedBuild(of: "today", version: 7, on: loop) { loop.makeSucceededFuture("built again") }
            let value = try await next.get()
            #expect(value == "built again")
        }
    }

    /// At the level requests meet it: requests that miss a kept JSON answer together build it once;
    /// one asked afresh, and one after a change, build their own.
    @Test func requestsThatMissTogetherBuildTheAnswerOnce() async throws {
        try await withTestApp { t in
            // given: requests on one event loop that have read the data version, and a build held open
            let loop = t.app.eventLoopGroup.next()
            let cache = VersionedCache<String, ByteBuffer>()
            let builds = NIOLockedValueBox([(version: Int64, promise: EventLoopPromise<ByteBuffer>)]())
            let build: @Sendable (Int64) -> EventLoopFuture<ByteBuffer> = { version in
                let promise = loop.makePromise(of: ByteBuffer.self)
                builds.withLockedValue { $0.append((version, promise)) }
                return promise.futureResult
            }
            func requests(_ count: Int) async throws -> [Request] {
                let made = (0..<count).map { _ in Request(application: t.app, on: loop) }
                for request in made { _ = try await request.dataVersion() }
                return made
            }
            func ask(_ request: Request, afresh: Bool = false) async throws -> EventLoopFuture<Response> {
                try await loop.submit { request.cachedJSON("today", in: cache, afresh: afresh, building: build) }.get()
            }

            // when: eight requests miss together, and a ninth asks afresh
            var answers: [EventLoopFuture<Response>] = []
            for request in try await requests(8) { answers.append(try await ask(request)) }
            let afresh = try await ask(try await requests(1)[0], afresh: true)

            // then: one build for the eight, one for the one asked afresh
            let started = builds.withLockedValue { $0 }
            try #require(started.count == 2)
            started[0].promise.succeed(ByteBuffer(string: #"{"built":1}"#))
            started[1].promise.succeed(ByteBuffer(string: #"{"built":2}"#))
            for answer in answers { #expect(try await answer.get().body.string == #"{"built":1}"#) }
            #expect(try await afresh.get().body.string == #"{"built":2}"#)

            // when: a change is committed, and requests miss at the new version while its build runs
            let student = try await Fixtures.student(on: t.app)
            try await t.app.db.sql().raw("UPDATE students SET notes = 'changed' WHERE id = \(bind: try student.requireID())").run()
            let later = try await requests(2)
            let laterAnswers = [try await ask(later[0]), try await ask(later[1])]

            // then: they share a build of their own, at the newer version
            let all = builds.withLockedValue { $0 }
            try #require(all.count == 3)
            #expect(all[2].version > all[0].version)
            all[2].promise.succeed(ByteBuffer(string: #"{"built":3}"#))
            for answer in laterAnswers { #expect(try await answer.get().body.string == #"{"built":3}"#) }
        }
    }
}
