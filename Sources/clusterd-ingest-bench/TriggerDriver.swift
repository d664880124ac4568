import ClusterdRPC
import Foundation

/// Sends every message id through TriggerAnalysisBatch, `IngestCorpus.chunkSize` per call, on one connection; ids
/// refused because the analysis queue is full go first into the next call. Each call is no larger than the room the
/// last reply's queue depth left, and when that is less than a call's worth (or half the queue) the driver waits for
/// it, polling status every `retryDelay`, as a polite host would, so refusals stay few.
struct TriggerDriver {
    /// What triggering took.
    struct Outcome {
        /// TriggerAnalysisBatch calls made.
        var calls = 0
        /// Items refused with RESOURCE_EXHAUSTED (each retried).
        var refusedItems = 0
        /// Seconds from the first call until the last id was accepted.
        var seconds = 0.0
    }

    /// The client the calls go through.
    let client: ClusterdClient
    /// Wait after a call that had items refused.
    var retryDelay: Duration = .milliseconds(100)

    /// Triggers the ids `id(0)`, …, `id(count - 1)` until every one is accepted; throws on any other refusal, and
    /// once `deadline` passes or the number of calls reaches its bound.
    func triggerAll(count: Int, id: (Int) -> String, deadline: ContinuousClock.Instant) async throws -> Outcome {
        var outcome = Outcome()
        let started = ContinuousClock.now
        let maximumCalls = 100 * (count / IngestCorpus.chunkSize + 1) + 100_000
        var next = 0
        var retry: [String] = []
        let capacity = try await client.status().queueCapacity
        var room = capacity
        while next < count || !retry.isEmpty {
            guard ContinuousClock.now < deadline, outcome.calls < maximumCalls else {
                throw IngestBenchError(
                    "triggering stopped after \(outcome.calls) calls: \(next - retry.count) of \(count) ids accepted"
                )
            }
            if room < min(IngestCorpus.chunkSize, capacity / 2) { room = try await waitForRoom(deadline: deadline) }
            let limit = max(1, min(IngestCorpus.chunkSize, room))
            var batch = Array(retry.prefix(limit))
            retry.removeFirst(batch.count)
            while batch.count < limit && next < count {
                batch.append(id(next))
                next += 1
            }
            let (results, depth) = try await client.triggerAnalysisBatch(batch.map { TriggerItem(messageID: $0) })
            outcome.calls += 1
            room = capacity - depth
            var refused: [String] = []
            for (messageID, result) in zip(batch, results) {
                if let error = result.error {
                    guard error.code == .resourceExhausted else {
                        throw IngestBenchError("TriggerAnalysisBatch refused \(messageID): \(error)")
                    }
                    refused.append(messageID)
                } else if result.outcome != .queued && result.outcome != .alreadyQueued {
                    throw IngestBenchError("TriggerAnalysisBatch answered \(result.outcome) for \(messageID)")
                }
            }
            outcome.refusedItems += refused.count
            retry = refused + retry
        }
        outcome.seconds = IngestClock.seconds(since: started)
        return outcome
    }

    /// Waits until the analysis queue has room for a call's worth of ids (half the queue when that is smaller); returns
    /// the room (1 once `deadline` has passed: the caller's loop then stops).
    private func waitForRoom(deadline: ContinuousClock.Instant) async throws -> Int {
        while ContinuousClock.now < deadline {
            try await Task.sleep(for: retryDelay)
            let status = try await client.status()
            let room = status.queueCapacity - status.queueDepth
            if room >= min(IngestCorpus.chunkSize, status.queueCapacity / 2) { return room }
        }
        return 1
    }
}
