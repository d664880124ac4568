import ClusterdCore
import Foundation

/// Concepts by Claude, with the local extractor as fallback.
///
/// One call per message; a reply that is not the JSON asked for gets one more call (with a reminder), then the
/// local extractor. Any ``LLMError`` (API down, rate limited, over budget, key rejected) goes straight to the local
/// extractor. Blocks: call it from the analysis queue only.
public final class ClaudeConceptProvider: ConceptProvider {
    private let client: AnthropicClient
    private let local: LocalConceptProvider
    private let limit: Int

    /// Creates a provider returning at most `limit` concepts.
    public init(client: AnthropicClient, limit: Int) {
        self.client = client
        self.limit = max(0, limit)
        local = LocalConceptProvider(limit: limit)
    }

    /// ``ConceptPrompt/version``.
    public var promptVersion: String { ConceptPrompt.version }

    /// Concepts of `text`: Claude's (source "claude") or, failing that, the local extractor's (source "local").
    public func extract(_ text: String) -> ConceptExtraction {
        guard text.contains(where: { !$0.isWhitespace }) else { return local.extract(text) }
        let configuration = client.configuration
        var reason: String?
        for attempt in 1...2 {
            let request = MessageRequest(
                system: ConceptPrompt.system,
                userText: ConceptPrompt.userText(
                    for: text,
                    maxCharacters: configuration.maxMessageCharacters,
                    reminder: attempt > 1
                ),
                maxTokens: configuration.conceptMaxTokens
            )
            let response: MessageResponse
            do {
                response = try client.createMessage(request)
            } catch {
                reason = nil  // the governor recorded it
                break
            }
            if response.stopReason == "refusal" {
                reason = "concepts: the model declined the message (stop_reason refusal)"
                break
            }
            if let extraction = ConceptPrompt.parse(response.text, limit: limit) { return extraction }
            reason =
                "concepts: reply \(attempt) was not the JSON object asked for "
                + "(\(response.text.count) characters, stop_reason \(response.stopReason))"
        }
        client.governor.noteFallback(reason: reason)
        return local.extract(text)
    }
}
