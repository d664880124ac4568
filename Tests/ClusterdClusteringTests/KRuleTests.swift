import Testing

@testable import ClusterdClustering
@testable import ClusterdCore

@Suite struct KRuleTests {
    @Test func describesItself() {
        #expect(KRule.fixed(8).description == "fixed:8")
        #expect(KRule.silhouette(range: 2...12, sampleSize: 1000).description == "silhouette:2-12")
    }

    @Test func candidatesFollowTheDocumentedCaps() {
        let rule = KRule.silhouette(range: 2...12, sampleSize: 1000)
        #expect(rule.candidates(count: 0, distinctCount: 0) == [0])
        #expect(rule.candidates(count: 1, distinctCount: 1) == [1])
        #expect(rule.candidates(count: 2, distinctCount: 2) == [1])
        #expect(rule.candidates(count: 3, distinctCount: 3) == [2])
        #expect(rule.candidates(count: 8, distinctCount: 8) == [2, 3, 4])
        #expect(rule.candidates(count: 100, distinctCount: 100) == Array(2...12))
        #expect(rule.candidates(count: 100, distinctCount: 5) == Array(2...5))
        #expect(rule.candidates(count: 100, distinctCount: 1) == [1])
        #expect(KRule.silhouette(range: 6...9, sampleSize: 10).candidates(count: 8, distinctCount: 8) == [4])
        #expect(KRule.fixed(8).candidates(count: 5, distinctCount: 5) == [5])
        #expect(KRule.fixed(0).candidates(count: 5, distinctCount: 5) == [1])
    }

    @Test func silhouetteRulePicksThreeOnThreeBlobs() {
        let data = SyntheticBlobs.make()
        let conversations = data.points.enumerated().map { index, point in
            ConversationInput(id: .string("conv-\(index)"), embeddings: [point], concepts: [])
        }
        let engine = ClusteringEngine(configuration: ClusteringConfiguration())
        let outcome = engine.run(runID: .string("run"), conversations: conversations, previous: []) { _ in }
        #expect(outcome.metrics.k == 3)
        #expect(outcome.metrics.sizes == [20, 20, 20])
        #expect((outcome.metrics.silhouette ?? 0) > 0.5)
    }
}
