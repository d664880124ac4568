import Foundation

extension ClusteringLane {
    /// A forced run sees everything triggered before it: waits until every message that was queued or being analysed
    /// when the run started has been analysed (or has failed for good), at most `forcedRunWaitSeconds`, moving the
    /// `catching_up` stage's progress as they finish. Returns how many were still pending when the wait ended.
    /// Blocking: runs on the clustering lane only (the analysis lane does the work meanwhile).
    @discardableResult
    func awaitPendingAnalyses() -> Int {
        var waiting = context.state.read { $0.pending }
        let total = waiting.count
        guard total > 0 else { return 0 }
        let deadline = ContinuousClock.now.advanced(by: .seconds(context.configuration.forcedRunWaitSeconds))
        while true {
            let slice = min(Duration.seconds(1), ContinuousClock.now.duration(to: deadline))
            let (remaining, stopping) = context.state.withLock(
                once: { state in
                    waiting = waiting.filter { state.pending.contains($0) }
                    return waiting.isEmpty || state.stopping
                },
                orAfter: max(.zero, slice)
            ) { state in (waiting.count, state.stopping) }
            setStage("catching_up", progress: 0.02 + 0.08 * Double(total - remaining) / Double(total))
            if remaining == 0 || stopping { return remaining }
            if ContinuousClock.now >= deadline {
                context.logger.warning(
                    "Forced clustering run starts with \(remaining) of \(total) triggered message(s) still waiting for analysis (waited \(Int(context.configuration.forcedRunWaitSeconds)) s)"
                )
                return remaining
            }
        }
    }
}
