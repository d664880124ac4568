import ClusterdCore
import Foundation

/// Contrastive cluster names by Claude. A reply that is not the JSON asked for gets one more call (with a
/// reminder); after that, or on any ``LLMError``, the cluster keeps its local name. Blocks: call it from the
/// clustering queue only.
public final class ClaudeClusterNameProvider: ClusterNameProvider {
    private let client: AnthropicClient

    /// Creates a provider.
    public init(client: AnthropicClient) {
        self.client = client
    }

    /// "claude".
    public var source: String { ConceptExtraction.claudeSource }

    /// A name and one-sentence description, or nil to keep the local label.
    public func name(_ request: ClusterNamingRequest) -> ClusterNaming? {
        var reason: String?
        for attempt in 1...2 {
            let message = MessageRequest(
                system: NamingPrompt.system,
                userText: NamingPrompt.userText(for: request, reminder: attempt > 1),
                maxTokens: client.configuration.namingMaxTokens
            )
            let response: MessageResponse
            do {
                response = try client.createMessage(message)
            } catch {
                reason = nil
                break
            }
            if response.stopReason == "refusal" {
                reason = "naming: the model declined (stop_reason refusal)"
                break
            }
            if let naming = NamingPrompt.parse(response.text) { return naming }
            reason =
                "naming: reply \(attempt) was not the JSON object asked for "
                + "(\(response.text.count) characters, stop_reason \(response.stopReason))"
        }
        client.governor.noteFallback(reason: reason)
        return nil
    }
}
