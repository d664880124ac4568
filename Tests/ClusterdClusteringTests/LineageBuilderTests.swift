import Testing

@testable import ClusterdClustering
@testable import ClusterdCore

@Suite struct LineageBuilderTests {
    /// Previous clusters A (8 members), B (4), C (4), D (2); this run's clusters from those members.
    private func build(
        _ members: [[String]],
        stableIDs: [String],
        matches: [Int?],
        present extra: [String] = []
    ) -> (events: [LineageEvent], clusters: [ClusterLineage]) {
        var previous: [RecordID: String] = [:]
        for index in 0..<8 { previous[.string("a\(index)")] = "A" }
        for index in 0..<4 { previous[.string("b\(index)")] = "B" }
        for index in 0..<4 { previous[.string("c\(index)")] = "C" }
        for index in 0..<2 { previous[.string("d\(index)")] = "D" }
        let ids = members.map { $0.map { RecordID.string($0) } }
        let overlap = MembershipOverlap(
            members: ids,
            present: ids.joined() + extra.map { .string($0) },
            previousIDs: ["A", "B", "C", "D"],
            previous: previous
        )
        return LineageBuilder(share: 0.25)
            .build(
                stableIDs: stableIDs,
                matches: matches,
                renamed: [Bool](repeating: false, count: members.count),
                previousIDs: ["A", "B", "C", "D"],
                overlap: overlap
            )
    }

    @Test func splitMergeBirthAndRetirementTogether() {
        // A splits 5 / 3 into A and X; B and C merge into B (plus a new conversation); D's members are gone.
        let members = [
            (0..<5).map { "a\($0)" },
            (5..<8).map { "a\($0)" } + ["n0"],
            (0..<4).map { "b\($0)" } + (0..<4).map { "c\($0)" } + ["n1"],
        ]
        let result = build(members, stableIDs: ["A", "X", "B"], matches: [0, nil, 1])
        #expect(
            result.events == [
                LineageEvent(kind: .continued, stableIDs: ["A"], previousStableIDs: ["A"], overlap: 5.0 / 8),
                LineageEvent(kind: .continued, stableIDs: ["B"], previousStableIDs: ["B"], overlap: 0.5),
                LineageEvent(kind: .born, stableIDs: ["X"], previousStableIDs: []),
                LineageEvent(kind: .split, stableIDs: ["A", "X"], previousStableIDs: ["A"]),
                LineageEvent(kind: .merged, stableIDs: ["B"], previousStableIDs: ["B", "C"]),
                LineageEvent(kind: .retired, stableIDs: [], previousStableIDs: ["C"]),
                LineageEvent(kind: .retired, stableIDs: [], previousStableIDs: ["D"]),
            ]
        )
        #expect(
            result.clusters == [
                ClusterLineage(kind: .split, previousStableIDs: ["A"]),
                ClusterLineage(kind: .split, previousStableIDs: ["A"]),
                ClusterLineage(kind: .merged, previousStableIDs: ["B", "C"]),
            ]
        )
    }

    @Test func aSmallShareIsNeitherASplitNorAMerge() {
        // One of A's eight members (12.5%) moves to B: below the 25% share.
        let members = [(0..<7).map { "a\($0)" }, ["a7"] + (0..<4).map { "b\($0)" }]
        let result = build(members, stableIDs: ["A", "B"], matches: [0, 1], present: ["c0", "d0"])
        #expect(result.events.map(\.kind) == [.continued, .continued, .retired, .retired])
        #expect(result.clusters.map(\.kind) == [.continued, .continued])
        #expect(result.clusters[1].previousStableIDs == ["B"])
    }
}
