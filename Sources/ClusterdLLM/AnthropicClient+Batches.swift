import Foundation

extension AnthropicClient {
    /// Creates a Message Batch of `requests` (`POST /v1/messages/batches`). One request, not retried, outside the
    /// rate limit of `/v1/messages` (batches have limits of their own). Throws ``LLMError`` (a 404 is
    /// ``LLMError/Code-swift.struct/notFound``: no batches endpoint).
    public func createBatch(_ requests: [(customID: String, request: MessageRequest)]) throws(LLMError) -> MessageBatch
    {
        let body: Data
        do {
            body = try MessagesWire.encodeBatch(
                requests,
                model: configuration.model,
                disableThinking: configuration.disableThinking
            )
        } catch {
            throw LLMError(.invalidRequest, "cannot encode the batch: \(error)")
        }
        return try batchCall(method: "POST", url: configuration.batchesURL, body: body)
    }

    /// The batch `id` as it stands (`GET /v1/messages/batches/{id}`): poll until ``MessageBatch/ended``.
    public func batch(id: String) throws(LLMError) -> MessageBatch {
        guard id.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "_" || $0 == "-" }) else {
            throw LLMError(.invalidRequest, "not a batch id")
        }
        return try batchCall(method: "GET", url: configuration.batchesURL + "/" + id, body: nil)
    }

    /// The succeeded results of an ended batch by custom id, read from its `results_url`, which must be on the
    /// configured API host (the key is never sent elsewhere).
    public func batchResults(of batch: MessageBatch) throws(LLMError) -> [String: MessageResponse] {
        guard let url = batch.resultsURL, url.hasPrefix(configuration.batchesURL + "/") else {
            throw LLMError(.invalidResponse, "the batch's results_url is missing or not on the API host")
        }
        let response = try sendOnce(HTTPRequest(method: "GET", url: url, headers: headers(accept: "*/*")))
        let results = MessagesWire.decodeBatchResults(response.body)
        for reply in results.values { governor.addUsage(reply.usage) }
        return results
    }

    /// One batch request answered with a batch object.
    private func batchCall(method: String, url: String, body: Data?) throws(LLMError) -> MessageBatch {
        var headers = headers(accept: "application/json")
        if body != nil { headers.append(("content-type", "application/json")) }
        let response = try sendOnce(HTTPRequest(method: method, url: url, headers: headers, body: body))
        guard let batch = MessagesWire.decodeBatch(response.body) else {
            throw LLMError(.invalidResponse, "a \(response.status) reply that is not a message batch")
        }
        return batch
    }

    /// The headers every API request carries.
    private func headers(accept: String) -> [(String, String)] {
        [("x-api-key", configuration.apiKey), ("anthropic-version", configuration.apiVersion), ("accept", accept)]
    }

    /// Sends one request, no retry: a 2xx response, or the mapped error.
    private func sendOnce(_ request: HTTPRequest) throws(LLMError) -> HTTPResponse {
        let response: HTTPResponse
        do {
            response = try http.send(request)
        } catch {
            throw Self.error(for: error)
        }
        guard (200..<300).contains(response.status) else { throw Self.error(for: response) }
        return response
    }
}
