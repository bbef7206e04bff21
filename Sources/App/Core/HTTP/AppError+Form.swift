import Vapor

extension AppError {
    /// The message keyed by field, for showing beside the form field; other errors under `form`.
    var formErrors: [String: String] {
        if case .invalidFields(_, _, let all) = self { return all }
        if let field, let fieldMessage { return [field: fieldMessage] }
        return ["form": reason]
    }
}
