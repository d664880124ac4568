import ClusterdCore
import ClusterdEmbedding
import ClusterdLLM
import ClusterdStore
import Logging

@testable import ClusterdService

/// The service the scenario tests drive by hand: the hashing embedder, one analysis worker, automatic runs out of
/// reach (100,000 messages or 10,000 minutes), an hour's tick, and not-found messages retried once after 50 ms.
enum ScenarioService {
    /// Such a service on `store` with `clustering`, a queue of `queueCapacity` and, when given, Claude at `anthropic`.
    static func make(
        store: MongoStore,
        clustering: ClusteringConfiguration,
        queueCapacity: Int = 200,
        anthropic: AnthropicConfiguration? = nil
    ) -> BackgroundClusteringService {
        var configuration = ServiceConfiguration(
            trigger: TriggerConfiguration(enabled: true, messageThreshold: 100_000, timeThresholdMinutes: 10_000),
            analysisWorkers: 1,
            queueCapacity: queueCapacity,
            notFoundRetryDelays: [0.05],
            tickSeconds: 3600,
            clustering: clustering
        )
        configuration.anthropic = anthropic
        return BackgroundClusteringService(
            configuration: configuration,
            store: store,
            embedder: HashingEmbedder(),
            logger: Logger(label: "test")
        )
    }
}

extension MongoStore {
    /// Inserts one host conversation of user messages with ids `<conversation>-<index>`; their ids, in order.
    func insertConversation(_ conversation: String, _ texts: [String]) throws -> [String] {
        let records = texts.enumerated().map { index, text in
            MessageRecord(
                id: .string("\(conversation)-\(index)"),
                conversationID: .string(conversation),
                role: "user",
                content: text
            )
        }
        try insertHostMessages(records)
        return records.map(\.id.description)
    }
}
