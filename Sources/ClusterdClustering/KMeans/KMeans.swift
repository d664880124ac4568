import ClusterdCore
import ClusterdEmbedding
import Foundation

/// Seeded k-means on unit vectors: k-means++ initialisation, Lloyd iterations, unit centroids.
///
/// Points are L2-normalised first. Lloyd moves each centre to its members' plain mean (Euclidean k-means: a diffuse
/// cluster's mean is shorter, so it draws fewer points than a tight one at the same angle); the result's centroids
/// are those means normalised, and every point is assigned to its nearest one by cosine, the assignment the service
/// uses between runs. Against re-normalising after every update (spherical k-means), on CLINC150 at k = 180 with 11
/// starts and the same k-means++ starts (a numpy replica, 5 seeds) NMI rose on every seed (89.70 against 89.16 on
/// the mean; in the engine 89.37 → 89.55). Initialisation is greedy k-means++ (each new centre is the best of
/// 2 + ⌊ln k⌋ candidates drawn with probability ∝ D², 2 + 2 ⌊ln k⌋ in a fit on a sample), repeated
/// `initializations` times; the fit with the lowest inertia is kept (the first on ties). Iterations stop when
/// assignments no longer change (at most one point in 10,000 changing, for 10,000 points or more; one in 200 in a fit
/// on a sample), when no centroid moves by more than `tolerance` (squared distance), or after `maxIterations`. A
/// cluster left empty is re-seeded with the point farthest from its centroid (taken from a cluster that keeps at
/// least one point). All randomness comes from a `SeededGenerator`, and ties go to the lower index, so the same
/// points in the same order with the same seed give an identical result.
///
/// Warm start (for stability across runs): `fit(_:warmStart:)` also runs Lloyd from the given centres (the previous
/// run's centroids; the first k when there are more, completed by k-means++ when there are fewer). That fit is kept
/// unless the best k-means++ start has an inertia lower by more than `warmStartTolerance` (relative), so a clustering
/// that still fits the data is continued rather than replaced by a different local optimum of about the same
/// quality. The k-means++ starts draw the same random numbers with or without a warm start.
public struct KMeans: Sendable {
    /// Number of clusters wanted (capped at the number of points).
    public var k: Int
    /// Most Lloyd iterations per initialisation.
    public var maxIterations: Int
    /// Convergence threshold on the largest squared centroid move.
    public var tolerance: Double
    /// Seed of the random choices.
    public var seed: UInt64
    /// Independent k-means++ starts; the lowest inertia wins.
    public var initializations: Int
    /// A warm-started fit is kept unless a k-means++ start's inertia is lower by more than this fraction.
    public var warmStartTolerance: Double
    /// Points per centroid the starts are fitted on (faiss trains on 256): more points are fitted on a seeded sample
    /// of `k` × this many, then every point is refined from that fit by `refinementIterations` Lloyd iterations. Nil
    /// fits every point.
    public var trainingPointsPerCentroid: Int?
    /// Lloyd iterations on every point after a fit on a sample (each one assignment pass and one mean update); by
    /// default none: every point is assigned to the sample fit's centroids, which the result keeps (at 10⁵ × 384,
    /// k = 100, 1–3 iterations lowered the inertia by 0.001% at up to twice the time).
    public var refinementIterations: Int
    /// Most points k-means++ seeds on (nil: `seedingSampleLimit`, or 20 per centre when that is more).
    private var seedingLimit: Int?
    /// Whether a fit ends by assigning every point to its nearest unit centroid by cosine; off for the fit on a
    /// sample, whose assignments the refinement on every point replaces.
    private var cosineAssignment = true
    /// Whether the rows are a random sample in random order (a fit on a sample's): k-means++ then seeds on the first
    /// rows instead of drawing a sample of them.
    private var shuffledRows = false
    /// Candidates per new centre of the greedy k-means++ (nil: 2 + ⌊ln k⌋, scikit-learn's).
    private var seedingTrials: Int?
    /// Lloyd has settled when at most one point in this many changed cluster in an iteration.
    private var settlingShare = 10_000

    /// Creates a k-means configuration.
    public init(
        k: Int,
        maxIterations: Int = 50,
        tolerance: Double = 1e-6,
        seed: UInt64 = 42,
        initializations: Int = 3,
        warmStartTolerance: Double = 0.01,
        trainingPointsPerCentroid: Int? = nil,
        refinementIterations: Int = 0
    ) {
        self.k = k
        self.maxIterations = max(0, maxIterations)
        self.tolerance = max(0, tolerance)
        self.seed = seed
        self.initializations = max(1, initializations)
        self.warmStartTolerance = max(0, warmStartTolerance)
        self.trainingPointsPerCentroid = trainingPointsPerCentroid.map { max(1, $0) }
        self.refinementIterations = max(0, refinementIterations)
    }

