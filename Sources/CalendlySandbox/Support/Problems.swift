import Foundation

/// The problems found so far in a request body, one `details` entry each, and the readers that
/// add to them, so a handler can report every bad field at once as Calendly does.
struct Problems {
    var details: [CalendlyError.Detail] = []

    mutating func add(_ parameter: String, _ message: String, _ code: String) {
        details.append(.init(parameter: parameter, message: message, code: code))
    }

    /// A non-blank string; a missing, null or blank one is `blank`, anything else `invalid`.
    mutating func requiredString(_ value: JSON?, _ parameter: String) -> String? {
        guard let value, !value.isNull else {
            add(parameter, "\(parameter) is required", "blank")
            return nil
        }
        guard let text = value.stringValue else {
            add(parameter, "\(parameter) must be a string", "invalid")
            return nil
        }
        guard !text.trimmed.isEmpty else {
            add(parameter, "\(parameter) is required", "blank")
            return nil
        }
        return text
    }

    mutating func optionalString(_ value: JSON?, _ parameter: String) -> String? {
        guard let value, !value.isNull else { return nil }
        guard let text = value.stringValue else {
            add(parameter, "\(parameter) must be a string", "invalid")
            return nil
        }
        return text
    }
}

extension String {
    var trimmed: String { trimmingCharacters(in: .whitespacesAndNewlines) }
    var nonBlank: String? { trimmed.isEmpty ? nil : self }
}
