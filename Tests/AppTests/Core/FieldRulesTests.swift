@testable import App
import Testing

@Suite("Field rules")
struct FieldRulesTests {
    @Test(arguments: ["a@b.co", "first.last+tag@mail.example.org", "o'neil@x.io"])
    func emailsAreAccepted(_ email: String) throws {
        #expect(try FieldRules.email(email) == email.lowercased())
    }

    @Test(arguments: ["plain", "a@b", "@b.co", "a@.co", "a@b.", "a b@c.de", "a@b@c.de", "<a>@b.co"])
    func notEmailsAreRefused(_ text: String) {
        #expect(throws: AppError.self) { try FieldRules.email(text) }
    }

    @Test func emptyMeansNoEmail() throws {
        #expect(try FieldRules.email("  ") == "")
    }
}
