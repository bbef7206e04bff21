@testable import App
import Fluent
import Foundation
import Testing
import VaporTesting

/// Importing students from CSV (SPEC 12), through `POST /api/students/import`, with files in the
/// shapes real tools export.
@Suite("Student import")
struct StudentImportTests {
    static let googleContacts = """
        First Name,Middle Name,Last Name,Phonetic First Name,Phonetic Middle Name,Phonetic Last Name,Name Prefix,Name Suffix,Nickname,File As,Organization Name,Organization Title,Organization Department,Birthday,Notes,Photo,Labels,E-mail 1 - Label,E-mail 1 - Value,Phone 1 - Label,Phone 1 - Value\r
        Ines,,Duarte,,,,,,,,University of Porto,,,,"Scholarship essay, draft 2",,* myContacts,* Home,ines.duarte@student.example,Mobile,+351 912 345 678\r
        Kwame,,Mensah,,,,,,,,,,,,,,* myContacts,* Home,kwame@student.example,,\r

        """

    static let outlook = """
        First Name,Middle Name,Last Name,Title,Suffix,Nickname,Given Yomi,Surname Yomi,E-mail Address,E-mail 2 Address,E-mail 3 Address,Home Phone,Home Phone 2,Business Phone,Business Phone 2,Mobile Phone,Car Phone,Other Phone,Primary Phone,Pager,Business Fax,Home Fax,Other Fax,Company Main Phone,Callback,Radio Phone,Telex,TTY/TDD Phone,IMAddress,Job Title,Department,Company,Office Location,Manager's Name,Assistant's Name,Assistant's Phone,Company Yomi,Business Street,Business City,Business State,Business Postal Code,Business Country/Region,Home Street,Home City,Home State,Home Postal Code,Home Country/Region,Other Street,Other City,Other State,Other Postal Code,Other Country/Region,Personal Web Page,Spouse,Schools,Hobby,Location,Web Page,Birthday,Anniversary,Notes
        Mei,,Lin,,,,,,mei.lin@student.example,,,,,,,+1 415 555 0101,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,"Met at the open day
        wants to study medicine"

        """

    /// A spreadsheet saved as CSV in a European locale: BOM, semicolons, Windows line ends.
    static let spreadsheet = "\u{FEFF}Name;E-Mail;Mobile;Notes\r\nJonas Berg;jonas@student.example;0171 2345678;\"Thesis; chapter 2\"\r\nLea Weiß;lea@student.example;;\r\n"

    static func post(_ t: TestApp, _ csv: String, dryRun: Bool? = nil) async throws -> TestingHTTPResponse {
        try await post(t, Data(csv.utf8), dryRun: dryRun)
    }

    static func post(_ t: TestApp, _ data: Data, dryRun: Bool? = nil) async throws -> TestingHTTPResponse {
        var headers = t.bearer
        headers.contentType = HTTPMediaType(type: "text", subType: "csv")
        let query = dryRun.map { "?dry_run=\($0)" } ?? ""
        return try await t.app.testing().sendRequest(.POST, "/api/students/import\(query)", headers: headers, body: ByteBuffer(data: data))
    }

    static func rows(_ response: TestingHTTPResponse) throws -> [[String: Any]] {
        try response.json()["rows"] as? [[String: Any]] ?? []
    }

    @Test func googleContactsOutlookAndASpreadsheetEachImportRight() async throws {
        try await withTestApp { t in
            for csv in [Self.googleContacts, Self.outlook, Self.spreadsheet] {
                let response = try await Self.post(t, csv, dryRun: false)
                #expect(response.status == .ok, "\(response.body.string)")
            }
            let students = try await Student.query(on: t.app.db).all()
            let byEmail = Dictionary(uniqueKeysWithValues: students.map { ($0.email, $0) })
            #expect(students.count == 5)
            #expect(byEmail["ines.duarte@student.example"]?.name == "Ines Duarte")
            #expect(byEmail["ines.duarte@student.example"]?.phone == "+351 912 345 678")
            #expect(byEmail["ines.duarte@student.example"]?.notes == "Scholarship essay, draft 2")
            #expect(byEmail["kwame@student.example"]?.name == "Kwame Mensah")
            #expect(byEmail["mei.lin@student.example"]?.phone == "+1 415 555 0101")
            #expect(byEmail["mei.lin@student.example"]?.notes == "Met at the open day\nwants to study medicine")
            #expect(byEmail["jonas@student.example"]?.notes == "Thesis; chapter 2")
            #expect(byEmail["jonas@student.example"]?.name == "Jonas Berg", "the BOM is not part of the first header")
            #expect(byEmail["lea@student.example"]?.name == "Lea Weiß")
            #expect(students.allSatisfy { $0.source == .import })
        }
    }

