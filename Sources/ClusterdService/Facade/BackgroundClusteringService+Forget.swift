import ClusterdCore
import Foundation

extension BackgroundClusteringService {
    /// Longest an erasure waits for analyses of the erased messages that were already in flight, then erases again
    /// what they saved.
    static let erasureSettleSeconds = 10.0

    /// Erases what clusterd holds about these messages, for a data-erasure request: their analyses, and for a
    /// conversation left with none its assignments and cluster references; top concepts only they had leave the
    /// clusters; their queued analyses are dropped. Each id is validated as a trigger's and tried in both forms
    /// (ObjectId and string). Refuses an empty list or more than `maxBatchSize` ids. Blocks on MongoDB: call it
    /// off the event loops.
    public func forgetMessages(ids: [String]) throws(ServiceError) -> ErasureCounts {
        guard !ids.isEmpty else {
            throw ServiceError(.invalidArgument, "no message ids to forget (give message ids or a conversation id)")
        }
        guard ids.count <= Self.maxBatchSize else {
            throw ServiceError(
                .invalidArgument,
                "\(ids.count) message ids to forget; at most \(Self.maxBatchSize) are accepted per call"
            )
        }
        for (index, id) in ids.enumerated() {
            do throws(ServiceError) {
                try Self.validate(messageID: id)
            } catch {
                throw ServiceError(.invalidArgument, "message_ids[\(index)]: \(error.message)")
            }
        }
        var seen = Set<RecordID>()
        let records = ids.flatMap(RecordID.candidates(for:)).filter { seen.insert($0).inserted }
        return try erase(what: "\(ids.count) message(s)", queued: { _ in seen }) { store in
            try store.forgetMessages(ids: records)
        }
    }

    /// Erases what clusterd holds about one conversation, for a data-erasure request: every analysis of its
    /// messages, its assignments in every run, its place among clusters' representative conversations, the top
    /// concepts only it had, and its messages' queued analyses. The id is validated as a message id and tried in
    /// both forms (ObjectId and string). Blocks on MongoDB: call it off the event loops.
    public func forgetConversation(id: String) throws(ServiceError) -> ErasureCounts {
        guard !id.isEmpty else { throw ServiceError(.invalidArgument, "conversation_id is empty") }
        guard id.unicodeScalars.count <= Self.maxMessageIDLength else {
            throw ServiceError(.invalidArgument, "conversation_id is longer than \(Self.maxMessageIDLength) characters")
        }
        let candidates = RecordID.candidates(for: id)
        let store = context.store
        return try erase(
            what: "conversation \(id)",
            queued: { pending in try store.hostMessageIDs(among: pending, inConversations: candidates) }
        ) { store in
            try candidates.reduce(ErasureCounts()) { total, candidate in
                total + (try store.forgetConversation(id: candidate))
            }
        }
    }

    /// Carries out an erasure: counts it (a run in progress is then not published), drops the queued analyses
    /// among `queued(pending ids)`, erases, and when some of those were in flight waits for them (bounded) and
    /// erases again what they saved. The cached report model is dropped (it may quote the erased messages).
    private func erase(
        what: String,
        queued: ([RecordID]) throws -> Set<RecordID>,
        _ body: (any ServiceStore) throws -> ErasureCounts
    ) throws(ServiceError) -> ErasureCounts {
        do {
            let pending = state.withLock { state in
                state.erasures += 1
                return Array(state.pending)
            }
            let erased = pending.isEmpty ? [] : try queued(pending.flatMap(RecordID.candidates(for:)))
            let inFlight = analysis.dropQueued(erased: erased)
            // A report model built before holds representative messages' text: never serve it after an erasure.
            reportCache.withLock { $0 = nil }
            defer { reportCache.withLock { $0 = nil } }
            var counts = try body(context.store)
            if !inFlight.isEmpty {
                let left = analysis.awaitSettled(inFlight, within: Self.erasureSettleSeconds)
                counts = counts + (try body(context.store))
                if left > 0 {
                    context.logger.warning(
                        "Erasure of \(what): \(left) analysis(es) of it still in flight after \(Int(Self.erasureSettleSeconds)) s may be saved afterwards"
                    )
                }
            }
            context.noteStoreHealthy()
            context.logger.info(
                "Erased \(what): \(counts.analyses) analysis(es), \(counts.assignments) assignment(s), \(counts.clusters) cluster(s) scrubbed"
            )
            return counts
        } catch {
            context.noteStoreFailure(error)
            throw ServiceError(.storeUnavailable, "MongoDB is unavailable: \(error)")
        }
    }
}
