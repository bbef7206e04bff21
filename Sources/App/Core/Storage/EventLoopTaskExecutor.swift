import NIOCore

/// Runs a task's jobs on one NIO event loop.
///
/// Database drivers complete their futures on their connection's event loop. A task that awaits
/// many statements in a row (a group commit) and runs on that same loop resumes after each one
/// right there, instead of waking a thread of the global pool every time.
@available(macOS 15.0, *)
final class EventLoopTaskExecutor: TaskExecutor, @unchecked Sendable {
    let eventLoop: any EventLoop

    init(eventLoop: any EventLoop) {
        self.eventLoop = eventLoop
    }

    func enqueue(_ job: consuming ExecutorJob) {
        let job = UnownedJob(job)
        eventLoop.execute {
            job.runSynchronously(on: self.asUnownedTaskExecutor())
        }
    }
}
