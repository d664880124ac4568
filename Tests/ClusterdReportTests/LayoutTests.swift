import ClusterdCore
import Foundation
import Testing

@testable import ClusterdReport

@Suite("Classical MDS and Procrustes alignment")
struct LayoutTests {
    /// Points on a plane inside a higher-dimensional space: MDS must keep their pairwise distances.
    @Test func mdsKeepsPlanarDistances() {
        let plane: [(Double, Double)] = [(0, 0), (3, 0), (0, 4), (5, 5), (-2, 1), (1, -3)]
        let points = plane.map { p -> [Float] in [Float(p.0), Float(p.1), 0, 0, 0] }
        let layout = ClassicalMDS.layout(points)
        #expect(layout.count == plane.count)
        for i in plane.indices {
            for j in plane.indices where j > i {
                let expected = hypot(plane[i].0 - plane[j].0, plane[i].1 - plane[j].1)
                let actual = hypot(layout[i].x - layout[j].x, layout[i].y - layout[j].y)
                #expect(abs(expected - actual) < 1e-3, "distance \(i)-\(j): \(actual) vs \(expected)")
            }
        }
    }

    @Test func mdsOfOneOrNoPoint() {
        #expect(ClassicalMDS.layout([]).isEmpty)
        #expect(ClassicalMDS.layout([[1, 0]]) == [MapPoint(x: 0, y: 0)])
    }

    /// A previous layout that is the new one rotated, reflected and moved is recovered exactly.
    @Test(arguments: [0.3, 1.9, -2.7])
    func rotatedPreviousLayoutIsRecovered(angle: Double) {
        let current = Self.sample()
        for reflect in [false, true] {
            var previous: [String: MapPoint] = [:]
            for (id, p) in current {
                let y = reflect ? -p.y : p.y
                previous[id] = MapPoint(
                    x: cos(angle) * p.x - sin(angle) * y + 7,
                    y: sin(angle) * p.x + cos(angle) * y - 3
                )
            }
            let aligned = ProcrustesAlignment.align(current, to: previous)
            for (id, point) in previous {
                #expect(abs(aligned[id]!.x - point.x) < 1e-9 && abs(aligned[id]!.y - point.y) < 1e-9, "\(id)")
            }
        }
    }

    /// Ids only in the new layout are carried along by the same transform; ids only in the previous one are ignored.
    @Test func idsMissingOnEitherSide() {
        let current = Self.sample()
        let angle = 1.1
        func moved(_ p: MapPoint) -> MapPoint {
            MapPoint(x: cos(angle) * p.x - sin(angle) * p.y + 1, y: sin(angle) * p.x + cos(angle) * p.y + 2)
        }
        var previous: [String: MapPoint] = ["gone": MapPoint(x: 100, y: 100)]
        for id in ["a", "b", "c"] { previous[id] = moved(current[id]!) }
        let aligned = ProcrustesAlignment.align(current, to: previous)
        #expect(Set(aligned.keys) == Set(current.keys))
        for id in current.keys {
            let expected = moved(current[id]!)
            #expect(abs(aligned[id]!.x - expected.x) < 1e-9 && abs(aligned[id]!.y - expected.y) < 1e-9, "\(id)")
        }
        // One shared id: a translation only; none: unchanged.
        let one = ProcrustesAlignment.align(current, to: ["a": MapPoint(x: 10, y: 10)])
        #expect(abs(one["b"]!.x - (current["b"]!.x - current["a"]!.x + 10)) < 1e-12)
        #expect(ProcrustesAlignment.align(current, to: ["zz": MapPoint(x: 1, y: 1)]) == current)
    }

