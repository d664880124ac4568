import ClusterdCore
import Foundation

extension AnalysisLane {
    /// Drops the queued analyses of erased messages (a pending id text whose candidate ids meet `erased`) from the
    /// backlog and `pending`, so they are not analysed again right after; returns those of them still pending,
    /// in flight or waiting for a retry (they are left alone: their operation releases them).
    func dropQueued(erased: Set<RecordID>) -> [String] {
        guard !erased.isEmpty else { return [] }
        func matches(_ text: String) -> Bool { RecordID.candidates(for: text).contains(where: erased.contains) }
        return context.state.withLock { state in
            let queued = Set(state.analysisBacklog.map(\.messageID).filter(matches))
            state.analysisBacklog.removeAll { queued.contains($0.messageID) }
            state.pending.subtract(queued)
            return state.pending.filter(matches).sorted()
        }
    }

    /// Waits until none of `messageIDs` is pending (their analyses have been saved or given up), at most
    /// `seconds`; returns how many still are. Blocking: call it off the event loops and the cooperative pool.
    @discardableResult
    func awaitSettled(_ messageIDs: [String], within seconds: Double) -> Int {
        context.state.withLock(
            once: { state in messageIDs.allSatisfy { !state.pending.contains($0) } },
            orAfter: .milliseconds(Int64(seconds * 1000))
        ) { state in messageIDs.filter { state.pending.contains($0) }.count }
    }
}
