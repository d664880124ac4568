import Testing

@testable import ClusterdClustering
@testable import ClusterdCore

@Suite struct SilhouetteTests {
    let data = SyntheticBlobs.make()

    @Test func trueLabelsScoreHighAndScrambledOnesLow() throws {
        let good = try #require(Silhouette.score(points: data.points, labels: data.blobs, sampleSize: 1000, seed: 1))
        let scrambled = data.blobs.indices.map { $0 % 3 }
        let bad = try #require(Silhouette.score(points: data.points, labels: scrambled, sampleSize: 1000, seed: 1))
        #expect(good > 0.7)
        #expect(bad < 0.1)
    }

    @Test func isUndefinedForOneCluster() {
        #expect(
            Silhouette.score(points: data.points, labels: data.blobs.map { _ in 0 }, sampleSize: 100, seed: 1) == nil
        )
    }

    @Test func samplesDeterministicallyAndWithinTheCap() {
        let sample = Silhouette.sampleIndices(count: 100, sampleSize: 10, seed: 5)
        #expect(sample.count == 10)
        #expect(sample == sample.sorted())
        #expect(Set(sample).count == 10)
        #expect(sample == Silhouette.sampleIndices(count: 100, sampleSize: 10, seed: 5))
        #expect(Silhouette.sampleIndices(count: 4, sampleSize: 10, seed: 5) == [0, 1, 2, 3])
        let sampled = Silhouette.score(points: data.points, labels: data.blobs, sampleSize: 30, seed: 3)
        #expect((sampled ?? 0) > 0.7)
    }
}
