@testable import App
import AsyncHTTPClient
import Foundation
import NIOConcurrencyHelpers
import NIOCore
import NIOHTTP1
import Vapor

/// A `CalendlyTransport` around another one (usually the live transport to a sandbox): records every
/// request that crosses the seam, and can answer some itself (`answer` returns nil to pass through).
final class RecordingTransport: CalendlyTransport {
    typealias Answer = @Sendable (CalendlyHTTPRequest) -> CalendlyHTTPResponse?
    private let inner: (any CalendlyTransport)?
    private let state = NIOLockedValueBox<(requests: [CalendlyHTTPRequest], answer: Answer?)>(([], nil))

    init(_ inner: (any CalendlyTransport)? = nil, answer: Answer? = nil) {
        self.inner = inner
        state.withLockedValue { $0.answer = answer }
    }

    /// The live transport, as `configure` sets it up, with a shorter deadline when a test needs one.
    static func live(timeout: TimeAmount = .seconds(15), answer: Answer? = nil) -> RecordingTransport {
        RecordingTransport(LiveCalendlyTransport(client: HTTPClient.shared, timeout: timeout), answer: answer)
    }

    var requests: [CalendlyHTTPRequest] { state.withLockedValue { $0.requests } }
    var paths: [String] { requests.map { URLComponents(string: $0.url)?.path ?? $0.url } }

    func answer(with answer: Answer?) {
        state.withLockedValue { $0.answer = answer }
    }

    func send(_ request: CalendlyHTTPRequest) async throws -> CalendlyHTTPResponse {
        let answer = state.withLockedValue { value -> Answer? in
            value.requests.append(request)
            return value.answer
        }
        if let response = answer?(request) { return response }
        guard let inner else { return .json(404, #"{"title":"Resource Not Found","message":"no stub"}"#) }
        return try await inner.send(request)
    }
}

extension CalendlyHTTPResponse {
    static func json(_ status: Int, _ body: String, headers: [(String, String)] = []) -> CalendlyHTTPResponse {
        CalendlyHTTPResponse(status: status, headers: HTTPHeaders([("Content-Type", "application/json")] + headers), body: Data(body.utf8))
    }
}

/// Waits the client was asked to make, recorded instead of slept.
final class SleepRecorder: Sendable {
    private let box = NIOLockedValueBox<[Int]>([])
    var waits: [Int] { box.withLockedValue { $0 } }
    var sleep: @Sendable (Int) async throws -> Void {
        { [box] seconds in box.withLockedValue { $0.append(seconds) } }
    }
}

extension Application {
    /// Puts `transport` behind the app's Calendly seam (with a fresh cache), keeping everything else live.
    func useCalendly(_ transport: any CalendlyTransport, sleeps: SleepRecorder = SleepRecorder()) {
        calendly = CalendlyAccess(transport: transport, sleep: sleeps.sleep)
    }
}
