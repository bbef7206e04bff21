extension String {
    /// nil for an empty or blank string. Leaf treats every non-nil string as true in `#if`,
    /// so optional text reaches templates as nil when there is nothing to show.
    var nonEmpty: String? {
        trimmingCharacters(in: .whitespacesAndNewlines).isEmpty ? nil : self
    }
}

extension Optional where Wrapped == String {
    var nonEmpty: String? { self?.nonEmpty }
}
