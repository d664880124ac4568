import Glibc

/// Puts the calling thread in Linux's SCHED_IDLE class: it runs on cores nothing else wants, and any normal thread
/// that wakes up (the event loop answering a trigger) takes its core at once, where nice 10 still let a busy
/// embedding thread delay the event loop by a scheduler slice. Called at the start of analysis and clustering work,
/// which run on libdispatch's background-QoS threads (used for nothing else in clusterd).
enum BackgroundPriority {
    /// SCHED_IDLE from linux/sched.h (glibc declares it only under _GNU_SOURCE, which Swift's Glibc module lacks).
    static let idleClass: Int32 = 5

    /// Lowers the calling thread's class once; a failure (a kernel or sandbox refusing it) leaves it at nice 10.
    static func enterIdleClass() {
        guard sched_getscheduler(0) != idleClass else { return }
        var parameters = sched_param()
        parameters.sched_priority = 0
        _ = sched_setscheduler(0, idleClass, &parameters)
    }
}
