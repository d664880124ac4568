import Dispatch
import Foundation

extension OperationQueue {
    /// Waits until every operation the queues hold now has finished (or been cancelled), at most `seconds` on the
    /// monotonic clock. True when they all finished in time. Blocks the calling thread.
    static func drain(_ queues: [OperationQueue], within seconds: Double) -> Bool {
        let group = DispatchGroup()
        for queue in queues {
            group.enter()
            // A barrier runs after everything added before it.
            queue.addBarrierBlock { group.leave() }
        }
        return group.wait(timeout: .now() + max(0, seconds)) == .success
    }
}