    /// Clusters `points` (rows of possibly different lengths are zero-padded to the longest).
    public func fit(_ points: [[Float]]) -> KMeansResult {
        fit(points, warmStart: [])
    }

    /// Clusters `points`, also trying a start from `warmStart` (centres, most important first; rows of another
    /// length than the points are ignored), preferred within `warmStartTolerance`, and starts from each of
    /// `extraStarts` (completed or cut the same way), which compete on inertia like the k-means++ starts (ties go to
    /// the k-means++ starts, then to the earlier extra start). Without usable centres this is `fit(_:)`.
    public func fit(_ points: [[Float]], warmStart: [[Float]], extraStarts: [[[Float]]] = []) -> KMeansResult {
        fit(PointMatrix(points), warmStart: warmStart, extraStarts: extraStarts)
    }

    /// Clusters the rows of `rows` (`dimension` floats each, row-major; a trailing partial row is dropped) like
    /// `fit(_:warmStart:extraStarts:)`, without an array per point: what large inputs (a sample of 10⁵ conversations,
    /// the bench) use. Handing over the only reference to `rows` (`consume`) saves copying them.
    public func fit(rows: consuming [Float], dimension: Int, warmStart: [[Float]] = []) -> KMeansResult {
        fit(PointMatrix(rows: consume rows, dimension: dimension), warmStart: warmStart, extraStarts: [])
    }

    /// Points at most this many are seeded on all of them; more are seeded (k-means++) on a seeded sample of
    /// `max(seedingSampleLimit, 20 k)` points, then Lloyd runs on all. The greedy k-means++ reads every seeding point
    /// once per centre for its 2 + ln k candidates (`ClusterKernels.candidateDistances`; through sgemm, whose packing
    /// of the points cost more than the arithmetic, it was about three quarters of a fit at 20,000 × 384, k = 100).
    public static let seedingSampleLimit = 10_000

    /// `data` is consumed: a fit on a sample moves the sample's rows to the front of it in place.
    private func fit(_ data: consuming PointMatrix, warmStart: [[Float]], extraStarts: [[[Float]]]) -> KMeansResult {
        let clusterCount = min(max(k, 1), data.count)
        guard clusterCount > 0 else {
            return KMeansResult(centroids: [], assignments: [], distances: [], inertia: 0, iterations: 0)
        }
        if let perCentroid = trainingPointsPerCentroid, data.count > perCentroid * clusterCount {
            return fitOnSample(
                consume data,
                size: perCentroid * clusterCount,
                warmStart: warmStart,
                extraStarts: extraStarts
            )
        }
        var generator = SeededGenerator(seed: seed)
        var best: KMeansResult?
        for _ in 0..<initializations {
            let initial = seedCentroids(data, count: clusterCount, given: [], generator: &generator)
            let result = lloyd(data, centroids: initial, clusterCount: clusterCount)
            if best == nil || result.inertia < best!.inertia { best = result }
        }
        for (index, start) in extraStarts.enumerated() {
            guard let result = fitFrom(start, data, clusterCount: clusterCount, salt: UInt64(index + 1)) else {
                continue
            }
            if result.inertia < best!.inertia { best = result }
        }
        guard let continued = fitFrom(warmStart, data, clusterCount: clusterCount, salt: 0) else { return best! }
        return continued.inertia <= best!.inertia * (1 + warmStartTolerance) ? continued : best!
    }

    /// Points per centre k-means++ seeds on in a fit on a sample. Measured at 10⁵ × 384, k = 100 (256 training points
    /// per centre): 5,000 seeding points gave a lower inertia than 10,000 (71,793 against 72,049) in half the time of
    /// the whole fit; 2,000 gave 72,104, above scikit-learn's full fit (72,072).
    static let sampledFitSeedingPointsPerCentroid = 50

    /// Candidates per new centre of k-means++ in a fit on a sample: 2 + 2 ⌊ln k⌋ (10 at k = 100), twice the usual
    /// share of ln k, since it seeds on only `sampledFitSeedingPointsPerCentroid` points a centre. At 10⁵ × 384,
    /// k = 100 (30 seeds, one start each) the mean inertia was 72,208 with 6 candidates, 71,990 with 8, 71,886 with 10
    /// and 71,785 with 14; scikit-learn's KMeans on every point, 71,992 (10 seeds). Each candidate costs a pass over
    /// the seeding points (10 cost about 8 ms more than 6 there).
    static func sampledFitSeedingTrials(k: Int) -> Int {
        2 + 2 * Int(log(Double(max(1, k))))
    }

