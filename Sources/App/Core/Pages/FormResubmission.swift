import Vapor

/// The page shown when a signed-in owner's form could not be verified: every value they sent, in a
/// form that posts to the same address with a fresh token, so nothing they typed is lost.
enum FormResubmission {
    struct Field: Encodable {
        var name: String
        var value: String
        /// Long or multi-line values get a text area so they can be read and corrected.
        var multiline: Bool
    }

    struct PageContext: Encodable {
        var page: PageChrome
        var action: String
        var fields: [Field]
    }

    /// Fields never written back into a page: secrets.
    static func isSecret(_ name: String) -> Bool {
        let lowered = name.lowercased()
        return lowered.contains("password") || lowered.contains("token")
    }

    /// The sent form's fields in their order, without its token and secrets; nil when the body is
    /// not a form, holds no text to keep, or did not come from one of this app's own pages.
    ///
    /// Only a form the browser says came from this origin (`Sec-Fetch-Site: same-origin`) is offered
    /// again: otherwise a page elsewhere (a sibling subdomain counts) could post fields of its
    /// choosing and have the owner confirm them with one click.
    static func fields(of request: Request) -> [Field]? {
        guard request.headers.first(name: "Sec-Fetch-Site") == "same-origin" else { return nil }
        guard let fields = formFields(of: request), fields.contains(where: { !$0.value.isEmpty }) else { return nil }
        return fields
    }

    private static func formFields(of request: Request) -> [Field]? {
        guard request.headers.contentType == .urlEncodedForm, let body = request.body.data else { return nil }
        let text = String(decoding: body.readableBytesView, as: UTF8.self)
        return text.split(separator: "&").compactMap { pair -> Field? in
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            let decode = { (raw: Substring) in String(raw).replacingOccurrences(of: "+", with: " ").removingPercentEncoding ?? String(raw) }
            let name = decode(parts[0])
            guard name != "csrf_token", !name.isEmpty, !isSecret(name) else { return nil }
            let value = parts.count > 1 ? decode(parts[1]) : ""
            return Field(name: name, value: value, multiline: value.count > 120 || value.contains("\n"))
        }
    }

    static func render(_ fields: [Field], for request: Request, status: HTTPStatus) async throws -> Response {
        // The path as routed: empty segments (`//settings`) would make the action another host's.
        let action = "/" + request.url.path.split(separator: "/", omittingEmptySubsequences: true).joined(separator: "/")
        let context = PageContext(page: PageChrome(request: request, title: "Not saved yet"), action: action, fields: fields)
        return try await request.view.render("form-resubmit", context).encodeResponse(status: status, for: request)
    }
}
