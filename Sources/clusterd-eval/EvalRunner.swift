import ClusterdClustering
import ClusterdCore
import Foundation

/// Clusters one labelled set through `ClusteringEngine.run` (the service's own code path: conversation vectors from
/// `ConversationInput.vector`, the engine's k rule and k-means) for each seed, and scores the partitions against the
/// gold labels.
struct EvalRunner {
    /// Scores of one (set, k rule, initializations) over the seeds.
    struct Outcome {
        /// k chosen per seed.
        var ks: [Int] = []
        /// ACC, NMI, ARI per seed (fractions).
        var scores: [[Double]] = [[], [], []]
        /// Per seed, the candidates the k rule scored.
        var curves: [[KCandidateScore]] = []
        /// Wall seconds over all seeds.
        var seconds: Double = 0
    }

    /// Message embeddings, indexed like the dataset's texts.
    let vectors: [[Float]]
    let dataset: EvalDataset

    /// Runs the engine with `kRule`, `initializations` k-means++ starts and `maxIterations` (nil: the engine's
    /// defaults) for seeds 0..<seeds.
    func run(kRule: KRule, initializations: Int?, maxIterations: Int?, seeds: Int) -> Outcome {
        let inputs = dataset.items.enumerated().map { index, texts in
            ConversationInput(
                id: .string(String(format: "item-%07d", index)),
                embeddings: texts.map { vectors[$0] },
                concepts: []
            )
        }
        var indexOfID: [RecordID: Int] = [:]
        for (index, input) in inputs.enumerated() { indexOfID[input.id] = index }
        var outcome = Outcome()
        let start = Date()
        for seed in 0..<seeds {
            var configuration = ClusteringConfiguration(seed: UInt64(seed), kRule: kRule)
            if let initializations { configuration.initializations = initializations }
            if let maxIterations { configuration.maxIterations = maxIterations }
            let result = ClusteringEngine(configuration: configuration)
                .run(runID: .string("eval-\(seed)"), conversations: inputs, previous: [], progress: { _ in })
            var predicted = [String](repeating: "", count: inputs.count)
            for assignment in result.assignments {
                predicted[indexOfID[assignment.conversationID]!] = assignment.stableID
            }
            precondition(!predicted.contains(""), "the engine assigned every item")
            let gold = dataset.labels
            outcome.ks.append(result.metrics.k)
            outcome.curves.append(result.kCandidates)
            outcome.scores[0].append(ExternalClusteringMetrics.accuracy(gold: gold, predicted: predicted) ?? 0)
            outcome.scores[1].append(
                ExternalClusteringMetrics.normalizedMutualInformation(gold: gold, predicted: predicted) ?? 0
            )
            outcome.scores[2].append(ExternalClusteringMetrics.adjustedRandIndex(gold: gold, predicted: predicted) ?? 0)
        }
        outcome.seconds = Date().timeIntervalSince(start)
        return outcome
    }
}
