import Vapor

/// Removes files the app made for itself alone (a database of this process only) when it shuts down.
struct RemoveOnShutdown: LifecycleHandler {
    let paths: [String]

    func shutdownAsync(_ application: Application) async {
        for path in paths {
            try? FileManager.default.removeItem(atPath: path)
        }
    }
}
