import Foundation

/// Checks shared by the API and the forms, so both refuse the same input with the same words.
enum FieldRules {
    /// The longest each kind of text may be, in Unicode scalars (SPEC section 2).
    enum Limit {
        static let name = 200
        static let consultationType = 200
        static let topic = 500
        static let phone = 50
        /// The owner's prose: notes and follow-up notes.
        static let prose = 100_000
        /// One follow-up: a sentence or two, not an essay.
        static let followUp = 2_000
    }

    static func requiredText(_ value: String?, field: String, maxLength: Int) throws -> String {
        let text = (value ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
        guard !text.isEmpty else { throw AppError.invalid(field: field, message: "is required") }
        return try optionalText(text, field: field, maxLength: maxLength)
    }

    /// Counts Unicode scalars, not grapheme clusters: one letter with 400,000 combining marks is
    /// one grapheme but 800 KB. The UTF-8 size is bounded too (at most 4 bytes a scalar).
    /// Line breaks are stored as `\n`: browsers send a text area's as `\r\n`.
    static func optionalText(_ value: String?, field: String, maxLength: Int) throws -> String {
        var text = (value ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
        if text.utf8.contains(UInt8(ascii: "\r")) {
            text = text.replacingOccurrences(of: "\r\n", with: "\n").replacingOccurrences(of: "\r", with: "\n")
        }
        guard text.utf8.count <= maxLength * 4, text.unicodeScalars.count <= maxLength else {
            throw AppError.invalid(field: field, message: "must be at most \(maxLength.formatted()) characters (this is \(text.unicodeScalars.count.formatted()))")
        }
        return text
    }

    /// An IANA time zone name (`Europe/Berlin`), or empty for none.
    static func optionalTimeZone(_ value: String?) throws -> String {
        let name = (value ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
        guard !name.isEmpty else { return "" }
        guard name.utf8.count <= 64 else {
            throw AppError.invalid(field: "time_zone", message: "is not a time zone name such as Europe/Berlin or UTC")
        }
        return try timeZone(name)
    }

    /// An email as stored and compared: trimmed and lower-cased.
    static func normalizedEmail(_ email: String) -> String {
        email.trimmingCharacters(in: .whitespacesAndNewlines).lowercased()
    }

    /// An email address or nothing; stored lower-cased.
    static func email(_ value: String?, field: String = "email") throws -> String {
        let text = FieldRules.normalizedEmail(value ?? "")
        guard !text.isEmpty else { return "" }
        guard text.utf8.count <= 254, isEmailShaped(text) else {
            throw AppError.invalid(field: field, message: "is not an email address")
        }
        return text
    }

    /// `local@domain.tld`: one `@`, a dot in the domain with text on both sides, and no spaces,
    /// control characters or `<>()` anywhere. Checked by hand: it runs for every webhook delivery.
    static func isEmailShaped(_ text: String) -> Bool {
        let forbidden: Set<Character> = ["<", ">", "(", ")"]
        guard !text.contains(where: { $0.isWhitespace || forbidden.contains($0) }),
              !text.unicodeScalars.contains(where: { $0.value < 0x20 || (0x7F...0x9F).contains($0.value) }) else { return false }
        let parts = text.split(separator: "@", omittingEmptySubsequences: false)
        guard parts.count == 2, !parts[0].isEmpty, let dot = parts[1].lastIndex(of: ".") else { return false }
        let domain = parts[1]
        return dot != domain.startIndex && domain.index(after: dot) != domain.endIndex
    }

    /// A meeting length: a whole, positive number of minutes, at most a day.
    static func duration(_ value: Int, field: String = "duration") throws -> Int {
        guard (1...1440).contains(value) else {
            throw AppError.invalid(field: field, message: "must be a positive number of minutes, at most 1440")
        }
        return value
    }

    static func status(_ value: String, field: String = "status", allowed: [ConsultationStatus] = ConsultationStatus.allCases) throws -> ConsultationStatus {
        guard let status = ConsultationStatus(rawValue: value), allowed.contains(status) else {
            let names = allowed.map(\.rawValue).joined(separator: ", ")
            throw AppError.invalid(field: field, message: "must be one of \(names)")
        }
        return status
    }

    /// A calendar date written `YYYY-MM-DD` that exists (no 30 February); nil is no date. (A form's
    /// empty date field means no date; its page says so before calling this.)
    static func date(_ value: String?, field: String) throws -> String? {
        guard let value else { return nil }
        let text = value.trimmingCharacters(in: .whitespaces)
        let parts = text.split(separator: "-", omittingEmptySubsequences: false)
        guard text.utf8.count == 10, parts.count == 3, parts[0].count == 4, parts[1].count == 2, parts[2].count == 2,
              parts.allSatisfy({ $0.allSatisfy(\.isASCII) && $0.allSatisfy(\.isNumber) }),
              let year = Int(parts[0]), let month = Int(parts[1]), let day = Int(parts[2]),
              (1...12).contains(month), day >= 1, day <= RFC3339.daysIn(month: month, year: year), year >= 1
        else {
            throw AppError.invalid(field: field, message: "must be a date written YYYY-MM-DD, such as 2027-01-31")
        }
        return text
    }


    static func uuid(_ value: String?, field: String) throws -> UUID {
        guard let value, let id = UUID(uuidString: value) else {
            throw AppError.badRequest(field: field, message: "is not a UUID")
        }
        return id
    }

    static func timeZone(_ value: String?, field: String = "time_zone") throws -> String {
        let text = (value ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
        guard !text.isEmpty, TimeZone(identifier: text) != nil else {
            throw AppError.invalid(field: field, message: "is not a time zone name such as Europe/Berlin or UTC")
        }
        return text
    }
}

// MARK: - Collecting every error

/// Collects every field's error so a form can show them all at once, beside their fields.
struct FieldErrors {
    private(set) var byField: [(field: String, message: String)] = []

    mutating func add(field: String, _ message: String) {
        byField.append((field, message))
    }

    /// The value `check` returns, or nil with its error kept.
    mutating func collect<T>(_ check: () throws -> T) -> T? {
        do {
            return try check()
        } catch let error as AppError {
            if let field = error.field, let message = error.fieldMessage { add(field: field, message) } else { add(field: "form", error.reason) }
            return nil
        } catch {
            add(field: "form", "\(error)")
            return nil
        }
    }

    /// Throws one error that carries them all (the first names the field for the API).
    func throwIfAny() throws {
        guard let first = byField.first else { return }
        throw AppError.invalidFields(first: first.field, message: first.message, all: byField.map { [$0.field: $0.message] }.reduce(into: [:]) { $0.merge($1) { old, _ in old } })
    }
}
