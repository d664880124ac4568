import ClusterdCore
import Foundation

extension BackgroundClusteringService {
    /// Puts one analysis on the analysis lane (the id is already in `pending`).
    func enqueueAnalysis(_ messageID: String, attempt: Int) {
        analysisQueue.addOperation { [self] in
            state.withLock { $0.inFlight += 1 }
            let outcome = analyseMeasured(messageID, notFoundRetries: attempt)
            let finished: Bool = state.withLock { state in
                state.inFlight -= 1
                if case .retryLater = outcome { return false }
                state.pending.remove(messageID)
                return true
            }
            switch outcome {
            case .retryLater(let delay):
                DispatchQueue.global(qos: .utility).asyncAfter(deadline: .now() + delay) { [self] in
                    if state.withLock({ $0.stopping }) {
                        _ = state.withLock { $0.pending.remove(messageID) }
                        return
                    }
                    enqueueAnalysis(messageID, attempt: attempt + 1)
                }
            case .analysed:
                if finished { checkTriggers() }
            case .failed, .storeDown:
                break
            }
        }
    }

    enum AnalysisOutcome {
        case analysed
        case retryLater(Double)
        case failed
        case storeDown

        /// The `result` label it is counted under.
        var metricResult: ServiceMetrics.AnalysisResult {
            switch self {
            case .analysed: return .success
            case .retryLater: return .retry
            case .failed: return .failure
            case .storeDown: return .storeUnavailable
            }
        }
    }

    /// `analyse(_:notFoundRetries:)`, counted and timed in the metrics.
    func analyseMeasured(_ messageID: String, notFoundRetries: Int) -> AnalysisOutcome {
        let started = DispatchTime.now().uptimeNanoseconds
        let outcome = analyse(messageID, notFoundRetries: notFoundRetries)
        metrics.recordAnalysis(
            outcome.metricResult,
            nanoseconds: Int64(clamping: DispatchTime.now().uptimeNanoseconds - started)
        )
        return outcome
    }

    /// Reads, analyses and saves one message. Blocking: runs on the analysis lane only.
    func analyse(_ messageID: String, notFoundRetries: Int) -> AnalysisOutcome {
        do {
            guard let message = try store.message(id: messageID) else {
                noteStoreHealthy()
                if notFoundRetries < configuration.notFoundRetryDelays.count {
                    return .retryLater(configuration.notFoundRetryDelays[notFoundRetries])
                }
                let reason = "message \(messageID) not found in MongoDB after \(notFoundRetries + 1) attempts"
                let id = RecordID.candidates(for: messageID).last ?? .string(messageID)
                try store.recordFailure(messageID: id, conversationID: nil, error: reason, final: true)
                recordFailed(reason)
                return .failed
            }
            noteStoreHealthy()
            return try analyse(message)
        } catch {
            noteStoreFailure(error)
            return .storeDown
        }
    }

    /// Concepts and embedding for one message; the attempt is counted before the work.
    func analyse(_ message: MessageRecord) throws -> AnalysisOutcome {
        let attempts = try store.beginAttempt(messageID: message.id, conversationID: message.conversationID)
        if attempts > configuration.maxAttempts {
            let reason = "message \(message.id) given up after \(attempts - 1) attempts"
            try store.recordFailure(
                messageID: message.id,
                conversationID: message.conversationID,
                error: reason,
                final: true
            )
            recordFailed(reason)
            return .failed
        }
        let concepts = extractor.concepts(in: message.content)
        let embedding: [Float]
        do {
            embedding = try embedder.embed([message.content]).first ?? []
        } catch {
            let reason = "embedding message \(message.id) failed: \(error)"
            try store.recordFailure(
                messageID: message.id,
                conversationID: message.conversationID,
                error: reason,
                final: attempts >= configuration.maxAttempts
            )
            recordFailed(reason)
            return .failed
        }
        let analyzedAt: Date = state.withLock { state in
            state.savesInProgress += 1
            return max(now(), state.lastSnapshot.addingTimeInterval(0.001))
        }
        defer { state.withLock { $0.savesInProgress -= 1 } }
        let analysis = MessageAnalysis(
            messageID: message.id,
            conversationID: message.conversationID,
            concepts: concepts,
            embedding: embedding,
            embedder: embedder.identifier,
            conceptSource: "local",
            analyzedAt: analyzedAt
        )
        try store.saveAnalyses([analysis])
        state.withLock { state in
            state.analyzedTotal += 1
            state.unprocessed += 1
            state.newSinceLastAttempt += 1
        }
        return .analysed
    }

    func recordFailed(_ reason: String) {
        logger.warning("\(reason)")
        state.withLock { state in
            state.failedTotal += 1
            state.lastError = reason
        }
    }
}
