import ClusterdCore
import Foundation

extension BackgroundClusteringService {
    /// The largest batch `triggerAnalyses` accepts.
    public static let maxBatchSize = 10_000

    /// Refuses an empty id or one over `maxMessageIDLength` characters.
    static func validate(messageID: String) throws(ServiceError) {
        guard !messageID.isEmpty else { throw ServiceError(.invalidArgument, "message_id is empty") }
        // Characters (Unicode scalars), as JSON Schema's maxLength counts them, so the HTTP gateway's OpenAPI
        // document states the same limit.
        guard messageID.unicodeScalars.count <= maxMessageIDLength else {
            throw ServiceError(.invalidArgument, "message_id is longer than \(maxMessageIDLength) characters")
        }
    }

    /// Logs, enqueues and answers a decision (outside the lock).
    func act(on decision: TriggerAdmission, messageID: String) throws(ServiceError) -> TriggerResult {
        switch decision {
        case .stopping:
            throw ServiceError(.stopping, "the server is shutting down; the message will be found by the sweep")
        case .recorded:
            logger.info("Triggered background analysis for message \(messageID) (background clustering disabled)")
            return TriggerResult(outcome: .recorded, queueDepth: queueDepth)
        case .already:
            return TriggerResult(outcome: .alreadyQueued, queueDepth: queueDepth)
        case .refused(let depth):
            throw ServiceError(
                .queueFull,
                "analysis queue is full (\(depth) of \(configuration.queueCapacity)); the sweep will analyse it later"
            )
        case .queued(let depth):
            logger.info("Triggered background analysis for message \(messageID)")
            enqueueAnalysis(messageID, attempt: 0)
            return TriggerResult(outcome: .queued, queueDepth: depth)
        }
    }

    /// Queues many messages (a backfill) under one lock acquisition; each id is handled as `triggerAnalysis` would
    /// handle it, in order, and gets its own result. Throws only for a batch that is empty or larger than
    /// `maxBatchSize`. Never waits for an analysis.
    public func triggerAnalyses(messageIDs: [String]) throws(ServiceError) -> BatchTriggerResult {
        guard !messageIDs.isEmpty else { throw ServiceError(.invalidArgument, "the batch has no message ids") }
        guard messageIDs.count <= Self.maxBatchSize else {
            throw ServiceError(
                .invalidArgument,
                "the batch has \(messageIDs.count) message ids; at most \(Self.maxBatchSize) are accepted"
            )
        }
        var validation: [ServiceError?] = []
        validation.reserveCapacity(messageIDs.count)
        for messageID in messageIDs {
            do throws(ServiceError) {
                try Self.validate(messageID: messageID)
                validation.append(nil)
            } catch {
                validation.append(error)
            }
        }
        let decisions: [TriggerAdmission?] = state.withLock { state in
            zip(messageIDs, validation).map { messageID, invalid in
                invalid == nil
                    ? state.admit(
                        messageID: messageID,
                        enabled: configuration.trigger.enabled,
                        queueCapacity: configuration.queueCapacity
                    ) : nil
            }
        }
        var results: [Result<TriggerOutcomeKind, ServiceError>] = []
        results.reserveCapacity(messageIDs.count)
        for (index, messageID) in messageIDs.enumerated() {
            guard let decision = decisions[index] else {
                results.append(.failure(validation[index] ?? ServiceError(.invalidArgument, "invalid message_id")))
                continue
            }
            do throws(ServiceError) {
                results.append(.success(try act(on: decision, messageID: messageID).outcome))
            } catch {
                results.append(.failure(error))
            }
        }
        return BatchTriggerResult(results: results, queueDepth: queueDepth)
    }

    /// Up to `limit` runs of any status, newest first. Blocks on MongoDB: call it off the event loops.
    public func listRuns(limit: Int) throws(ServiceError) -> [RunSummary] {
        do {
            let runs = try store.recentRuns(limit: limit)
            noteStoreHealthy()
            return runs.map(RunSummary.init)
        } catch {
            noteStoreFailure(error)
            throw ServiceError(.storeUnavailable, "MongoDB is unavailable: \(error)")
        }
    }
}
