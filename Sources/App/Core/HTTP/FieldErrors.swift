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
