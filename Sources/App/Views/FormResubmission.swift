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

    /// The sent form's fields in their order, without its token; nil when the body is not a form.
    static func fields(of request: Request) -> [Field]? {
        guard request.headers.contentType == .urlEncodedForm, let body = request.body.data else { return nil }
        let text = String(decoding: body.readableBytesView, as: UTF8.self)
        return text.split(separator: "&").compactMap { pair -> Field? in
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            let decode = { (raw: Substring) in String(raw).replacingOccurrences(of: "+", with: " ").removingPercentEncoding ?? String(raw) }
            let name = decode(parts[0])
            guard name != "csrf_token", !name.isEmpty else { return nil }
            let value = parts.count > 1 ? decode(parts[1]) : ""
            return Field(name: name, value: value, multiline: value.count > 120 || value.contains("\n"))
        }
    }

    static func render(_ fields: [Field], for request: Request, status: HTTPStatus) async throws -> Response {
        let context = PageContext(page: PageChrome(request: request, title: "Not saved yet"), action: request.url.path, fields: fields)
        return try await request.view.render("form-resubmit", context).encodeResponse(status: status, for: request)
    }
}
