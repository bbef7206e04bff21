import Vapor

extension Request {
    /// The owner's time zone for showing and reading times.
    var timeDisplay: TimeDisplay {
        TimeDisplay(zone: auth.get(Account.self)?.zone ?? .gmt)
    }
}