    /// A fit on a sample has settled at one point in 200 changing cluster (not one in 10,000): the pass over every
    /// row assigns every point again. At 10⁵ × 384, k = 100 (30 seeds) this saved about one of six passes over the
    /// sample; the mean inertia went from 71,885.5 to 71,886.4 (71,898.3 at one in 60).
    static let sampledFitSettlingShare = 200

    /// Fits the starts on a seeded sample of `size` points, then refines the winner on every point. The sample is
    /// moved to the front of `data` in place rather than copied (at 10⁵ × 384 a copy of its 25,600 rows cost 22 ms,
    /// mostly the page faults of a fresh 39 MB buffer), and its first rows, already a random sample, are what
    /// k-means++ seeds on; the result is put back in the caller's row order.
    private func fitOnSample(
        _ data: consuming PointMatrix,
        size: Int,
        warmStart: [[Float]],
        extraStarts: [[[Float]]]
    ) -> KMeansResult {
        var sampled = self
        sampled.trainingPointsPerCentroid = nil
        sampled.seedingLimit = Self.sampledFitSeedingPointsPerCentroid * k
        sampled.cosineAssignment = false
        sampled.shuffledRows = true
        sampled.seedingTrials = Self.sampledFitSeedingTrials(k: min(k, size))
        sampled.settlingShare = Self.sampledFitSettlingShare
        let order = data.moveRandomSampleToFront(size: size, seed: seed ^ 0x7a1a)
        let coarse = sampled.fit(data.prefix(size), warmStart: warmStart, extraStarts: extraStarts)
        var refining = sampled
        refining.maxIterations = refinementIterations
        refining.cosineAssignment = true
        let refined = refining.lloyd(
            data,
            centroids: coarse.centroids.flatMap { $0 },
            clusterCount: coarse.centroids.count
        )
        var assignments = [Int](repeating: 0, count: order.count)
        var distances = [Double](repeating: 0, count: order.count)
        for (row, original) in order.enumerated() {
            assignments[original] = refined.assignments[row]
            distances[original] = refined.distances[row]
        }
        return KMeansResult(
            centroids: refined.centroids,
            assignments: assignments,
            distances: distances,
            inertia: refined.inertia,
            iterations: coarse.iterations + refined.iterations
        )
    }

    /// Lloyd from the usable rows of `centres` (the first k; completed by k-means++); nil when none is usable.
    private func fitFrom(_ centres: [[Float]], _ data: PointMatrix, clusterCount: Int, salt: UInt64) -> KMeansResult? {
        let usable = centres.filter { $0.count == data.dimension && $0.contains { $0 != 0 } }.prefix(clusterCount)
        guard !usable.isEmpty else { return nil }
        var generator = SeededGenerator(seed: seed ^ 0x7a3d_5c1e_9b04_f2e6 &+ salt)
        let initial = seedCentroids(
            data,
            count: clusterCount,
            given: usable.map { VectorMath.normalized($0) },
            generator: &generator
        )
        return lloyd(data, centroids: initial, clusterCount: clusterCount)
    }

    /// The points k-means++ seeds on: all of them up to `seedingSampleLimit` (or 20 per centre), else a seeded
    /// sample of that many (the first rows when the rows are already in random order).
    private func seedingSample(_ data: PointMatrix, count: Int) -> PointMatrix {
        let limit = seedingLimit ?? max(Self.seedingSampleLimit, 20 * count)
        guard data.count > limit else { return data }
        if shuffledRows { return data.prefix(limit) }
        return data.subset(Silhouette.sampleIndices(count: data.count, sampleSize: limit, seed: seed ^ 0x5eed))
    }

