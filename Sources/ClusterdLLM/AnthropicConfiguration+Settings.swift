import ClusterdCore

extension AnthropicConfiguration {
    /// `ANTHROPIC_API_KEY`.
    public static let apiKeyKey = SettingKey(
        "ANTHROPIC_API_KEY",
        default: "",
        "Turns Claude on for concepts and cluster names (local ones without it); sent only as `x-api-key`, never logged."
    )
    /// `ANTHROPIC_BASE_URL`.
    public static let baseURLKey = SettingKey(
        "ANTHROPIC_BASE_URL",
        default: "https://api.anthropic.com",
        "The Messages API's base URL; plain `http` only for a loopback host (as tests use)."
    )
    /// `CLUSTERD_ANTHROPIC_MODEL`.
    public static let modelKey = SettingKey(
        "CLUSTERD_ANTHROPIC_MODEL",
        default: "claude-haiku-5-5",
        "The model asked for concepts and names."
    )
    /// `CLUSTERD_ANTHROPIC_THINKING`.
    public static let thinkingKey = SettingKey(
        "CLUSTERD_ANTHROPIC_THINKING",
        default: "disabled",
        "`disabled` sends `thinking: {type: disabled}`; `default` leaves thinking to the model, for models that refuse to turn it off."
    )
    /// `CLUSTERD_LLM_CONCURRENCY`.
    public static let concurrencyKey = SettingKey(
        "CLUSTERD_LLM_CONCURRENCY",
        default: "4",
        "Claude requests in flight at once."
    )
    /// `CLUSTERD_LLM_RPM`.
    public static let requestsPerMinuteKey = SettingKey(
        "CLUSTERD_LLM_RPM",
        default: "50",
        "Requests per sliding minute, retries included; 0 = no limit."
    )
    /// `CLUSTERD_LLM_DAILY_TOKENS`.
    public static let dailyTokensKey = SettingKey(
        "CLUSTERD_LLM_DAILY_TOKENS",
        default: "2000000",
        "Input + output tokens per UTC day, summed over replicas in MongoDB; 0 = no budget."
    )
    /// `CLUSTERD_LLM_MAX_ATTEMPTS`.
    public static let maxAttemptsKey = SettingKey(
        "CLUSTERD_LLM_MAX_ATTEMPTS",
        default: "4",
        "Attempts per request, the first included."
    )
    /// `CLUSTERD_LLM_TIMEOUT_SECONDS`.
    public static let timeoutKey = SettingKey(
        "CLUSTERD_LLM_TIMEOUT_SECONDS",
        default: "30",
        "Longest a whole request may take."
    )
    /// `CLUSTERD_LLM_CONNECT_TIMEOUT_SECONDS`.
    public static let connectTimeoutKey = SettingKey(
        "CLUSTERD_LLM_CONNECT_TIMEOUT_SECONDS",
        default: "5",
        "Longest a connection may take to open."
    )
    /// `CLUSTERD_LLM_MAX_WAIT_SECONDS`.
    public static let maxWaitKey = SettingKey(
        "CLUSTERD_LLM_MAX_WAIT_SECONDS",
        default: "30",
        "Longest wait for a concurrency or rate slot before the local fallback is used."
    )

    /// `CLUSTERD_LLM_NAMING_RPM`.
    public static let namingRPMKey = SettingKey(
        "CLUSTERD_LLM_NAMING_RPM",
        default: "5",
        "Of the requests per minute, how many the concept backlog leaves to cluster naming."
    )
    /// `CLUSTERD_LLM_NAMING_BATCH`.
    public static let namingBatchKey = SettingKey(
        "CLUSTERD_LLM_NAMING_BATCH",
        default: "20",
        "Most clusters Claude names in one request (1: one request per cluster)."
    )
    /// `CLUSTERD_LLM_BATCH_TOKENS`.
    public static let batchTokensKey = SettingKey(
        "CLUSTERD_LLM_BATCH_TOKENS",
        default: "6000",
        "Estimated input tokens of the messages in one batched concept request."
    )
    /// `CLUSTERD_LLM_BATCH_ITEMS`.
    public static let batchItemsKey = SettingKey(
        "CLUSTERD_LLM_BATCH_ITEMS",
        default: "40",
        "Most messages in one batched concept request."
    )
    /// `CLUSTERD_LLM_BATCH_API`.
    public static let batchAPIKey = SettingKey(
        "CLUSTERD_LLM_BATCH_API",
        default: "off",
        "auto: a large concept backlog goes through the Message Batches API (normal requests when it fails); off."
    )
    /// `CLUSTERD_LLM_BATCH_API_MIN`.
    public static let batchAPIMinKey = SettingKey(
        "CLUSTERD_LLM_BATCH_API_MIN",
        default: "2000",
        "Concept backlog size from which the Message Batches API is used (CLUSTERD_LLM_BATCH_API=auto)."
    )

