import Foundation

extension MessagesWire {
    /// The body of `POST /v1/messages/batches`: `{"requests": [{"custom_id", "params"}]}`.
    struct BatchCreate: Encodable {
        var requests: [BatchEntry]
    }

    /// One request of a batch.
    struct BatchEntry: Encodable {
        var customID: String
        var params: Request

        enum CodingKeys: String, CodingKey {
            case params
            case customID = "custom_id"
        }
    }

    /// A batch object.
    struct BatchReply: Decodable {
        var id: String
        var type: String?
        var processingStatus: String
        var resultsURL: String?

        enum CodingKeys: String, CodingKey {
            case id, type
            case processingStatus = "processing_status"
            case resultsURL = "results_url"
        }
    }

    /// The body of a batch of `requests` keyed by custom id.
    static func encodeBatch(
        _ requests: [(customID: String, request: MessageRequest)],
        model: String,
        disableThinking: Bool
    ) throws -> Data {
        let entries = requests.map { entry in
            BatchEntry(
                customID: entry.customID,
                params: request(entry.request, model: model, disableThinking: disableThinking)
            )
        }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return try encoder.encode(BatchCreate(requests: entries))
    }

    /// A batch object from a 2xx body; nil when it is not one.
    static func decodeBatch(_ data: Data) -> MessageBatch? {
        guard let reply = try? JSONDecoder().decode(BatchReply.self, from: data),
            reply.type == nil || reply.type == "message_batch"
        else { return nil }
        return MessageBatch(id: reply.id, processingStatus: reply.processingStatus, resultsURL: reply.resultsURL)
    }

    /// The succeeded results of a results file (JSON lines `{"custom_id", "result": {"type", "message"}}`) by
    /// custom id; errored, canceled and expired entries and unreadable lines are left out.
    static func decodeBatchResults(_ data: Data) -> [String: MessageResponse] {
        var results: [String: MessageResponse] = [:]
        for line in data.split(separator: UInt8(ascii: "\n")) where !line.isEmpty {
            guard let object = (try? JSONSerialization.jsonObject(with: Data(line))) as? [String: Any],
                let customID = object["custom_id"] as? String,
                let result = object["result"] as? [String: Any], result["type"] as? String == "succeeded",
                let message = result["message"],
                let messageData = try? JSONSerialization.data(withJSONObject: message),
                let reply = decodeReply(messageData)
            else { continue }
            results[customID] = reply
        }
        return results
    }
}
