import Foundation

struct SearchPageContext: Encodable {
    let page: PageChrome
    let query: String
    /// False when the query had no words: the page then asks for some instead of saying "nothing found".
    let searched: Bool
    /// Changes still wait to be indexed: the page says results may be missing a few.
    let indexing: Bool
    let results: [SearchResultItem]
}

/// A result as the page shows it: where it leads, what it is, its title and snippet in marked pieces.
struct SearchResultItem: Encodable {
    let kind: String
    let kindLabel: String
    let link: String
    let title: [SearchSnippet.Piece]
    let snippet: [SearchSnippet.Piece]
    let date: String
    let archived: Bool

    init(_ result: SearchResult, _ display: SearchDisplay, words: [String], time: TimeDisplay) {
        kind = result.kind.rawValue
        switch result.kind {
        case .student:
            kindLabel = "Student"
            link = AppRoute.student(result.id).path
            date = "added \(time.day(result.date))"
        case .consultation:
            kindLabel = "Consultation"
            link = AppRoute.consultation(result.id).path
            date = time.format(result.date)
        case .followUp:
            kindLabel = "Follow-up"
            // Follow-ups are listed on their meeting's page, and a student's open ones on theirs.
            link = (display.consultationID.map { AppRoute.consultation($0).path } ?? AppRoute.student(result.studentID).path) + "#follow-ups"
            date = "noted \(time.day(result.date))"
        }
        title = SearchSnippet.marked(result.title, words: words)
        snippet = result.snippet == result.title ? [] : SearchSnippet.marked(result.snippet, words: words)
        archived = display.archived
    }
}
