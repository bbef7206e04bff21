import Vapor

/// Serves the API description kept in `Resources/openapi.json`; a test checks real answers against it.
struct OpenAPIController {
    let body: ByteBuffer

    /// Read once at start-up: a missing file stops the app rather than answering 500s later.
    init(directory: DirectoryConfiguration) throws {
        let path = directory.resourcesDirectory + "openapi.json"
        guard let data = FileManager.default.contents(atPath: path) else {
            throw CommandFailure("The API description is missing at \(path)")
        }
        body = ByteBuffer(data: data)
    }

    func document(req: Request) -> Response {
        Response(status: .ok, headers: ["Content-Type": "application/json"], body: .init(buffer: body))
    }
}
