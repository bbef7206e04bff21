import Vapor

/// Serves the widget (at Calendly's paths) and the pages' own script and styles.
struct AssetRoutes {
    func register(on app: Application) {
        app.get("assets", "external", "widget.js") { _ in Self.file(WidgetScript.source, .init(type: "application", subType: "javascript", parameters: ["charset": "utf-8"])) }
        app.get("assets", "external", "widget.css") { _ in Self.file(WidgetScript.css, .init(type: "text", subType: "css", parameters: ["charset": "utf-8"])) }
        app.get("assets", "booking.js") { _ in Self.file(BookingScript.source, .init(type: "application", subType: "javascript", parameters: ["charset": "utf-8"])) }
        app.get("assets", "booking.css") { _ in Self.file(BookingScript.css, .init(type: "text", subType: "css", parameters: ["charset": "utf-8"])) }
        app.get("assets", "test-page.js") { _ in Self.file(TestPage.script, .init(type: "application", subType: "javascript", parameters: ["charset": "utf-8"])) }
    }

    private static func file(_ text: String, _ type: HTTPMediaType) -> Response {
        var headers = HTTPHeaders()
        headers.contentType = type
        headers.replaceOrAdd(name: .cacheControl, value: "no-cache")
        // Any page may load the widget, as any site may load Calendly's.
        headers.replaceOrAdd(name: .accessControlAllowOrigin, value: "*")
        return Response(status: .ok, headers: headers, body: .init(string: text))
    }
}
