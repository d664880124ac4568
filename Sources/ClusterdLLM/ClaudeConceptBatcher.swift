import ClusterdCore
import Foundation

/// Concepts of many messages per request (``ConceptBatchPrompt``): plans requests by estimated tokens, sends them
/// as background requests (leaving the naming reserve of the rate limit alone), and validates each reply item on
/// its own. A message whose item is bad or missing is reported as missing, so the caller keeps its local concepts
/// and tries it again later. Blocks: call it from the service's own threads only.
public final class ClaudeConceptBatcher: Sendable {
    /// The client requests go through.
    public let client: AnthropicClient
    private let limit: Int

    /// Creates a batcher returning at most `limit` concepts per message.
    public init(client: AnthropicClient, limit: Int) {
        self.client = client
        self.limit = max(0, limit)
    }

    /// Estimated input tokens of one item in a request: its text (cut as the prompt cuts it) at about 3 bytes a
    /// token, plus the JSON around it.
    public func estimatedTokens(of item: ConceptBatchPrompt.Item) -> Int {
        let cap = client.configuration.maxMessageCharacters
        let bytes = item.text.count > cap ? String(item.text.prefix(cap)).utf8.count : item.text.utf8.count
        return bytes / 3 + item.id.utf8.count / 3 + 12
    }

    /// `items` cut into requests, in order: each holds at most `conceptBatchItems` messages and, unless it holds a
    /// single one, at most `conceptBatchTokens` estimated input tokens.
    public func plan(_ items: [ConceptBatchPrompt.Item]) -> [[ConceptBatchPrompt.Item]] {
        let configuration = client.configuration
        var batches: [[ConceptBatchPrompt.Item]] = []
        var current: [ConceptBatchPrompt.Item] = []
        var tokens = 0
        for item in items {
            let cost = estimatedTokens(of: item)
            if !current.isEmpty
                && (current.count >= configuration.conceptBatchItems
                    || tokens + cost > configuration.conceptBatchTokens)
            {
                batches.append(current)
                (current, tokens) = ([], 0)
            }
            current.append(item)
            tokens += cost
        }
        if !current.isEmpty { batches.append(current) }
        return batches
    }

    /// Output tokens asked for `count` items: about 120 each (eight concepts, a topic, a summary and the JSON),
    /// at least the single-message cap.
    public func maxTokens(forItems count: Int) -> Int {
        max(client.configuration.conceptMaxTokens, min(32_000, 120 * count + 64))
    }

    /// The request for one planned batch (background priority).
    public func request(for items: [ConceptBatchPrompt.Item]) -> MessageRequest {
        MessageRequest(
            system: ConceptBatchPrompt.system,
            userText: ConceptBatchPrompt.userText(for: items, maxCharacters: client.configuration.maxMessageCharacters),
            maxTokens: maxTokens(forItems: items.count),
            priority: .background
        )
    }

    /// Sends one planned batch. Throws ``LLMError`` when there is no reply at all (rate limited, over budget, API
    /// down): the caller tries the items again later.
    public func extract(_ items: [ConceptBatchPrompt.Item]) throws(LLMError) -> ConceptBatchResult {
        let response = try client.createMessage(request(for: items))
        return result(of: response, for: items)
    }

    /// The valid items of a reply to the request for `items` (also used for Message Batches results); a refusal
    /// or a reply cut at `max_tokens` leaves what could be read, the rest missing.
    public func result(of response: MessageResponse, for items: [ConceptBatchPrompt.Item]) -> ConceptBatchResult {
        let ids = Set(items.map(\.id))
        let extractions =
            response.stopReason == "refusal"
            ? [:] : ConceptBatchPrompt.parse(response.text, ids: ids, limit: limit)
        let missing = items.map(\.id).filter { extractions[$0] == nil }
        if !missing.isEmpty {
            client.governor.noteFallback(
                reason: "concepts: \(missing.count) of \(items.count) item(s) missing or invalid in a batched reply "
                    + "(stop_reason \(response.stopReason)); they stay local and are tried again later"
            )
        }
        return ConceptBatchResult(extractions: extractions, missing: missing, usage: response.usage)
    }
}
