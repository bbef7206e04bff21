import NIOConcurrencyHelpers
import Vapor

/// Makes identical bookings happen once: a request that matches one on its way waits for that one
/// and gets its consultation; one that matches a booking made in the last minute (a form sent
/// again) gets that booking's consultation without asking Calendly again.
final class BookingsInFlight: Sendable {
    private struct State {
        var running: [BookingKey: Task<UUID, any Error>] = [:]
        var done: [BookingKey: (id: UUID, at: Date)] = [:]
    }
    private let state = NIOLockedValueBox(State())
    static let remembered: TimeInterval = 60

    func once(_ key: BookingKey, now: Date = Date(), _ work: @escaping @Sendable () async throws -> UUID) async throws -> UUID {
        let found = state.withLockedValue { state -> Result<Task<UUID, any Error>, Done> in
            state.done = state.done.filter { now.timeIntervalSince($0.value.at) < Self.remembered }
            if let done = state.done[key] { return .failure(Done(id: done.id)) }
            if let running = state.running[key] { return .success(running) }
            let task = Task { try await work() }
            state.running[key] = task
            return .success(task)
        }
        let task: Task<UUID, any Error>
        switch found {
        case .failure(let done): return done.id
        case .success(let running): task = running
        }
        do {
            let id = try await task.value
            state.withLockedValue { state in
                state.running[key] = nil
                state.done[key] = (id, Date())
            }
            return id
        } catch {
            state.withLockedValue { $0.running[key] = nil }
            throw error
        }
    }
}

/// A booking already made, carried out of the lock.
private struct Done: Error {
    var id: UUID
}

extension Application {
    private struct BookingsInFlightKey: StorageKey { typealias Value = BookingsInFlight }

    var bookingsInFlight: BookingsInFlight {
        get {
            guard let value = storage[BookingsInFlightKey.self] else {
                preconditionFailure("configure(_:config:) sets up bookingsInFlight")
            }
            return value
        }
        set { storage[BookingsInFlightKey.self] = newValue }
    }
}
