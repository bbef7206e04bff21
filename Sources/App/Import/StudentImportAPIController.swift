import Vapor

/// `POST /api/students/import?dry_run=`: a students CSV (`text/csv`, at most 5 MiB and 10,000
/// rows) planned row by row, and applied all or nothing when `dry_run=false`.
struct StudentImportAPIController {
    func importCSV(req: Request) async throws -> StudentImport.Report {
        // A dry run unless asked otherwise: applying is the step that changes things.
        let dryRun = req.queryReader.string("dry_run") == nil ? true : try req.queryReader.bool("dry_run")
        guard let body = req.body.data, body.readableBytes > 0 else {
            throw AppError.invalid(field: "file", message: "is empty: send the CSV as the request body (Content-Type: text/csv)")
        }
        return try await req.studentImport.audited(Data(buffer: body), dryRun: dryRun, log: req.audit)
    }
}
