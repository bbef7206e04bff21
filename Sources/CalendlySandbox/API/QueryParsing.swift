import Foundation
import Vapor

/// Reading and checking Calendly's query parameters; each bad value is a 400 naming it. Filters
/// sent as a JSON body on a GET are already in the query here (`GETBodyFiltersMiddleware`).
struct QueryReader {
    let request: Request
    let wire: Wire

    func string(_ name: String) -> String? {
        guard let value = request.query[String.self, at: name], !value.isEmpty else { return nil }
        return value
    }

    func bool(_ name: String) throws(CalendlyError) -> Bool? {
        guard let raw = string(name) else { return nil }
        switch raw.lowercased() {
        case "true": return true
        case "false": return false
        default: throw .invalidArgument(name, "\(name) must be true or false")
        }
    }

    func oneOf(_ name: String, _ allowed: [String]) throws(CalendlyError) -> String? {
        guard let raw = string(name) else { return nil }
        guard allowed.contains(raw) else {
            throw .invalidArgument(name, "\(name) must be one of: \(allowed.joined(separator: ", "))")
        }
        return raw
    }

    func date(_ name: String) throws(CalendlyError) -> Date? {
        guard let raw = string(name) else { return nil }
        guard let date = CalendlyTime.parse(raw) else {
            throw .invalidArgument(name, "\(name) must be an ISO 8601 time in UTC")
        }
        return date
    }

    /// `sort=<field>:<asc|desc>`; returns true for descending.
    func sortDescending(field: String, default defaultDescending: Bool = false) throws(CalendlyError) -> Bool {
        guard let raw = string("sort") else { return defaultDescending }
        let parts = raw.split(separator: ":", omittingEmptySubsequences: false).map(String.init)
        guard parts.first == field, parts.count <= 2 else {
            throw .invalidArgument("sort", "sort must be \(field):asc or \(field):desc")
        }
        guard parts.count == 2 else { return false }
        switch parts[1] {
        case "asc": return false
        case "desc": return true
        default: throw .invalidArgument("sort", "sort must be \(field):asc or \(field):desc")
        }
    }

    /// A `user=` filter: a user URI, and it must be the sandbox's one user.
    func user() throws(CalendlyError) -> String? {
        guard let raw = string("user") else { return nil }
        guard raw.hasPrefix("\(wire.base)/users/") || raw.hasPrefix("http") else {
            throw .invalidArgument("user", "user must be a valid user URI")
        }
        guard raw == wire.userURI else { throw .permissionDenied("This user is not in your organization") }
        return raw
    }

    /// An `organization=` filter: it must be the sandbox's organization.
    func organization() throws(CalendlyError) -> String? {
        guard let raw = string("organization") else { return nil }
        guard raw.hasPrefix("http") else {
            throw .invalidArgument("organization", "organization must be a valid organization URI")
        }
        guard raw == wire.organizationURI else { throw .permissionDenied() }
        return raw
    }
}

extension Request {
    /// Decodes a JSON body leniently; an empty body decodes from `{}`.
    func calendlyBody<T: Decodable>(_ type: T.Type) throws(CalendlyError) -> T {
        let bytes = body.data.map { Data($0.readableBytesView) } ?? Data()
        do {
            return try JSONDecoder().decode(T.self, from: bytes.isEmpty ? Data("{}".utf8) : bytes)
        } catch {
            throw .invalidArgument(nil, "The request body is not valid JSON for this call.")
        }
    }
}