    @Test func aDryRunChangesNothingAndSaysWhatWouldHappen() async throws {
        try await withTestApp { t in
            let existing = Student(name: "Jonas Berg", email: "jonas@student.example", phone: "", notes: "Keep me")
            try await existing.create(on: t.app.db)
            let csv = "name,email,phone,notes\r\nJonas B.,JONAS@student.example,0171 2345678,New notes\r\nAda,ada@student.example,,\r\nAda again,ada@student.example,,\r\n"
            let dry = try await Self.post(t, csv)
            #expect(dry.status == .ok)
            let rows = try Self.rows(dry)
            #expect(rows.map { $0["action"] as? String } == ["update", "create", "skip"])
            #expect(rows.map { $0["row"] as? Int } == [2, 3, 4])
            #expect(rows[0]["fills"] as? [String] == ["phone"], "only the empty field is filled")
            #expect(try await Student.query(on: t.app.db).count() == 1)

            #expect(try await Self.post(t, csv, dryRun: false).status == .ok)
            let jonas = try #require(try await Student.find(existing.id, on: t.app.db))
            #expect(jonas.name == "Jonas Berg" && jonas.notes == "Keep me" && jonas.phone == "0171 2345678")
            #expect(try await Student.query(on: t.app.db).count() == 2)
        }
    }

    @Test func anErrorRowRefusesTheWholeImport() async throws {
        try await withTestApp { t in
            let csv = "name,email\r\nGood One,good@student.example\r\n\"Two\nlines\",fine@student.example\r\n,missing@student.example\r\nBad,not an email\r\nToo,many@student.example,fields\r\n"
            let dry = try await Self.post(t, csv)
            let rows = try Self.rows(dry)
            #expect(rows.map { $0["action"] as? String } == ["create", "create", "error", "error", "error"])
            // Rows as a spreadsheet numbers them, though one record spans two lines.
            #expect(rows.map { $0["row"] as? Int } == [2, 3, 4, 5, 6])
            #expect(rows.map { $0["field"] as? String } == [nil, nil, "name", "email", "row"])
            let applied = try await Self.post(t, csv, dryRun: false)
            #expect(applied.status == .unprocessableEntity)
            #expect(try await Student.query(on: t.app.db).count() == 0, "all or nothing")
        }
    }

    @Test func filesThatAreNotAStudentsCSVAreRefusedAndChangeNothing() async throws {
        try await withTestApp { t in
            let cases: [(Data, HTTPStatus, String)] = [
                (Data([0xFF, 0xFE, 0x00, 0x41, 0x00, 0x42]), .unprocessableEntity, "file"),
                (Data("PK\u{03}\u{04}\u{00}\u{00}binary".utf8), .unprocessableEntity, "file"),
                (Data("\r\n\r\n".utf8), .unprocessableEntity, "file"),
                (Data("email,phone\r\na@b.example,1\r\n".utf8), .unprocessableEntity, "file"),
                (Data(("name\r\n" + String(repeating: "Someone\r\n", count: 10_001)).utf8), .unprocessableEntity, "file"),
            ]
            for (data, status, field) in cases {
                let response = try await Self.post(t, data, dryRun: false)
                #expect(response.status == status, "\(response.body.string.prefix(200))")
                #expect((try response.json()["error"] as? [String: Any])?["field"] as? String == field)
            }
            let big = try await Self.post(t, Data(repeating: UInt8(ascii: "a"), count: 6 << 20), dryRun: false)
            #expect(big.status == .payloadTooLarge)
            #expect(try await Student.query(on: t.app.db).count() == 0)
        }
    }

    @Test func theStudentsExportImportsBackWithNoStudentLostOrChanged() async throws {
        var exported = Data()
        var before: [[String]] = []
        try await withTestApp { t in
            for (name, email, phone, notes) in [("Zoë \"Z\" Ångström", "zoe@student.example", "+44 20 7946 0958", "Line one;\nline two, \"quoted\""),
                                                ("=HYPERLINK(\"x\")", "", "", "@mention"), ("Plain", "plain@student.example", "555", "")] {
                try await Student(name: name, email: email, phone: phone, notes: notes).create(on: t.app.db)
            }
            before = try await Student.query(on: t.app.db).sort(\.$name).all().map { [$0.name, $0.email, $0.phone, $0.notes] }
            exported = Data(buffer: try await t.app.testing().sendRequest(.GET, "/api/export/students.csv", headers: t.bearer).body)
        }
        try await withTestApp { t in
            let response = try await Self.post(t, exported, dryRun: false)
            #expect(response.status == .ok, "\(response.body.string)")
            let after = try await Student.query(on: t.app.db).sort(\.$name).all().map { [$0.name, $0.email, $0.phone, $0.notes] }
            #expect(after == before)
        }
    }
}
