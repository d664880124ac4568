import ClusterdCore
import Foundation

extension ClusteringLane {
    /// Puts a pruning on the serial lane (at start-up), where no run can write meanwhile.
    func schedulePrune() {
        queue.addOperation { [self] in prune() }
    }

    /// Deletes the clusters and assignments of runs beyond the newest `keepRuns` successful ones and the leftovers
    /// of failed, abandoned and skipped runs (run documents are kept: see `MongoStore.pruneRuns(keep:)`).
    /// Blocking: runs on the clustering lane only, after each run and at start-up.
    func prune() {
        do {
            let keep = context.configuration.keepRuns
            let pruned = try context.store.pruneRuns(keep: keep)
            guard pruned.clusters + pruned.assignments > 0 else { return }
            context.logger.info(
                "Pruned \(pruned.clusters) cluster(s) and \(pruned.assignments) assignment(s) of runs beyond the newest \(keep) successful ones or of failed and abandoned runs"
            )
        } catch {
            context.noteStoreFailure(error)
            context.logger.warning("Pruning old clustering runs failed (retried after the next run): \(error)")
        }
    }

    /// Whether a run checks that its messages still exist (`withoutDeletedMessages`), decided once per run: a forced
    /// run always does, so a message deleted just before it is never in it; an automatic run skips the check (about
    /// 13 s a run at 100,000 messages on the embedded server) when the change stream has followed since a run last
    /// checked, since the stream deletes those analyses as the deletes happen (within about a second). `checked()`
    /// records a completed check.
    func existenceCheck(forced: Bool) -> (needed: Bool, checked: @Sendable () -> Void) {
        let (following, gaps, checkedAt) = context.state.read {
            ($0.changeStream == .following, $0.followGaps, $0.existenceCheckedAtGap)
        }
        let context = context
        return (
            forced || !following || gaps != checkedAt,
            { if following { context.state.withLock { $0.existenceCheckedAtGap = gaps } } }
        )
    }

    /// Leaves out of a run's analyses those whose host message no longer exists (deleted by the host), and erases
    /// them as ForgetMessages would: `_id` lookups on `messages` in batches. Blocking: runs on the clustering lane
    /// only.
    func withoutDeletedMessages(_ analyses: [MessageAnalysis]) throws -> [MessageAnalysis] {
        let existing = try context.store.hostMessageIDs(among: analyses.map(\.messageID), inConversations: nil)
        let deleted = analyses.filter { !existing.contains($0.messageID) }.map(\.messageID)
        if !deleted.isEmpty {
            let erased = try context.store.forgetMessages(ids: deleted)
            context.logger.info(
                "Left \(deleted.count) analysis(es) of deleted host messages out of the run and erased them (\(erased.assignments) assignment(s), \(erased.clusters) cluster(s) scrubbed)"
            )
        }
        return deleted.isEmpty ? analyses : analyses.filter { existing.contains($0.messageID) }
    }
}
