import Foundation
import Testing

@testable import ClusterdCore
@testable import ClusterdService

/// The run's bounded loader: never more conversations held than the budget allows, whole conversations only, and
/// passes from each bound up that cover every conversation once.
@Suite struct ConversationCollectorTests {
    static let dimension = 8

    /// `conversations` conversations of 3 messages each, messages interleaved across conversations (as `_id` order
    /// spreads them), in batches of 7.
    static func batches(conversations: Int) -> [[MessageAnalysis]] {
        var analyses: [MessageAnalysis] = []
        for message in 0..<3 {
            for conversation in 0..<conversations {
                var embedding = [Float](repeating: 0.1, count: dimension)
                embedding[message] = 1
                analyses.append(
                    MessageAnalysis(
                        messageID: .string("m-\(conversation)-\(message)"),
                        conversationID: .string("c-\(conversation)"),
                        concepts: ["topic \(message)"],
                        embedding: embedding,
                        embedder: "test",
                        conceptSource: "local",
                        analyzedAt: Date(timeIntervalSince1970: 0)
                    )
                )
            }
        }
        return stride(from: 0, to: analyses.count, by: 7).map { Array(analyses[$0..<min(analyses.count, $0 + 7)]) }
    }

    /// A budget that holds exactly `conversations` conversations of `dimension` floats.
    static func budget(holding conversations: Int) -> ClusteringMemoryBudget {
        ClusteringMemoryBudget(
            bytes: 1_000 + conversations * ClusteringMemoryBudget.bytesPerConversation(dimension: dimension),
            reservedBytes: 1_000
        )
    }

    @Test func holdsEverythingWhenItFits() {
        var collector = ConversationCollector(budget: Self.budget(holding: 200), seed: 1, keepsConcepts: true)
        for batch in Self.batches(conversations: 100) { collector.add(batch) }
        #expect(collector.reachedEnd)
        #expect(collector.messagesSeen == 300)
        let conversations = collector.conversations()
        #expect(conversations.count == 100)
        #expect(conversations.allSatisfy { $0.concepts.count == 3 })
    }

    @Test func neverHoldsMoreThanTheBudgetAndPassesCoverEveryConversationOnce() {
        let budget = Self.budget(holding: 10)
        var seen: [RecordID: Int] = [:]
        var lower: UInt64 = 0
        var passes = 0
        while true {
            var collector = ConversationCollector(budget: budget, seed: 1, lowerBound: lower, keepsConcepts: false)
            for batch in Self.batches(conversations: 100) { collector.add(batch) }
            #expect(collector.capacity == 10)
            #expect(collector.peakHeld <= 10)
            for conversation in collector.conversations() {
                seen[conversation.id, default: 0] += 1
                // Whole conversations only: the sum of its three normalised messages.
                let expected = (0..<3).map { message -> [Float] in
                    var embedding = [Float](repeating: 0.1, count: Self.dimension)
                    embedding[message] = 1
                    return VectorMath.normalized(embedding)
                }
                let sum = (0..<Self.dimension).map { index in expected.reduce(0) { $0 + $1[index] } }
                #expect(zip(conversation.embeddings[0], sum).allSatisfy { abs($0 - $1) < 1e-5 })
            }
            passes += 1
            if collector.reachedEnd { break }
            lower = collector.upperBound + 1
        }
        #expect(seen.count == 100)
        #expect(seen.values.allSatisfy { $0 == 1 })
        #expect(passes >= 10)
    }

    @Test func theSampleIsTheSameWhateverTheOrder() {
        var forward = ConversationCollector(budget: Self.budget(holding: 10), seed: 4, keepsConcepts: false)
        var backward = forward
        let batches = Self.batches(conversations: 60)
        for batch in batches { forward.add(batch) }
        for batch in batches.reversed() { backward.add(batch.reversed()) }
        #expect(forward.conversations().map(\.id) == backward.conversations().map(\.id))
        #expect(!forward.conversations().isEmpty)
    }
}