    /// Greedy k-means++ completing the `given` centres (none: a random first point): the initial centres, row-major.
    private func seedCentroids(
        _ data: PointMatrix,
        count: Int,
        given: [[Float]],
        generator: inout SeededGenerator
    ) -> [Float] {
        let data = seedingSample(data, count: count)
        let n = data.count
        let trials = seedingTrials ?? 2 + Int(log(Double(count)))
        var centres: [Float] = []
        var chosen: [Int] = []
        var closest: [Double]
        if given.isEmpty {
            let first = generator.nextIndex(below: n)
            chosen = [first]
            centres = data.row(first)
            closest = data.candidateDistances([first], closest: [Double](repeating: .infinity, count: n)).distances
        } else {
            centres = given.flatMap { $0 }
            closest = data.squaredDistances(toCentres: centres, count: given.count)
        }
        while centres.count < count * data.dimension {
            let total = closest.reduce(0, +)
            var candidates: [Int] = []
            if total <= 0 {
                let taken = Set(chosen)
                candidates = [(0..<n).first { !taken.contains($0) } ?? 0]
            } else {
                for _ in 0..<trials {
                    let target = generator.nextUnitDouble() * total
                    var cumulative: Double = 0
                    var pick = n - 1
                    for index in 0..<n {
                        cumulative += closest[index]
                        if cumulative > target {
                            pick = index
                            break
                        }
                    }
                    candidates.append(pick)
                }
            }
            // The candidate that lowers the potential most (the first on ties), in one pass over the points.
            let (distances, potentials) = data.candidateDistances(candidates, closest: closest)
            var best = 0
            for candidate in candidates.indices where potentials[candidate] < potentials[best] { best = candidate }
            chosen.append(candidates[best])
            centres += data.row(candidates[best])
            for index in 0..<n { closest[index] = min(closest[index], distances[best * n + index]) }
        }
        return centres
    }

    private func lloyd(_ data: PointMatrix, centroids initial: [Float], clusterCount: Int) -> KMeansResult {
        let n = data.count
        let dimension = data.dimension
        var centroids = initial
        var assignments = [Int](repeating: 0, count: n)
        var squared = [Double](repeating: 0, count: n)
        var previous: [Int]?
        var iterations = 0
        var finalPass = false

        while true {
            assign(data, centroids: centroids, clusterCount: clusterCount, to: &assignments, squared: &squared)
            let repaired = repairEmptyClusters(
                data,
                clusterCount: clusterCount,
                centroids: &centroids,
                assignments: &assignments,
                squared: &squared
            )
            if finalPass || iterations >= maxIterations
                || (!repaired && Self.settled(previous, assignments, allowing: settlingShare))
            {
                break
            }
            previous = assignments
            let updated = Self.means(data, assignments: assignments, clusterCount: clusterCount, normalized: false)
            var shift: Double = 0
            for cluster in 0..<clusterCount {
                var moved: Double = 0
                for index in 0..<dimension {
                    let delta = Double(updated[cluster * dimension + index] - centroids[cluster * dimension + index])
                    moved += delta * delta
                }
                shift = max(shift, moved)
            }
            centroids = updated
            iterations += 1
            if shift <= tolerance { finalPass = true }
        }

        // With no iteration the centres are the given ones (unit rows: k-means++ picks points, a fit on a sample
        // hands over its centroids, as faiss's search does) and the last assignment was to them.
        var assignedToResult = iterations == 0
        if iterations > 0 {
            centroids = Self.means(data, assignments: assignments, clusterCount: clusterCount, normalized: true)
            if cosineAssignment {
                // The iterations moved to plain means; the result's unit centroids assign by cosine.
                assign(data, centroids: centroids, clusterCount: clusterCount, to: &assignments, squared: &squared)
                _ = repairEmptyClusters(
                    data,
                    clusterCount: clusterCount,
                    centroids: &centroids,
                    assignments: &assignments,
                    squared: &squared
                )
                assignedToResult = true
            }
        }
        let centroidNorms = PointMatrix.squaredNorms(centroids, count: clusterCount, dimension: dimension)
        var distances = [Double](repeating: 0, count: n)
        var inertia: Double = 0
        if assignedToResult {
            // The assignment's squared distances already hold the cosines: ‖x‖² + ‖c‖² − 2 cos.
            for point in 0..<n {
                let cluster = assignments[point]
                distances[point] = 1 - (data.squaredNorms[point] + centroidNorms[cluster] - squared[point]) / 2
                inertia += squared[point]
            }
        } else {
            var similarities = [Float](repeating: 0, count: n)
            if dimension > 0 {
                data.values.withUnsafeBufferPointer { points in
                    similarities.withUnsafeMutableBufferPointer { output in
                        ClusterKernels.assignedDots(
                            points: points.baseAddress!,
                            count: n,
                            dimension: dimension,
                            centroids: centroids,
                            assignments: assignments,
                            into: output.baseAddress!
                        )
                    }
                }
            }
            for point in 0..<n {
                let similarity = Double(similarities[point])
                distances[point] = 1 - similarity
                inertia += max(0, data.squaredNorms[point] + centroidNorms[assignments[point]] - 2 * similarity)
            }
        }
        return KMeansResult(
            centroids: (0..<clusterCount).map { Array(centroids[($0 * dimension)..<(($0 + 1) * dimension)]) },
            assignments: assignments,
            distances: distances,
            inertia: inertia,
            iterations: iterations
        )
    }