    /// MDS of a run whose centroids are the previous run's, rotated in their space, aligns onto the previous layout.
    @Test func builderAlignsToThePreviousRun() {
        let ids = (0..<8).map { "c\($0)" }
        let base = ids.indices.map { i -> [Float] in
            [Float(sin(Double(i))), Float(cos(Double(i) * 1.3)), Float(i % 3) * 0.3, 0.2]
        }
        // Swap and negate dimensions: the same geometry, so a different MDS orientation is possible.
        let turned = base.map { v -> [Float] in [-v[1], v[0], v[3], -v[2]] }
        let previous = ReportFixtures.clusters(ids: ids, centroids: base)
        let current = ReportFixtures.clusters(ids: ids, centroids: turned)
        let earlier = ReportModelBuilder.mdsLayout(previous)
        let aligned = ReportModelBuilder.layout(current, previous: previous)
        for id in ids {
            #expect(abs(aligned[id]!.x - earlier[id]!.x) < 1e-4 && abs(aligned[id]!.y - earlier[id]!.y) < 1e-4)
        }
    }

    /// A run's saved layout is used as it is; without one the run's MDS is aligned to the reference layout.
    @Test func builderUsesTheSavedLayoutOrAlignsToTheReference() {
        let ids = (0..<6).map { "c\($0)" }
        let centroids = ids.indices.map { i -> [Float] in [Float(i), Float(i * i % 5), 0] }
        let clusters = ReportFixtures.clusters(ids: ids, centroids: centroids)
        let run = ClusteringRun(
            id: .string("run"),
            createdAt: Date(timeIntervalSince1970: 0),
            status: .succeeded,
            triggerReason: "forced",
            inputs: RunInputs(
                seed: 1,
                embedder: "e",
                kRule: "fixed:6",
                messageThreshold: 1,
                timeThresholdMinutes: 1,
                snapshotAnalyzedBefore: Date(timeIntervalSince1970: 0)
            )
        )
        func input(saved: [String: MapPoint]?, reference: [String: MapPoint]?) -> ReportInput {
            ReportInput(
                run: run,
                clusters: clusters,
                earlierRuns: [],
                messagesByConversation: [:],
                llmModel: "",
                includesText: false,
                savedLayout: saved,
                referenceLayout: reference
            )
        }
        var saved: [String: MapPoint] = [:]
        for (index, id) in ids.enumerated() { saved[id] = MapPoint(x: Double(index), y: -1) }
        let fromSaved = ReportModelBuilder.build(input(saved: saved, reference: nil))
        #expect(fromSaved.clusters.allSatisfy { saved[$0.stableID] == MapPoint(x: $0.x!, y: $0.y!) })
        // The reference: this run's MDS turned by 2 rad and moved; the build lands on it.
        let mds = ReportModelBuilder.mdsLayout(clusters)
        let reference = mds.mapValues { p in
            MapPoint(x: cos(2) * p.x - sin(2) * p.y + 5, y: sin(2) * p.x + cos(2) * p.y)
        }
        let aligned = ReportModelBuilder.build(input(saved: nil, reference: reference))
        for cluster in aligned.clusters {
            let target = reference[cluster.stableID]!
            #expect(abs(cluster.x! - target.x) < 1e-6 && abs(cluster.y! - target.y) < 1e-6)
        }
    }

    /// Five points of a layout.
    static func sample() -> [String: MapPoint] {
        [
            "a": MapPoint(x: 0, y: 0), "b": MapPoint(x: 2, y: 0.5), "c": MapPoint(x: -1, y: 3),
            "d": MapPoint(x: 4, y: -2), "e": MapPoint(x: 1.5, y: 1.5),
        ]
    }
}

extension LayoutTests {
    /// More points than dimensions (the d × d route) keeps the planar distances too.
    @Test func mdsWithMorePointsThanDimensions() {
        let plane: [(Double, Double)] = (0..<40).map { (i: Int) -> (Double, Double) in
            let x = Double(i % 7) * 1.5
            let y = Double(i / 7) - Double(i % 3)
            return (x, y)
        }
        let points = plane.map { p -> [Float] in [Float(p.0), Float(p.1), 0] }
        let layout = ClassicalMDS.layout(points)
        for i in plane.indices {
            for j in plane.indices where j > i {
                let expected = hypot(plane[i].0 - plane[j].0, plane[i].1 - plane[j].1)
                let actual = hypot(layout[i].x - layout[j].x, layout[i].y - layout[j].y)
                #expect(abs(expected - actual) < 1e-3, "distance \(i)-\(j): \(actual) vs \(expected)")
            }
        }
    }
}
