import Vapor

/// The frame of every sandbox page. All user-provided text must already be escaped with
/// `HTML.escape` by the caller; attributes given here are escaped again on the way in.
struct Page {
    var title: String
    var kind: String
    var attributes: [String: String] = [:]
    var body: String
    var status: HTTPResponseStatus = .ok

    func response() -> Response {
        let attrs = attributes.sorted { $0.key < $1.key }
            .map { " \($0.key)=\"\(HTML.escape($0.value))\"" }.joined()
        let html = """
        <!doctype html>
        <html lang="en">
        <head>
        <meta charset="utf-8">
        <meta name="viewport" content="width=device-width, initial-scale=1">
        <title>\(HTML.escape(title)) - Calendly sandbox</title>
        <link rel="stylesheet" href="/assets/booking.css">
        <script src="/assets/booking.js" defer></script>
        </head>
        <body data-page="\(HTML.escape(kind))"\(attrs)>
        <div class="banner">Calendly sandbox: an offline stand-in for Calendly. Nothing here reaches Calendly.</div>
        <main>
        \(body)
        </main>
        </body>
        </html>
        """
        var headers = HTTPHeaders()
        headers.contentType = .html
        // Scripts and styles come from files only; any page may frame these, as Calendly's embeds are framed.
        headers.replaceOrAdd(name: "Content-Security-Policy", value:
            "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; form-action 'self'; base-uri 'none'; frame-ancestors *")
        headers.replaceOrAdd(name: "X-Content-Type-Options", value: "nosniff")
        return Response(status: status, headers: headers, body: .init(string: html))
    }

    static func notFound(_ message: String) -> Response {
        Page(title: "Not found", kind: "not-found", body: "<h1>Not found</h1><p>\(HTML.escape(message))</p>",
             status: .notFound).response()
    }
}
