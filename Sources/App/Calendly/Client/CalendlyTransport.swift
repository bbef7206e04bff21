import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1

/// One HTTP exchange with Calendly. The client builds requests and reads answers; only this moves bytes,
/// so tests can swap it while keeping every wire detail real.
protocol CalendlyTransport: Sendable {
    func send(_ request: CalendlyHTTPRequest) async throws -> CalendlyHTTPResponse
}

struct CalendlyHTTPRequest: Sendable {
    var method: HTTPMethod
    var url: String
    var headers: HTTPHeaders
    var body: Data?
}

struct CalendlyHTTPResponse: Sendable {
    var status: Int
    var headers: HTTPHeaders
    var body: Data
}

/// The real thing: AsyncHTTPClient with a deadline; network failures become `CalendlyError`s.
struct LiveCalendlyTransport: CalendlyTransport {
    let client: HTTPClient
    /// Names the app and this process, so the sandbox's request log (and Calendly's side) can tell
    /// instances apart.
    static let userAgent = "personal-crm (pid \(ProcessInfo.processInfo.processIdentifier))"
    var timeout: TimeAmount = .seconds(15)
    var maxBodyBytes = 16 * 1024 * 1024

    func send(_ request: CalendlyHTTPRequest) async throws -> CalendlyHTTPResponse {
        var outgoing = HTTPClientRequest(url: request.url)
        outgoing.method = request.method
        outgoing.headers = request.headers
        outgoing.headers.replaceOrAdd(name: "User-Agent", value: Self.userAgent)
        if let body = request.body { outgoing.body = .bytes(ByteBuffer(data: body)) }
        do {
            let response = try await client.execute(outgoing, timeout: timeout)
            let body = try await response.body.collect(upTo: maxBodyBytes)
            return CalendlyHTTPResponse(status: Int(response.status.code), headers: response.headers, body: Data(buffer: body))
        } catch let error as HTTPClientError where error == .deadlineExceeded || error == .readTimeout || error == .connectTimeout {
            throw CalendlyError.timedOut
        } catch let error as HTTPClientError {
            throw CalendlyError.unreachable(String(describing: error))
        } catch let error as CalendlyError {
            throw error
        } catch {
            throw CalendlyError.unreachable(String(describing: error))
        }
    }
}
