import ClusterdCore
import ClusterdLLM
import Foundation
import Logging

extension BackgroundClusteringService {
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
    func logLLMSetup() {
        if let claude {
            let settings = claude.client.configuration
            logger.info(
                "Concepts and cluster names by Claude (model \(settings.model), \(settings.baseURL), concurrency \(settings.concurrency), \(settings.requestsPerMinute) requests/min, daily token budget \(settings.dailyTokenBudget == 0 ? "none" : String(settings.dailyTokenBudget)))"
            )
        } else if let claudeSetupError {
            logger.error("\(claudeSetupError); using local concepts and names")
        } else {
            logger.info("No ANTHROPIC_API_KEY: concepts and cluster names are local")
        }
    }

    /// The `llm` part of status.
    func llmReport() -> LLMStatusReport {
        if let claude { return claude.report() }
        var report = LLMStatusReport()
        if let claudeSetupError {
            report.state = "degraded"
            report.model = configuration.anthropic?.model ?? ""
            report.lastError = claudeSetupError
        }
        return report
    }

    /// Reads today's Claude token count from MongoDB (summed over replicas) into the budget. Maintenance lane.
    func restoreLLMUsage() {
        guard let claude else { return }
        let governor = claude.client.governor
        let day = governor.tokensToday().day
        do {
            let used = try store.llmTokensUsed(day: day)
            governor.restore(tokensUsed: used, onDay: day)
            persistedLLMUsage.withLock { $0 = (day: day, tokens: governor.tokensToday().tokens) }
            if used > 0 { logger.info("Claude tokens used today so far: \(used)") }
        } catch {
            noteStoreFailure(error)
        }
    }

    /// Adds the Claude tokens used since the last call to today's count in MongoDB, so a restart keeps the budget.
    /// Maintenance lane (each tick) and shutdown.
    func persistLLMUsage() {
        guard let claude else { return }
        let (day, tokens) = claude.client.governor.tokensToday()
        let delta: Int = persistedLLMUsage.withLock { persisted in
            if persisted.day != day { persisted = (day: day, tokens: 0) }
            return tokens - persisted.tokens
        }
        guard delta > 0 else { return }
        do {
            try store.addLLMTokens(day: day, tokens: delta)
            persistedLLMUsage.withLock { persisted in
                if persisted.day == day { persisted.tokens += delta }
            }
        } catch {
            noteStoreFailure(error)
        }
    }
}
