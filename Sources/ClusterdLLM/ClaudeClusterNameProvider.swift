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

    /// Names for `requests` by stable id, `namingBatchClusters` clusters per request (``NamingBatchPrompt``; a
    /// request of one cluster uses the single prompt). A reply that is not a JSON array gets one more call with a
    /// reminder; a bad or missing item leaves only its cluster out. When a call gets no reply at all
    /// (``LLMError``: no slot, over budget, API down) the clusters not yet named are left out without further
    /// calls, for the caller to ask again later.
    public func names(_ requests: [ClusterNamingRequest]) -> [String: ClusterNaming] {
        var result: [String: ClusterNaming] = [:]
        let size = client.configuration.namingBatchClusters
        for start in stride(from: 0, to: requests.count, by: size) {
            let chunk = Array(requests[start..<min(requests.count, start + size)])
            if chunk.count == 1 {
                guard let naming = name(chunk[0]) else { continue }
                result[chunk[0].stableID] = naming
                continue
            }
            guard let named = batch(chunk) else { break }
            for (index, naming) in named { result[chunk[index].stableID] = naming }
        }
        return result
    }

    /// One batched request (and its retry) for `chunk`: the valid names by position, or nil when a call got no
    /// reply at all.
    private func batch(_ chunk: [ClusterNamingRequest]) -> [Int: ClusterNaming]? {
        var reason: String?
        var named: [Int: ClusterNaming] = [:]
        for attempt in 1...2 {
            let message = MessageRequest(
                system: NamingBatchPrompt.system,
                userText: NamingBatchPrompt.userText(for: chunk, reminder: attempt > 1),
                maxTokens: max(client.configuration.namingMaxTokens, min(32_000, 160 * chunk.count + 64))
            )
            let response: MessageResponse
            do {
                response = try client.createMessage(message)
            } catch {
                client.governor.noteFallback(reason: nil)
                return nil
            }
            if response.stopReason == "refusal" {
                reason = "naming: the model declined a batch of \(chunk.count) (stop_reason refusal)"
                break
            }
            guard let parsed = NamingBatchPrompt.parse(response.text, count: chunk.count) else {
                reason =
                    "naming: batched reply \(attempt) was not the JSON array asked for "
                    + "(\(response.text.count) characters, stop_reason \(response.stopReason))"
                continue
            }
            named = parsed
            if parsed.count < chunk.count {
                reason =
                    "naming: \(chunk.count - parsed.count) of \(chunk.count) item(s) missing or invalid in a batched "
                    + "reply (stop_reason \(response.stopReason)); they keep local names and are asked again later"
            } else {
                reason = nil
            }
            break
        }
        if reason != nil { client.governor.noteFallback(reason: reason) }
        return named
    }
}
