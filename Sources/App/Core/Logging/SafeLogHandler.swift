import Foundation
import Logging

/// The app's log: one line a record on standard error (standard output is for what commands print,
/// such as the token `crm token create` prints last), with nothing secret and nothing forged.
///
/// - Control characters in messages and metadata are escaped, so a request path holding `%0A` can
///   never start a line of its own that looks like the app's.
/// - Records from the database drivers' query logs and from the HTTP codec are dropped at every
///   level: they carry bound values (session ids, CSRF tokens, password hashes, students' data),
///   cookies and `Authorization` headers.
public struct SafeLogHandler: LogHandler {
    public var logLevel: Logger.Level
    public var metadata: Logger.Metadata = [:]
    private let label: String

    public init(label: String, level: Logger.Level) {
        self.label = label
        self.logLevel = level
    }

    public subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    /// Modules and files whose records hold request bytes or bound query values.
    static let silencedSources: Set<String> = ["FluentKit", "FluentSQL", "SQLKit", "SQLiteNIO", "SQLiteKit", "PostgresNIO", "PostgresKit", "FluentSQLiteDriver", "FluentPostgresDriver"]
    static let silencedFiles = ["HTTPServerRequestDecoder.swift", "HTTPServerResponseEncoder.swift", "HTTPServerHandler.swift"]

    public func log(level: Logger.Level, message: Logger.Message, metadata explicit: Logger.Metadata?, source: String, file: String, function: String, line: UInt) {
        if Self.silencedSources.contains(source) || Self.silencedFiles.contains(where: { file.hasSuffix($0) }) { return }
        // The pool says this for every request while the database is away; `DatabaseOutage` says it once.
        if source == "AsyncKit", "\(message)".hasPrefix("Opening new connection for pool failed") { return }
        if level <= .debug, "\(message)".hasPrefix("Running query") || "\(message)".hasPrefix("Executing query") { return }
        var text = "[ \(level.rawValue.uppercased()) ] " + Self.escaped("\(message)")
        let all = explicit.map { metadata.merging($0) { $1 } } ?? metadata
        if !all.isEmpty {
            text += " [" + all.sorted { $0.key < $1.key }.map { "\($0.key): \(Self.escaped("\($0.value)"))" }.joined(separator: ", ") + "]"
        }
        text += "\n"
        Self.emit(text, urgent: level >= .warning)
    }

    /// `text` with every control character written as an escape (`\n`, `\u{7F}`).
    static func escaped(_ text: String) -> String {
        guard text.unicodeScalars.contains(where: isControl) else { return text }
        var result = ""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\n": result += "\\n"
            case "\r": result += "\\r"
            case "\t": result += "\\t"
            case _ where isControl(scalar): result += "\\u{\(String(scalar.value, radix: 16))}"
            default: result.unicodeScalars.append(scalar)
            }
        }
        return result
    }

    private static func isControl(_ scalar: Unicode.Scalar) -> Bool {
        scalar.value < 0x20 || (0x7F...0x9F).contains(scalar.value) || scalar == "\u{2028}" || scalar == "\u{2029}"
    }

    /// Lines go through standard error's stdio buffer, flushed twice a second and at once for a
    /// warning or worse: a write system call per request's log line cost the cheapest endpoints
    /// about a tenth of their throughput in `make bench`.
    private static func emit(_ line: String, urgent: Bool) {
        guard let stream else { return }
        _ = flusher
        fputs(line, stream)
        if urgent { fflush(stream) }
    }

    /// Writes out what is buffered, e.g. before something else writes to standard error.
    public static func flush() {
        if let stream { fflush(stream) }
    }

    /// A stdio stream of the app's own on standard error's descriptor: stdio locks it per call, and
    /// `exit` flushes it.
    nonisolated(unsafe) private static let stream: UnsafeMutablePointer<FILE>? = {
        let stream = fdopen(STDERR_FILENO, "a")
        if let stream { setvbuf(stream, nil, _IOFBF, 1 << 16) }
        return stream
    }()

    nonisolated(unsafe) private static let flusher: any DispatchSourceTimer = {
        let timer = DispatchSource.makeTimerSource(queue: .global(qos: .utility))
        timer.schedule(deadline: .now() + .milliseconds(500), repeating: .milliseconds(500))
        timer.setEventHandler { flush() }
        timer.resume()
        return timer
    }()
}
