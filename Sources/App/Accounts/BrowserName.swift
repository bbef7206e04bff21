/// A `User-Agent` header in a few words ("Firefox on Windows"), so the owner can tell their sessions
/// apart at a glance; the whole header stays available beside it.
enum BrowserName {
    static func describe(_ userAgent: String) -> String {
        guard !userAgent.isEmpty else { return "Unknown browser" }
        let browser: String? = first(in: userAgent, [
            ("Edg/", "Edge"), ("OPR/", "Opera"), ("Firefox/", "Firefox"), ("Chromium/", "Chromium"),
            ("Chrome/", "Chrome"), ("CriOS/", "Chrome"), ("Safari/", "Safari"), ("curl/", "curl"),
            ("python-requests/", "Python requests"),
        ])
        let system: String? = first(in: userAgent, [
            ("iPhone", "iPhone"), ("iPad", "iPad"), ("Android", "Android"), ("Windows", "Windows"),
            ("Mac OS X", "macOS"), ("CrOS", "ChromeOS"), ("Linux", "Linux"),
        ])
        switch (browser, system) {
        case let (browser?, system?): return "\(browser) on \(system)"
        case let (browser?, nil): return browser
        case let (nil, system?): return "A browser on \(system)"
        case (nil, nil): return "Unknown browser"
        }
    }

    private static func first(in text: String, _ marks: [(String, String)]) -> String? {
        marks.first { text.contains($0.0) }?.1
    }
}
