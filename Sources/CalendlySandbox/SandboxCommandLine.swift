import Foundation

/// The `calendly-sandbox` executable's flags, parsed into `SandboxOptions`.
public enum SandboxCommandLine {
    public struct ParseError: Error, CustomStringConvertible {
        public let description: String
    }

    public static let usage = """
    Usage: calendly-sandbox [--port P] [--host H] [--seed N] [--free-plan] [--api-token T] [--token-scopes S1,S2,...]
                            [--rate-limit N] [--public-base-url URL]
                            [--retry-schedule S1,S2,...] [--disable-after S] [--webhook-timeout S]
                            [--<misbehaviour> VALUE ...]
    Misbehaviour settings (rates are 0...1, times are seconds):
      \(Misbehaviour.settingNames.map { "--" + $0.replacingOccurrences(of: "_", with: "-") }.joined(separator: " "))
    Control API (loopback only): <base>/_sandbox/{bookings,truth,misbehaviour,deliveries,requests,test-page}
    """

    /// Returns nil for `--help`.
    public static func parse(_ arguments: [String]) throws -> SandboxOptions? {
        var options = SandboxOptions(port: 8081)
        var index = 0
        func value(_ flag: String) throws -> String {
            index += 1
            guard index < arguments.count else { throw ParseError(description: "\(flag) needs a value") }
            return arguments[index]
        }
        func number<T: LosslessStringConvertible>(_ flag: String, _: T.Type) throws -> T {
            let raw = try value(flag)
            guard let parsed = T(raw) else { throw ParseError(description: "\(flag): '\(raw)' is not a number") }
            return parsed
        }
        while index < arguments.count {
            let flag = arguments[index]
            switch flag {
            case "-h", "--help": return nil
            case "--port": options.port = try number(flag, Int.self)
            case "--host", "--hostname": options.host = try value(flag)
            case "--seed": options.seed = try number(flag, UInt64.self)
            case "--free-plan": options.freePlan = true
            case "--api-token": options.apiToken = try value(flag)
            case "--token-scopes":
                let scopes = try value(flag).split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
                if let unknown = scopes.first(where: { !TokenScopes.all.contains($0) }) {
                    throw ParseError(description: "--token-scopes: unknown scope \(unknown)")
                }
                options.tokenScopes = scopes
            case "--rate-limit": options.rateLimitPerMinute = try number(flag, Int.self)
            case "--public-base-url": options.publicBaseURL = try value(flag)
            case "--disable-after": options.disableAfter = try number(flag, Double.self)
            case "--webhook-timeout": options.webhookTimeout = try number(flag, Double.self)
            case "--retry-schedule":
                let raw = try value(flag)
                let parts = raw.split(separator: ",").map { Double($0.trimmingCharacters(in: .whitespaces)) }
                guard !parts.isEmpty, parts.allSatisfy({ ($0 ?? -1) >= 0 }) else {
                    throw ParseError(description: "--retry-schedule: '\(raw)' is not a list of seconds")
                }
                options.webhookRetrySchedule = parts.compactMap { $0 }
            default:
                let name = flag.hasPrefix("--") ? String(flag.dropFirst(2)).replacingOccurrences(of: "-", with: "_") : ""
                guard Misbehaviour.settingNames.contains(name) else {
                    throw ParseError(description: "unknown option \(flag)")
                }
                let amount = try number(flag, Double.self)
                guard options.misbehaviour.set(name, to: amount) else {
                    throw ParseError(description: "\(flag): \(amount) is out of range")
                }
            }
            index += 1
        }
        return options
    }
}
