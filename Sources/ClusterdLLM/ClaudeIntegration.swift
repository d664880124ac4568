import ClusterdCore
import Foundation

/// Everything the service needs of Claude, built from one configuration: the client and its governor, the concept
/// provider and the cluster-name provider.
public final class ClaudeIntegration: Sendable {
    /// The Messages API client.
    public let client: AnthropicClient
    /// Concepts per message, falling back to the local extractor.
    public let concepts: ClaudeConceptProvider
    /// Contrastive cluster names.
    public let names: ClaudeClusterNameProvider
    /// Concepts of many messages per request, for the concept backlog.
    public let batcher: ClaudeConceptBatcher

    /// Builds the integration; `onStateChange` hears every change of the state status shows (for logging).
    /// Throws for an unusable configuration (empty key, base URL that is not https or loopback http).
    public init(
        configuration: AnthropicConfiguration,
        conceptLimit: Int,
        now: @escaping @Sendable () -> Date = { Date() },
        onStateChange: @escaping @Sendable (_ from: String, _ to: String, _ detail: String) -> Void = { _, _, _ in }
    ) throws(LLMError) {
        let governor = LLMGovernor(configuration: configuration, now: now, onStateChange: onStateChange)
        client = try AnthropicClient(configuration: configuration, governor: governor)
        concepts = ClaudeConceptProvider(client: client, limit: conceptLimit)
        names = ClaudeClusterNameProvider(client: client)
        batcher = ClaudeConceptBatcher(client: client, limit: conceptLimit)
    }

    /// The prompt versions and model, for a run's inputs: "claude-haiku-5-5/concepts-batch-v1/names-batch-v1" (the
    /// single naming prompt's version when each cluster is named on its own).
    public var promptVersion: String {
        let naming = client.configuration.namingBatchClusters > 1 ? NamingBatchPrompt.version : NamingPrompt.version
        return "\(client.configuration.model)/\(ConceptBatchPrompt.version)/\(naming)"
    }

    /// State, calls, failures and tokens for status.
    public func report() -> LLMStatusReport {
        client.governor.report()
    }

    /// Refuses later calls and ends waits (at shutdown); a request already on the wire finishes or times out.
    public func stop() {
        client.governor.stop()
    }
}
