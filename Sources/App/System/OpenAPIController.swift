import Vapor

/// Serves the API description kept in `Resources/openapi.json`; a test checks real answers against it.
enum OpenAPIController {
    static func boot(_ routes: any RoutesBuilder, directory: DirectoryConfiguration) throws {
        let path = directory.resourcesDirectory + "openapi.json"
        guard let data = FileManager.default.contents(atPath: path) else {
            throw CommandFailure("The API description is missing at \(path)")
        }
        let body = ByteBuffer(data: data)
        routes.get(.apiOpenAPI) { _ in
            Response(status: .ok, headers: ["Content-Type": "application/json"], body: .init(buffer: body))
        }
    }
}
