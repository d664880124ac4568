import ClusterdCore
import Foundation
import Testing

@testable import ClusterdReport

@Suite("Classical MDS at report scale")
struct MDSScaleTests {
    /// 1,000 base clusters of 384-dimensional centroids: the layout is computed and its time printed.
    @Test func aThousandCentroids() {
        var generator = SeededGenerator(seed: 3)
        let points = (0..<1000).map { _ in (0..<384).map { _ in Float(generator.nextUnitDouble() - 0.5) } }
        let started = Date()
        let layout = ClassicalMDS.layout(points)
        let seconds = Date().timeIntervalSince(started)
        print("classical MDS of 1000 × 384 centroids: \(String(format: "%.2f", seconds)) s")
        #expect(layout.count == 1000)
        #expect(layout.allSatisfy { $0.x.isFinite && $0.y.isFinite })
    }
}
