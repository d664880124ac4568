import Testing

@testable import ClusterdClustering
@testable import ClusterdCore

/// The topic hierarchy above the base clusters: its shape, parents, "Other" per parent and stability per level.
@Suite(.serialized) struct TopicHierarchyTests {
    @Test func levelSizesAreGeometricDownToATopOfFiveToTwenty() {
        #expect(HierarchyShape.levelSizes(baseCount: 0).isEmpty)
        #expect(HierarchyShape.levelSizes(baseCount: 20).isEmpty)
        #expect(HierarchyShape.levelSizes(baseCount: 21) == [12])
        #expect(HierarchyShape.levelSizes(baseCount: 90) == [12])
        #expect(HierarchyShape.levelSizes(baseCount: 120) == [38, 12])
        for base in [21, 50, 120, 300, 1000, 5000] {
            let sizes = [base] + HierarchyShape.levelSizes(baseCount: base)
            #expect((5...20).contains(sizes.last!))
            for (lower, upper) in zip(sizes, sizes.dropFirst()) {
                #expect(upper < lower && Double(lower) / Double(upper) <= HierarchyShape.maxRatio + 0.5)
            }
        }
    }

    @Test func everyClusterBelowTheTopHasAParentAtTheNextLevel() {
        let data = SyntheticBlobs.sphere(centres: 120, perCentre: 8, dimension: 32, noise: 0.2, seed: 21)
        let outcome = Self.run(Self.conversations(data.points), configuration: Self.fixed(120))
        let byLevel = Dictionary(grouping: outcome.clusters, by: \.level)
        #expect(byLevel.keys.sorted() == [0, 1, 2])
        #expect(byLevel[0]?.count == 120 && byLevel[1]?.count == 38 && byLevel[2]?.count == 12)
        let byID = Dictionary(uniqueKeysWithValues: outcome.clusters.map { ($0.stableID, $0) })
        for cluster in outcome.clusters {
            if cluster.level == 2 {
                #expect(cluster.parent == nil)
            } else {
                #expect(byID[cluster.parent ?? ""]?.level == cluster.level + 1)
            }
            #expect(!cluster.name.isEmpty)
        }
        for level in 1...2 {
            let sizes = byLevel[level]!.map(\.size).reduce(0, +)
            #expect(sizes == data.points.count)
        }
        #expect(outcome.metrics.sizes.count == 120)
        #expect(Set(outcome.assignments.map(\.stableID)).allSatisfy { byID[$0]?.level == 0 })
    }

    @Test func smallClustersGoToAnOtherPerParent() {
        var data = SyntheticBlobs.sphere(centres: 60, perCentre: 8, dimension: 32, noise: 0.2, seed: 22)
        let strays = SyntheticBlobs.sphere(centres: 6, perCentre: 1, dimension: 32, noise: 0, seed: 23)
        data.points += strays.points
        var configuration = Self.fixed(66)
        configuration.minClusterSize = 3
        let outcome = Self.run(Self.conversations(data.points), configuration: configuration)
        let others = outcome.clusters.filter { ClusteringEngine.isOther($0.stableID) }
        #expect(!others.isEmpty)
        let parents = Set(outcome.clusters.filter { $0.level == 1 }.map(\.stableID))
        for other in others {
            #expect(other.level == 0 && other.name == "Other")
            #expect(other.stableID == "other/" + (other.parent ?? "?") && parents.contains(other.parent ?? ""))
        }
        #expect(Set(others.map(\.stableID)).count == others.count)
        #expect(others.map(\.size).reduce(0, +) == 6)
    }

    @Test("re-running keeps ≥ 99% of conversations on their stable id at every level; +10% data keeps ≥ 90%")
    func stablePerLevel() {
        let data = SyntheticBlobs.sphere(centres: 60, perCentre: 11, dimension: 32, noise: 0.35, seed: 24)
        let all = Self.conversations(data.points)
        let initial = all.enumerated().filter { $0.offset % 11 != 10 }.map(\.element)
        let configuration = ClusteringConfiguration(initializations: 1)
        let first = Self.run(initial, configuration: configuration)
        #expect(first.clusters.contains { $0.level == 1 })
        let again = Self.run(initial, after: first, configuration: configuration)
        let grown = Self.run(all, after: first, configuration: configuration)
        let levels = first.clusters.map(\.level).max()!
        for level in 0...levels {
            #expect(Self.keptShare(first, again, level: level) >= 0.99, "unchanged, level \(level)")
            #expect(Self.keptShare(first, grown, level: level) >= 0.90, "+10%, level \(level)")
        }
    }

    /// The share of `before`'s conversations whose stable id at `level` is the same in `after`.
    static func keptShare(_ before: ClusteringOutcome, _ after: ClusteringOutcome, level: Int) -> Double {
        let old = paths(before)
        let new = paths(after)
        let kept = old.filter { id, path in level < path.count && new[id]?[safe: level] == path[level] }.count
        return Double(kept) / Double(max(1, old.count))
    }

    /// Each conversation's stable ids from its base cluster up to the top, climbed by parent links.
    static func paths(_ outcome: ClusteringOutcome) -> [RecordID: [String]] {
        let parents = Dictionary(uniqueKeysWithValues: outcome.clusters.map { ($0.stableID, $0.parent) })
        var paths: [RecordID: [String]] = [:]
        for assignment in outcome.assignments {
            var path = [assignment.stableID]
            while let next = parents[path.last!] ?? nil, path.count < 16 { path.append(next) }
            paths[assignment.conversationID] = path
        }
        return paths
    }

    static func conversations(_ points: [[Float]]) -> [ConversationInput] {
        points.enumerated().map { index, point in
            ConversationInput(id: .string("conv-\(index)"), embeddings: [point], concepts: [["topic\(index % 7)"]])
        }
    }

    static func fixed(_ k: Int) -> ClusteringConfiguration {
        ClusteringConfiguration(kRule: .fixed(k), initializations: 1)
    }

    static func run(
        _ conversations: [ConversationInput],
        after previous: ClusteringOutcome? = nil,
        configuration: ClusteringConfiguration
    ) -> ClusteringOutcome {
        let previousClustering = previous.map {
            PreviousClustering(clusters: $0.clusters, assignments: $0.assignments, k: $0.metrics.k)
        }
        return ClusteringEngine(configuration: configuration)
            .run(runID: .string("run"), conversations: conversations, previous: previousClustering ?? .none) { _ in }
    }
}

extension Array {
    /// The element at `index`, nil when out of range.
    fileprivate subscript(safe index: Int) -> Element? { indices.contains(index) ? self[index] : nil }
}
