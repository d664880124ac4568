import ClusterdCore
import Foundation

/// Sample models for the store tests.
enum Fixtures {
    /// An analysis of `id` with a small embedding.
    /// The embedder every fixture analysis is by.
    static let embedder = "hashing-v1"

    static func analysis(
        _ id: RecordID,
        conversation: RecordID = .string("c"),
        concepts: [String] = ["swift", "mongo"],
        embedding: [Float] = [0.6, 0.8, 0],
        analyzedAt: Date = Date(timeIntervalSince1970: 1_736_544_600)
    ) -> MessageAnalysis {
        MessageAnalysis(
            messageID: id,
            conversationID: conversation,
            concepts: concepts,
            embedding: embedding,
            embedder: embedder,
            conceptSource: "local",
            analyzedAt: analyzedAt
        )
    }

    /// A running run created at `createdAt`.
    static func run(createdAt: Date, status: RunStatus = .running, seed: UInt64 = 42) -> ClusteringRun {
        ClusteringRun(
            id: ObjectIDGenerator.make(now: createdAt),
            createdAt: createdAt,
            status: status,
            triggerReason: "5 unprocessed messages (threshold: 3)",
            inputs: RunInputs(
                seed: seed,
                embedder: "all-MiniLM-L6-v2",
                kRule: "silhouette:2-12",
                messageThreshold: 3,
                timeThresholdMinutes: 30,
                snapshotAnalyzedBefore: createdAt
            )
        )
    }
}
