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
        let decisions: [TriggerAdmission?] = context.state.withLock { state in
            zip(messageIDs, validation).map { messageID, invalid in
                invalid == nil ? analysis.admit(messageID, in: &state) : nil
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
                results.append(.success(try analysis.act(on: decision, messageID: messageID).outcome))
            } catch {
                results.append(.failure(error))
            }
        }
        return BatchTriggerResult(results: results, queueDepth: analysis.queueDepth)
    }
}
