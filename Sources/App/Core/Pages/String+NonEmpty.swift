import Foundation

extension String {
    /// nil for an empty or blank string. Leaf treats every non-nil string as true in `#if`,
    /// so optional text reaches templates as nil when there is nothing to show.
    ///
    /// Blank is Foundation's `.whitespacesAndNewlines`, asked scalar by scalar: trimming copied the
    /// string through NSString first, and cost a search result more than its title did.
    var nonEmpty: String? {
        unicodeScalars.allSatisfy(Self.blank.contains) ? nil : self
    }

    private static let blank = CharacterSet.whitespacesAndNewlines
}

extension Optional where Wrapped == String {
    var nonEmpty: String? { self?.nonEmpty }
}