    /// Nearest centroid of every point (lowest index on ties) and the squared distance to it (`NearestCentroid`).
    private func assign(
        _ data: PointMatrix,
        centroids: [Float],
        clusterCount: Int,
        to assignments: inout [Int],
        squared: inout [Double]
    ) {
        NearestCentroid.assign(
            data,
            centroids: centroids,
            clusterCount: clusterCount,
            to: &assignments,
            squared: &squared
        )
    }

    /// Whether at most one point in `share` changed cluster since `previous` (none below `share` points): on
    /// hundreds of thousands of points a few always move between near-tied centroids, and Lloyd would run to
    /// `maxIterations`.
    private static func settled(_ previous: [Int]?, _ assignments: [Int], allowing share: Int) -> Bool {
        guard let previous else { return false }
        let allowed = assignments.count / share
        var changed = 0
        for (before, after) in zip(previous, assignments) where before != after {
            changed += 1
            if changed > allowed { return false }
        }
        return true
    }

    /// Gives each empty cluster the point farthest from its centroid; returns whether anything moved.
    private func repairEmptyClusters(
        _ data: PointMatrix,
        clusterCount: Int,
        centroids: inout [Float],
        assignments: inout [Int],
        squared: inout [Double]
    ) -> Bool {
        var sizes = [Int](repeating: 0, count: clusterCount)
        for cluster in assignments { sizes[cluster] += 1 }
        var repaired = false
        for empty in 0..<clusterCount where sizes[empty] == 0 {
            var farthest = -1
            var farthestDistance = -Double.infinity
            for point in 0..<data.count where sizes[assignments[point]] > 1 && squared[point] > farthestDistance {
                farthest = point
                farthestDistance = squared[point]
            }
            guard farthest >= 0 else { break }
            sizes[assignments[farthest]] -= 1
            sizes[empty] = 1
            assignments[farthest] = empty
            squared[farthest] = 0
            let row = data.row(farthest)
            centroids.replaceSubrange((empty * data.dimension)..<((empty + 1) * data.dimension), with: row)
            repaired = true
        }
        return repaired
    }

    /// Points summed in single precision before their partial sums join the double-precision totals: the inner
    /// loop then runs on `Float` lanes (a tenth of the time of converting every coordinate), and no `Float` sum holds
    /// more than this many rows.
    static let meanBlockRows = 4096

    /// Member means (normalised when `normalized`), row-major; a cluster without members gets a zero row.
    private static func means(
        _ data: PointMatrix,
        assignments: [Int],
        clusterCount: Int,
        normalized: Bool
    ) -> [Float] {
        let dimension = data.dimension
        var sums = [Double](repeating: 0, count: clusterCount * dimension)
        var partial = [Float](repeating: 0, count: clusterCount * dimension)
        var touched = [Bool](repeating: false, count: clusterCount)
        data.values.withUnsafeBufferPointer { points in
            sums.withUnsafeMutableBufferPointer { totals in
                partial.withUnsafeMutableBufferPointer { block in
                    var start = 0
                    while start < data.count {
                        let end = min(data.count, start + meanBlockRows)
                        for point in start..<end {
                            let cluster = assignments[point]
                            touched[cluster] = true
                            let target = block.baseAddress! + cluster * dimension
                            let source = points.baseAddress! + point * dimension
                            for index in 0..<dimension { target[index] += source[index] }
                        }
                        for cluster in 0..<clusterCount where touched[cluster] {
                            touched[cluster] = false
                            let base = cluster * dimension
                            for index in base..<(base + dimension) {
                                totals[index] += Double(block[index])
                                block[index] = 0
                            }
                        }
                        start = end
                    }
                }
            }
        }
        var counts = [Double](repeating: 0, count: clusterCount)
        for cluster in assignments { counts[cluster] += 1 }
        var result = [Float](repeating: 0, count: clusterCount * dimension)
        for cluster in 0..<clusterCount {
            let scale = normalized || counts[cluster] == 0 ? 1 : 1 / counts[cluster]
            var row = sums[(cluster * dimension)..<((cluster + 1) * dimension)].map { Float($0 * scale) }
            if normalized { VectorMath.normalize(&row) }
            result.replaceSubrange((cluster * dimension)..<((cluster + 1) * dimension), with: row)
        }
        return result
    }
}
