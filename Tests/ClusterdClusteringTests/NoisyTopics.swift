import Foundation

@testable import ClusterdClustering
@testable import ClusterdCore

/// Realistic synthetic conversations for the stability tests: overlapping topics of unequal size, noisy messages,
/// conversations that wander between two topics, and concepts shared by every topic.
///
/// Each topic has a centre in a `dimension`-d space; some centres are deliberately close to another (cosine about
/// 0.64), so their conversations overlap. A conversation has 1–4 messages; each message embedding is its topic's
/// centre plus Gaussian noise (per-message cosine to the centre about 0.55), and one conversation in
/// `mixedEvery` takes its later messages from a second topic. Concepts: one or two words of the topic's vocabulary
/// per message, plus words every topic uses ("thanks", "help", "question", "account").
struct NoisyTopics {
    /// Topic vocabularies (a topic uses the one at its index modulo the count).
    static let vocabularies: [[String]] = [
        ["refund", "invoice", "billing", "charge", "payment"],
        ["password", "login", "reset", "two factor", "locked out"],
        ["shipping", "tracking", "delivery", "courier", "parcel"],
        ["subscription", "cancel", "renewal", "plan", "upgrade"],
        ["crash", "bug", "error message", "update", "app"],
        ["recipe", "oven", "flour", "baking", "dough"],
        ["flight", "visa", "hotel", "airport", "luggage"],
        ["invoice export", "spreadsheet", "report", "csv", "dashboard"],
    ]
    /// Concepts every topic uses.
    static let everywhere = ["thanks", "help", "question", "account"]

    /// Parameters of a corpus.
    var topicCount = 6
    var dimension = 48
    var noise = 0.22
    /// How far a leaning topic's centre is from its anchor (1.2: cosine about 0.64).
    var lean = 1.2
    var mixedEvery = 12
    var seed: UInt64 = 11

    /// Topic centres (unit length); topics 1 and 3 lean towards topics 0 and 2.
    func centres() -> [[Float]] {
        var generator = SeededGenerator(seed: seed)
        var result: [[Float]] = []
        for topic in 0..<topicCount {
            var centre = VectorMath.normalized(Self.gaussian(dimension, &generator))
            if topic == 1 || topic == 3 {
                let anchor = result[topic - 1]
                for index in centre.indices { centre[index] = Float(lean) * centre[index] + anchor[index] }
            }
            result.append(VectorMath.normalized(centre))
        }
        return result
    }

    /// Topic weights: unequal sizes (the first topic is about four times the last).
    func weights() -> [Double] {
        let raw = (0..<topicCount).map { 1.0 / (1.0 + 0.6 * Double($0)) }
        let total = raw.reduce(0, +)
        return raw.map { $0 / total }
    }

    /// `count` conversations with ids `prefix-0…`; `stream` separates independent batches of the same corpus.
    /// Returns the conversations and the main topic of each.
    func conversations(count: Int, prefix: String = "conv", stream: UInt64 = 0) -> (
        conversations: [ConversationInput], topics: [Int]
    ) {
        let centres = centres()
        let weights = weights()
        var generator = SeededGenerator(seed: seed &+ 0x9e37 &* (stream &+ 1))
        var conversations: [ConversationInput] = []
        var topics: [Int] = []
        for index in 0..<count {
            let topic = Self.pick(weights, &generator)
            let second =
                index % mixedEvery == mixedEvery - 1
                ? (topic + 1 + generator.nextIndex(below: topicCount - 1)) % topicCount : topic
            let messageCount = 1 + generator.nextIndex(below: 4)
            var embeddings: [[Float]] = []
            var concepts: [[String]] = []
            for message in 0..<messageCount {
                let source = message > 0 && message >= messageCount / 2 ? second : topic
                let noise = Self.gaussian(dimension, &generator)
                embeddings.append(
                    zip(centres[source], noise).map { $0 + Float(self.noise) * $1 }
                )
                let vocabulary = Self.vocabularies[source % Self.vocabularies.count]
                var words = [vocabulary[generator.nextIndex(below: vocabulary.count)]]
                if generator.nextUnitDouble() < 0.5 {
                    words.append(vocabulary[generator.nextIndex(below: vocabulary.count)])
                }
                for word in Self.everywhere where generator.nextUnitDouble() < 0.5 { words.append(word) }
                concepts.append(words)
            }
            conversations.append(
                ConversationInput(
                    id: .string("\(prefix)-\(stream)-\(index)"),
                    embeddings: embeddings,
                    concepts: concepts
                )
            )
            topics.append(topic)
        }
        return (conversations, topics)
    }

    /// `dimension` standard normal values (Box–Muller).
    static func gaussian(_ dimension: Int, _ generator: inout SeededGenerator) -> [Float] {
        (0..<dimension).map { _ in
            let u = max(generator.nextUnitDouble(), 1e-12)
            let v = generator.nextUnitDouble()
            return Float((-2 * log(u)).squareRoot() * cos(2 * .pi * v))
        }
    }

    private static func pick(_ weights: [Double], _ generator: inout SeededGenerator) -> Int {
        var target = generator.nextUnitDouble()
        for (index, weight) in weights.enumerated() {
            target -= weight
            if target < 0 { return index }
        }
        return weights.count - 1
    }
}
