import Vapor

/// The `/students/import` page (SPEC 12): choose or paste a CSV, see the dry run as a table (what
/// will be created, updated, skipped, and every error with its row and field), then apply it.
struct StudentImportPagesController {
    struct ImportForm: Content {
        var file: File?
        var csv: String?
        /// `yes` on the second step, once the dry run was shown.
        var apply: String?
    }

    struct PageContext: Encodable {
        var page: PageChrome
        var action: String
        var studentsLink: String
        var report: StudentImport.Report?
        var csv: String?
        var error: String?
        var canApply: Bool
        var toChange: Int
    }

    func show(req: Request) async throws -> Response {
        try await render(req, report: nil, csv: nil, error: nil, status: .ok)
    }

    func submit(req: Request) async throws -> Response {
        let form = try req.content.decode(ImportForm.self)
        var text = form.csv ?? ""
        if let file = form.file, file.data.readableBytes > 0 {
            text = String(decoding: Data(buffer: file.data), as: UTF8.self)
            // Bytes that are not UTF-8 are refused by the import itself, named: keep them as they came.
            if Data(buffer: file.data) != Data(text.utf8) {
                return try await render(req, report: nil, csv: nil, error: "The file is not UTF-8 text: save it from the spreadsheet as “CSV UTF-8”.",
                                        status: .unprocessableEntity)
            }
        }
        guard !text.isEmpty else {
            return try await render(req, report: nil, csv: nil, error: "Choose a CSV file or paste its text.", status: .unprocessableEntity)
        }
        let apply = form.apply == "yes"
        do {
            let report = try await req.studentImport.audited(Data(text.utf8), dryRun: !apply, log: req.audit)
            if apply {
                return req.redirect(to: AppRoute.students().path + "?notice=\(Notice.studentsImported.rawValue)")
            }
            return try await render(req, report: report, csv: text, error: nil, status: .ok)
        } catch let error as AppError {
            return try await render(req, report: nil, csv: text, error: error.reason, status: error.status)
        }
    }

    private func render(_ req: Request, report: StudentImport.Report?, csv: String?, error: String?, status: HTTPStatus) async throws -> Response {
        let changes = (report?.totals["create"] ?? 0) + (report?.totals["update"] ?? 0)
        let context = PageContext(
            page: PageChrome(request: req, title: "Import students", section: "students", path: AppRoute.Pattern.studentImport.rawValue),
            action: AppRoute.Pattern.studentImport.rawValue, studentsLink: AppRoute.students().path, report: report, csv: csv,
            error: error, canApply: report.map { $0.errorCount == 0 && changes > 0 } ?? false, toChange: changes)
        return try await req.view.render("student-import", context).encodeResponse(status: status, for: req)
    }
}
