import Vapor

/// Stops a background task when the app shuts down, and waits for it, so it never touches a
/// database that is closing.
struct CancelOnShutdown: LifecycleHandler {
    let task: Task<Void, Never>

    func shutdownAsync(_ application: Application) async {
        task.cancel()
        _ = await task.value
    }
}
