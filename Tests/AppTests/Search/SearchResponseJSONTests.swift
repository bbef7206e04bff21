@testable import App
import Foundation
import NIOCore
import Testing

/// The hand-written answer of `GET /api/search` is byte for byte what Foundation's encoder makes of
/// the same response (`PlainJSON`), whatever the text holds.
@Suite("Search answers written by hand")
struct SearchResponseJSONTests {
    /// Every ASCII character (the control characters, quotes, backslashes and slashes among them),
    /// and text beyond ASCII that some encoders escape and this one must not.
    static let awkwardText: String = {
        var text = String(String.UnicodeScalarView((0..<0x80).map { Unicode.Scalar(UInt8($0)) }))
        text += " é ü ß 😀 👩🏽‍🏫 \u{2028}\u{2029}\u{FEFF} 中文 «»"
        return text
    }()

    static func result(_ kind: SearchKind, title: String, snippet: String, date: Date) -> SearchResult {
        SearchResult(kind: kind, id: UUID(), studentID: UUID(), title: title, snippet: snippet, date: date)
    }

    static let responses: [SearchResponse] = [
        SearchResponse(results: []),
        SearchResponse(results: [], indexing: true),
        SearchResponse(results: [
            result(.consultation, title: "Scholarship essay · Ana Lindqvist", snippet: "…the \"dead\" plan, a/b\\c…",
                   date: Date(timeIntervalSince1970: 1_790_000_000.75)),
            result(.student, title: awkwardText, snippet: awkwardText, date: Date(timeIntervalSince1970: -1)),
            result(.followUp, title: "", snippet: "", date: Date(timeIntervalSince1970: 0)),
        ], indexing: true),
        SearchResponse(results: (0..<100).map {
            result(SearchKind.allCases[$0 % 3], title: "Student \($0)\n\t", snippet: String(repeating: "word ", count: $0),
                   date: Date(timeIntervalSinceReferenceDate: Double($0) * 86_400.5))
        }),
    ]

    @Test("matches Foundation's encoder", arguments: responses.indices)
    func matchesFoundationsEncoder(_ index: Int) throws {
        let response = Self.responses[index]
        let expected = try PlainJSON.encode(response)
        let written = response.json
        let bytes = Data(written.readableBytesView)
        #expect(String(decoding: bytes, as: UTF8.self) == String(decoding: expected, as: UTF8.self))
        #expect(bytes == expected)
    }

    @Test("reads back as the response it was written from")
    func readsBack() throws {
        let response = Self.responses[2]
        let written = response.json
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .iso8601
        let read = try decoder.decode(SearchResponse.self, from: Data(written.readableBytesView))
        #expect(read.indexing == true)
        #expect(read.results.map(\.title) == response.results.map(\.title))
        #expect(read.results.map(\.snippet) == response.results.map(\.snippet))
        #expect(read.results.map(\.id) == response.results.map(\.id))
    }
}
