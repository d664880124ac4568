import Foundation

/// The seed's three clustering trigger settings.
public struct TriggerConfiguration: Sendable, Equatable {
    /// `BACKGROUND_CLUSTERING_ENABLED`: when false nothing runs automatically (ForceClustering still works).
    public var enabled: Bool
    /// `CLUSTERING_MESSAGE_THRESHOLD`: unprocessed messages that trigger a run.
    public var messageThreshold: Int
    /// `CLUSTERING_TIME_THRESHOLD_MINUTES`: minutes since the last run after which any unprocessed message triggers one.
    public var timeThresholdMinutes: Int

    /// Creates a configuration; the defaults are DESIGN §5's.
    public init(enabled: Bool = true, messageThreshold: Int = 3, timeThresholdMinutes: Int = 30) {
        self.enabled = enabled
        self.messageThreshold = messageThreshold
        self.timeThresholdMinutes = timeThresholdMinutes
    }
}

/// What the trigger rules look at.
public struct TriggerInputs: Sendable, Equatable {
    /// Analysed messages not yet included in the latest successful run.
    public var unprocessedMessages: Int
    /// Analyses written since the latest run attempt of any status (so a skipped or failed run is not
    /// retried in a loop without new data; the time rule retries it).
    public var newSinceLastAttempt: Int
    /// All analysed messages.
    public var analyzedMessages: Int
    /// Start of the latest run of any status; nil when there has never been one.
    public var lastRunAt: Date?

    /// Creates inputs.
    public init(unprocessedMessages: Int, newSinceLastAttempt: Int, analyzedMessages: Int, lastRunAt: Date?) {
        self.unprocessedMessages = unprocessedMessages
        self.newSinceLastAttempt = newSinceLastAttempt
        self.analyzedMessages = analyzedMessages
        self.lastRunAt = lastRunAt
    }
}

/// The outcome of evaluating the rules.
public struct TriggerDecision: Sendable, Equatable {
    /// True when any rule holds (the seed's `should_trigger_clustering`).
    public var shouldTrigger: Bool
    /// True when the service should start a run by itself: a rule holds and background clustering is enabled.
    public var runAutomatically: Bool
    /// The seed's `trigger_reason`, e.g. "5 unprocessed messages (threshold: 3)".
    public var reason: String
    /// Whole minutes since the last run, nil when there has been none.
    public var minutesSinceLastRun: Int?
}

/// DESIGN §5's trigger rules, as a pure function of inputs and the time.
///
/// A run is due when ANY holds:
/// 1. no run yet and at least 2 analysed messages;
/// 2. unprocessed messages ≥ the message threshold (and something new since the last attempt);
/// 3. minutes since the last run ≥ the time threshold and at least one unprocessed message.
public struct TriggerPolicy: Sendable {
    /// Thresholds and the enabled switch.
    public var configuration: TriggerConfiguration

    /// Creates a policy.
    public init(configuration: TriggerConfiguration) {
        self.configuration = configuration
    }

    /// Evaluates the rules at `now`.
    public func evaluate(_ inputs: TriggerInputs, now: Date) -> TriggerDecision {
        let minutes = inputs.lastRunAt.map { max(0, Int(now.timeIntervalSince($0) / 60)) }
        let reason: String?
        if inputs.lastRunAt == nil && inputs.analyzedMessages >= 2 {
            reason = "First run: \(inputs.analyzedMessages) messages and no clustering runs yet"
        } else if inputs.unprocessedMessages >= max(1, configuration.messageThreshold) && inputs.newSinceLastAttempt > 0
        {
            reason = "\(inputs.unprocessedMessages) unprocessed messages (threshold: \(configuration.messageThreshold))"
        } else if let minutes, minutes >= configuration.timeThresholdMinutes && inputs.unprocessedMessages >= 1 {
            reason = "\(minutes) minutes since last clustering (threshold: \(configuration.timeThresholdMinutes))"
        } else {
            reason = nil
        }
        guard let reason else {
            return TriggerDecision(
                shouldTrigger: false,
                runAutomatically: false,
                reason: idleReason(inputs, minutes: minutes),
                minutesSinceLastRun: minutes
            )
        }
        return TriggerDecision(
            shouldTrigger: true,
            runAutomatically: configuration.enabled,
            reason: configuration.enabled ? reason : reason + " (background clustering disabled)",
            minutesSinceLastRun: minutes
        )
    }

    private func idleReason(_ inputs: TriggerInputs, minutes: Int?) -> String {
        if inputs.lastRunAt == nil {
            return "Waiting for at least 2 analysed messages (have \(inputs.analyzedMessages))"
        }
        return "\(inputs.unprocessedMessages) unprocessed messages (threshold: \(configuration.messageThreshold))"
    }
}
