@testable import App
import Foundation
import Testing

@Suite("Configuration")
struct ConfigurationTests {
    @Test func defaultsNeedNoEnvironment() throws {
        let config = try AppConfig.load(from: [:])
        #expect(config.database == .sqliteFile("crm.sqlite"))
        #expect(config.calendly.apiBaseURL.absoluteString == "https://api.calendly.com")
        #expect(config.calendly.syncIntervalMinutes == 15)
        #expect(!config.calendly.isConfigured)
    }

    @Test func readsEveryVariable() throws {
        let config = try AppConfig.load(from: [
            "DATABASE_URL": "postgres://crm@127.0.0.1:5432/crm",
            "PUBLIC_BASE_URL": "https://crm.example.com",
            "CALENDLY_API_KEY": "key", "CALENDLY_WEBHOOK_SECRET": "secret",
            "CALENDLY_ORGANIZATION_URI": "https://api.calendly.com/organizations/ORG",
            "CALENDLY_TOPIC_QUESTION": "What should we discuss?", "CALENDLY_SYNC_INTERVAL": "0",
        ])
        #expect(config.database == .postgres("postgres://crm@127.0.0.1:5432/crm"))
        #expect(config.usesHTTPS)
        #expect(config.calendly.apiKey == "key")
        #expect(config.calendly.topicQuestion == "What should we discuss?")
        #expect(config.calendly.syncIntervalMinutes == 0)
        #expect(config.webhookURL == "https://crm.example.com/api/calendar/webhook/calendly")
    }

    @Test func badValuesAreAllNamed() {
        #expect {
            try AppConfig.load(from: ["DATABASE_URL": "mysql://x", "CALENDLY_SYNC_INTERVAL": "often", "PUBLIC_BASE_URL": "not a url"])
        } throws: { error in
            let problems = (error as? ConfigurationError)?.problems.joined(separator: "\n") ?? ""
            return problems.contains("DATABASE_URL") && problems.contains("CALENDLY_SYNC_INTERVAL") && problems.contains("PUBLIC_BASE_URL")
        }
    }
}

@Suite("Date-time input")
struct DateInputTests {
    @Test(arguments: [
        ("2024-11-28T09:00:00.000000Z", "2024-11-28T09:00:00Z"),
        ("2024-11-28T09:00:00Z", "2024-11-28T09:00:00Z"),
        ("2024-11-28T10:00:00+01:00", "2024-11-28T09:00:00Z"),
        ("2024-11-28t09:00:00z", "2024-11-28T09:00:00Z"),
        ("4300-09-10T13:38:58-21:35", "4300-09-11T11:13:58Z"),
    ])
    func acceptsRFC3339(text: String, utc: String) throws {
        #expect(ISO8601.format(try #require(ISO8601.parse(text))) == utc)
    }

    @Test(arguments: ["tomorrow", "2024-13-01T00:00:00Z", "2024-02-30T00:00:00Z", "2024-11-28T24:00:00Z", "2024-11-28T09:00:00+24:00", "2024-11-28"])
    func refusesWhatIsNotADateTime(text: String) {
        #expect(ISO8601.parse(text) == nil)
    }
}