    /// The Claude keys, in the order they are documented.
    public static let settingKeys = [
        apiKeyKey, baseURLKey, modelKey, thinkingKey, concurrencyKey, requestsPerMinuteKey, dailyTokensKey,
        maxAttemptsKey, timeoutKey, connectTimeoutKey, maxWaitKey, namingRPMKey, namingBatchKey, batchTokensKey,
        batchItemsKey,
        batchAPIKey, batchAPIMinKey,
    ]

    /// The Claude settings when `ANTHROPIC_API_KEY` is set; nil otherwise (local concepts and names). Refuses a base
    /// URL the client would refuse (not https, or plain http to a host that is not loopback).
    public static func fromSettings(_ settings: SettingsReader) throws(SettingsError) -> AnthropicConfiguration? {
        guard let key = settings.text(apiKeyKey) else { return nil }
        var anthropic = AnthropicConfiguration(apiKey: key)
        if let url = settings.text(baseURLKey) { anthropic.baseURL = url }
        if let model = settings.text(modelKey) { anthropic.model = model }
        if let value = settings.raw(thinkingKey) {
            switch value.lowercased() {
            case "disabled", "off", "false": anthropic.disableThinking = true
            case "default", "on", "true": anthropic.disableThinking = false
            default: throw SettingsError("\(thinkingKey.name) must be disabled or default, not \(value)")
            }
        }
        if let value = try settings.number(concurrencyKey, as: Int.self) { anthropic.concurrency = max(1, value) }
        if let value = try settings.number(requestsPerMinuteKey, as: Int.self) { anthropic.requestsPerMinute = value }
        if let value = try settings.number(dailyTokensKey, as: Int.self) { anthropic.dailyTokenBudget = value }
        if let value = try settings.number(maxAttemptsKey, as: Int.self) { anthropic.retry.maxAttempts = max(1, value) }
        if let value = try settings.milliseconds(timeoutKey) { anthropic.http.totalTimeoutMilliseconds = value }
        if let value = try settings.milliseconds(connectTimeoutKey) {
            anthropic.http.connectTimeoutMilliseconds = value
        }
        if let value = try settings.milliseconds(maxWaitKey) { anthropic.maxQueueWaitSeconds = Double(value) / 1000 }
        if let value = try settings.number(namingRPMKey, as: Int.self) { anthropic.namingRequestsPerMinute = value }
        if let value = try settings.number(batchTokensKey, as: Int.self) { anthropic.conceptBatchTokens = value }
        if let value = try settings.number(batchItemsKey, as: Int.self) { anthropic.conceptBatchItems = value }
        if let value = try settings.number(namingBatchKey, as: Int.self) {
            anthropic.namingBatchClusters = max(1, value)
        }
        if let value = settings.raw(batchAPIKey) {
            guard let mode = AnthropicConfiguration.BatchAPIMode(rawValue: value.lowercased()) else {
                throw SettingsError("\(batchAPIKey.name) must be auto or off, not \(value)")
            }
            anthropic.batchAPI = mode
        }
        if let value = try settings.number(batchAPIMinKey, as: Int.self) { anthropic.batchAPIMinBacklog = value }
        do {
            _ = try AnthropicClient(configuration: anthropic, governor: LLMGovernor(configuration: anthropic))
        } catch {
            throw SettingsError("Claude settings: \(error.message)")
        }
        return anthropic
    }
}
