import ClusterdCore
import ClusterdLLM
import Foundation

extension ClusteringLane {
    /// Names that fell back to local ones in the latest run get Claude's once it has capacity again: checked on
    /// each tick; when some are pending, Claude may be called and the lane is idle, one operation on the lane asks
    /// for them (interactive priority, ahead of the concept backlog; many clusters per request) and writes each
    /// answer over the published
    /// cluster in place (same run, same stable id; a pinned cluster is left alone). What is still unanswered stays
    /// pending for the next tick.
    func catchUpNames() {
        guard leads else {
            // Another replica leads: its runs own the list. Read it back when this one leads again.
            llm.pendingNamesRestored.store(false, ordering: .sequentiallyConsistent)
            llm.pendingNames.withLock { if $0?.scheduled != true { $0 = nil } }
            return
        }
        restorePendingNames()
        guard let claude = llm.claude,
            claude.client.governor.mayCall(estimatedTokens: claude.client.configuration.namingMaxTokens),
            !context.state.read({ $0.clustering.isBusy || $0.stopping }),
            let pending = llm.pendingNames.withLock({ pending -> PendingNames? in
                guard let current = pending, !current.requests.isEmpty, !current.scheduled else { return nil }
                pending?.scheduled = true
                return current
            })
        else { return }
        queue.addOperation { [self] in
            let namings = context.state.read({ $0.stopping }) ? [:] : claude.names.names(pending.requests)
            var left: [ClusterNamingRequest] = []
            var storeFailed = false
            for request in pending.requests {
                guard !storeFailed, let naming = namings[request.stableID] else {
                    left.append(request)
                    continue
                }
                do {
                    _ = try context.store.renameCluster(
                        runID: pending.runID,
                        stableID: request.stableID,
                        naming: naming,
                        source: claude.names.source
                    )
                } catch {
                    context.noteStoreFailure(error)
                    storeFailed = true
                    left.append(request)
                }
            }
            let named = pending.requests.count - left.count
            if named > 0 { persistPendingNames(runID: pending.runID, left) }
            llm.pendingNames.withLock { current in
                // A newer run's naming replaced the list meanwhile: leave its list alone.
                guard current?.runID == pending.runID, current?.scheduled == true else { return }
                current = left.isEmpty ? nil : PendingNames(runID: pending.runID, requests: left)
            }
            if named > 0 {
                context.logger.info("Named \(named) cluster(s) of run \(pending.runID) with Claude after the run")
            }
        }
    }

    /// Writes the clusters of run `runID` still waiting for a Claude name to MongoDB (none: nothing waits), so a
    /// restart, or another replica taking over clustering, still asks for them. A failure is noted and the list
    /// stays in memory.
    func persistPendingNames(runID: RecordID?, _ requests: [ClusterNamingRequest]) {
        guard llm.claude != nil else { return }
        do {
            try context.store.savePendingNames(runID: runID, requests: requests, now: context.now())
        } catch {
            context.noteStoreFailure(error)
        }
    }

    /// Once after this replica begins to lead clustering (or starts): the pending names are read back from MongoDB
    /// when memory holds none (a run since has set its own).
    private func restorePendingNames() {
        guard llm.claude != nil, !llm.pendingNamesRestored.load(ordering: .sequentiallyConsistent) else { return }
        let stored: (runID: RecordID, requests: [ClusterNamingRequest])?
        do {
            stored = try context.store.pendingNames()
        } catch {
            context.noteStoreFailure(error)
            return
        }
        llm.pendingNamesRestored.store(true, ordering: .sequentiallyConsistent)
        let restored = llm.pendingNames.withLock { current -> Bool in
            guard current == nil, let stored else { return false }
            current = PendingNames(runID: stored.runID, requests: stored.requests)
            return true
        }
        if restored, let stored {
            context.logger.info(
                "\(stored.requests.count) cluster(s) of run \(stored.runID) wait for a Claude name: asking when it has capacity"
            )
        }
    }
}
