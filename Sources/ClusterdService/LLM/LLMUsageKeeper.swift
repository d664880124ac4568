import ClusterdCore
import ClusterdLLM
import Foundation
import Logging
import Synchronization

/// The Claude integration's setup and its daily token usage: restored from MongoDB at start-up, persisted on each
/// tick and at shutdown (so a restart keeps the budget), and reported in status.
final class LLMUsageKeeper: Sendable {
    private let context: ServiceContext
    /// The Claude integration; nil when not configured or when its configuration was unusable.
    let claude: ClaudeIntegration?
    /// Why the configured Claude integration could not be built, if it could not.
    let setupError: String?
    /// Concepts written at analysis: always the local extractor's; Claude's replace them later from the backlog.
    let conceptProvider: any ConceptProvider
    /// The concept backlog lane; nil without Claude.
    let backlog: ConceptBacklogLane?
    /// Clusters of the latest run still waiting for a Claude name (kept in MongoDB too).
    let pendingNames = Mutex<PendingNames?>(nil)
    /// `pendingNames` has been read back from MongoDB since this replica last began to lead clustering.
    let pendingNamesRestored = Atomic<Bool>(false)
    /// Contrastive cluster names; nil keeps the local names.
    var nameProvider: (any ClusterNameProvider)? { claude?.names }
    /// Claude tokens of the day already added to MongoDB.
    private let persisted = Mutex<(day: Int, tokens: Int)>((day: 0, tokens: 0))

    init(context: ServiceContext) {
        self.context = context
        (claude, setupError) = Self.makeClaude(context.configuration, logger: context.logger, now: context.now)
        conceptProvider = LocalConceptProvider(limit: context.configuration.conceptsPerMessage)
        backlog = claude.map { ConceptBacklogLane(context: context, batcher: $0.batcher) }
    }

    /// The prompt version runs record.
    var promptVersion: String { claude?.promptVersion ?? "local-v1" }

    /// Prompt versions of Claude's concepts that an analysis may carry and still be up to date.
    var upgradedPromptVersions: Set<String> {
        claude == nil ? [] : [ConceptBatchPrompt.version, ConceptPrompt.version]
    }

    /// Builds the Claude integration when configured; an unusable configuration leaves it off with the reason.
    static func makeClaude(
        _ configuration: ServiceConfiguration,
        logger: Logger,
        now: @escaping @Sendable () -> Date
    ) -> (ClaudeIntegration?, String?) {
        guard let anthropic = configuration.anthropic else { return (nil, nil) }
        do {
            let claude = try ClaudeIntegration(
                configuration: anthropic,
                conceptLimit: configuration.conceptsPerMessage,
                now: now,
                onStateChange: { from, to, detail in logStateChange(logger, from: from, to: to, detail: detail) }
            )
            return (claude, nil)
        } catch {
            return (nil, "Claude is configured but unusable: \(error)")
        }
    }

    /// One log line per change of the Claude state shown in status.
    static func logStateChange(_ logger: Logger, from: String, to: String, detail: String) {
        switch to {
        case "degraded":
            logger.error("Claude API degraded (\(detail)); using local concepts and names")
        case "over budget":
            logger.warning(
                "Claude daily token budget reached (\(detail)); using local concepts and names until 00:00 UTC"
            )
        case "rate-limited":
            logger.warning("Claude API rate limited (\(detail)); waiting, or using local concepts")
        default:
            logger.info("Claude API \(to) again (was \(from))")
        }
    }

    /// Says at start-up where concepts and names come from (never the key).
    func logSetup() {
        let logger = context.logger
        if let claude {
            let settings = claude.client.configuration
            logger.info(
                "Concepts and cluster names by Claude (model \(settings.model), \(settings.baseURL), concurrency \(settings.concurrency), \(settings.requestsPerMinute) requests/min, daily token budget \(settings.dailyTokenBudget == 0 ? "none" : String(settings.dailyTokenBudget)))"
            )
        } else if let setupError {
            logger.error("\(setupError); using local concepts and names")
        } else {
            logger.info("No ANTHROPIC_API_KEY: concepts and cluster names are local")
        }
    }

    /// Stops the Claude integration (at shutdown).
    func stop() {
        claude?.stop()
    }

    /// The `llm` part of status.
    func report() -> LLMStatusReport {
        if let claude {
            var report = claude.report()
            let now = context.now()
            let progress = backlog?.progress.withLock { $0 } ?? ConceptBacklogProgress()
            report.backlog = progress.backlog
            report.backlogRatePerMinute = progress.ratePerMinute(now: now)
            report.backlogClearsInSeconds = progress.clearsInSeconds(now: now)
            report.conceptRequests = progress.requests
            report.messagesUpgraded = progress.upgraded
            report.tokensPerMessage = progress.tokensPerMessage
            report.namesPending = pendingNames.withLock { $0?.requests.count ?? 0 }
            report.batchAPI = progress.batchAPI
            return report
        }
        var report = LLMStatusReport()
        if let setupError {
            report.state = "degraded"
            report.model = context.configuration.anthropic?.model ?? ""
            report.lastError = setupError
        }
        return report
    }

    /// Reads today's Claude token count from MongoDB (summed over replicas) into the budget. Maintenance lane.
    func restore() {
        guard let claude else { return }
        let governor = claude.client.governor
        let day = governor.tokensToday().day
        do {
            let used = try context.store.llmTokensUsed(day: day)
            governor.restore(tokensUsed: used, onDay: day)
            persisted.withLock { $0 = (day: day, tokens: governor.tokensToday().tokens) }
            if used > 0 { context.logger.info("Claude tokens used today so far: \(used)") }
        } catch {
            context.noteStoreFailure(error)
        }
    }

    /// Adds the Claude tokens used since the last call to today's count in MongoDB, so a restart keeps the budget.
    /// Maintenance lane (each tick) and shutdown.
    func persist() {
        guard let claude else { return }
        let (day, tokens) = claude.client.governor.tokensToday()
        let delta: Int = persisted.withLock { persisted in
            if persisted.day != day { persisted = (day: day, tokens: 0) }
            return tokens - persisted.tokens
        }
        guard delta > 0 else { return }
        do {
            try context.store.addLLMTokens(day: day, tokens: delta)
            persisted.withLock { persisted in
                if persisted.day == day { persisted.tokens += delta }
            }
        } catch {
            context.noteStoreFailure(error)
        }
    }
}
