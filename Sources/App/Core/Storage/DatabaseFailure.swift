import FluentPostgresDriver
import FluentSQLiteDriver
import Foundation

/// Why the database in `DATABASE_URL` cannot be used, in a sentence an operator can act on,
/// instead of a driver's error (PostgresNIO's hide their details unless reflected).
public enum DatabaseFailure {
    /// The message for an error that means the database is out of reach, refused us, or may not be
    /// changed; nil for any other error.
    public static func explain(_ error: any Error, databaseURL: String?) -> String? {
        let target = "DATABASE_URL (\(redacted(databaseURL ?? "sqlite:crm.sqlite")))"
        if let error = error as? PSQLError, let cause = postgresCause(error) {
            return "cannot use the database in \(target): \(cause)"
        }
        if let error = error as? SQLiteError, let cause = sqliteCause(error) {
            return "cannot use the database in \(target): \(cause)"
        }
        return nil
    }

    /// Nil for an error that is not about reaching or using the database (a constraint, say).
    private static func postgresCause(_ error: PSQLError) -> String? {
        if error.code == .connectionError || error.code == .serverClosedConnection || error.code == .uncleanShutdown {
            let underlying = error.underlying.map { String(describing: $0) } ?? "no answer"
            return "no PostgreSQL server could be reached (\(underlying)). Check the host and port, and that the server runs and accepts connections from here."
        }
        let state = error.serverInfo?[.sqlState] ?? ""
        let message = error.serverInfo?[.message] ?? String(reflecting: error.code)
        switch state {
        case "28P01", "28000":
            return "the server refused the user name or password (\(message)). Check the user and password in the URL."
        case "3D000":
            return "that database does not exist (\(message)). Create it (createdb) or correct its name in the URL."
        case "42501":
            return "the user may not create or change tables there (\(message)). Grant it CREATE on the database's schema, or use its owner."
        case _ where state.hasPrefix("08") || state.hasPrefix("57P") || state.hasPrefix("28"):
            return "the server answered: \(message) (SQLSTATE \(state))"
        default:
            return nil
        }
    }

    private static func sqliteCause(_ error: SQLiteError) -> String? {
        switch error.reason {
        case .cantOpen, .cantOpenDirectory, .cantOpenInvalidPath:
            return "the file cannot be opened or created (\(error.message)). Check that its folder exists and this user may write there."
        case .readOnly, .readonlyDirectory, .readonlyCantLock, .readonlyBackingMoved, .readonlyInRecovery, .readonlyInRollback, .permission:
            return "the file may not be written (\(error.message)). Check its permissions and those of its folder."
        case .full:
            return "the disk is full (\(error.message))."
        default:
            return nil
        }
    }

    /// The URL without its password: it goes to a terminal and to logs.
    static func redacted(_ url: String) -> String {
        if var components = URLComponents(string: url) {
            guard components.password != nil else { return url }
            components.password = "***"
            if let redacted = components.string { return redacted }
        }
        // Not a URL Foundation reads: hide everything between the scheme and the last `@`.
        guard let scheme = url.range(of: "://"), let at = url.range(of: "@", options: .backwards),
              scheme.upperBound <= at.lowerBound else { return url }
        return String(url[..<scheme.upperBound]) + "***" + String(url[at.lowerBound...])
    }
}
