internal import CClusterKernels
import Dispatch

/// The C kernels of k-means that are too small for a BLAS call (`CClusterKernels`): each has an AVX2 + FMA path,
/// chosen at run time, and a portable loop that `portable` forces (the tests compare the two).
enum ClusterKernels {
    /// Rows from which `candidateDistances` splits the points in two halves done at once, on two threads when there
    /// are (at 5,000 × 384 and 10 candidates, 0.55 ms a call on one thread); the halves' potentials are added in
    /// order, so the result does not depend on the number of cores.
    static let parallelRows = 4_096

    /// Squared distances from every row of `points` (`count` × `dimension`, squared norms `pointNorms`) to each
    /// candidate (row-major `candidates`, squared norms `candidateNorms`; one per entry of `candidateRows`, the
    /// point it was drawn from, where its distance is 0) into `distances` (candidate-major: candidates × `count`),
    /// and for each candidate the sum over the rows of min(closest, distance): the k-means++ potential were it added.
    static func candidateDistances(
        points: UnsafePointer<Float>,
        pointNorms: UnsafePointer<Double>,
        count: Int,
        dimension: Int,
        candidates: UnsafePointer<Float>,
        candidateNorms: UnsafePointer<Double>,
        candidateRows: [Int],
        closest: UnsafePointer<Double>,
        distances: UnsafeMutablePointer<Double>,
        potentials: UnsafeMutablePointer<Double>,
        portable: Bool = false
    ) {
        let candidateCount = candidateRows.count
        let parts = count >= parallelRows ? 2 : 1
        let rowsPerPart = (count + parts - 1) / parts
        var partial = [Double](repeating: 0, count: parts * candidateCount)
        partial.withUnsafeMutableBufferPointer { sums in
            let shared = SharedBuffers(
                points: points,
                pointNorms: pointNorms,
                candidates: candidates,
                candidateNorms: candidateNorms,
                closest: closest,
                distances: distances,
                sums: sums.baseAddress!
            )
            let work: @Sendable (Int) -> Void = { part in
                let start = part * rowsPerPart
                let relativeRows = candidateRows.map { Int64($0 - start) }
                relativeRows.withUnsafeBufferPointer { relative in
                    cluster_kernels_candidate_distances(
                        shared.points + start * dimension,
                        shared.pointNorms + start,
                        Int64(min(rowsPerPart, count - start)),
                        Int64(dimension),
                        shared.candidates,
                        shared.candidateNorms,
                        Int64(candidateCount),
                        relative.baseAddress,
                        shared.closest + start,
                        shared.distances + start,
                        Int64(count),
                        shared.sums + part * candidateCount,
                        portable ? 1 : 0
                    )
                }
            }
            if parts == 1 { work(0) } else { DispatchQueue.concurrentPerform(iterations: parts, execute: work) }
        }
        for candidate in 0..<candidateCount {
            potentials[candidate] = (0..<parts).reduce(0) { $0 + partial[$1 * candidateCount + candidate] }
        }
    }

    /// For each of `rows` rows of dot products with `columns` centroids (row-major), the centroid with the lowest
    /// ‖c‖² − 2 x·c in single precision (ties to the lower index) and max(0, ‖x‖² + that value), the squared distance.
    static func nearest(
        products: UnsafePointer<Float>,
        rows: Int,
        columns: Int,
        centroidNorms: UnsafePointer<Float>,
        pointNorms: UnsafePointer<Double>,
        nearest: UnsafeMutablePointer<Int>,
        squared: UnsafeMutablePointer<Double>,
        portable: Bool = false
    ) {
        nearest.withMemoryRebound(to: Int64.self, capacity: rows) { indices in
            cluster_kernels_nearest(
                products,
                Int64(rows),
                Int64(columns),
                centroidNorms,
                pointNorms,
                indices,
                squared,
                portable ? 1 : 0
            )
        }
    }

    /// Scales each of `count` rows (`dimension` floats, row-major) to unit length in place (zero rows stay zero) and
    /// writes each scaled row's squared norm.
    static func normalizeRows(
        _ values: UnsafeMutablePointer<Float>,
        count: Int,
        dimension: Int,
        squaredNorms: UnsafeMutablePointer<Double>,
        portable: Bool = false
    ) {
        cluster_kernels_normalize_rows(values, Int64(count), Int64(dimension), squaredNorms, portable ? 1 : 0)
    }

    /// The dot product of each of `count` rows of `points` with its assigned row of `centroids`.
    static func assignedDots(
        points: UnsafePointer<Float>,
        count: Int,
        dimension: Int,
        centroids: UnsafePointer<Float>,
        assignments: UnsafePointer<Int>,
        into dots: UnsafeMutablePointer<Float>,
        portable: Bool = false
    ) {
        assignments.withMemoryRebound(to: Int64.self, capacity: count) { assigned in
            cluster_kernels_assigned_dots(
                points,
                Int64(count),
                Int64(dimension),
                centroids,
                assigned,
                dots,
                portable ? 1 : 0
            )
        }
    }
}

/// The buffers one `candidateDistances` call hands to its two halves: each half writes only its own rows of
/// `distances` and its own slot of `sums`.
private struct SharedBuffers: @unchecked Sendable {
    let points: UnsafePointer<Float>
    let pointNorms: UnsafePointer<Double>
    let candidates: UnsafePointer<Float>
    let candidateNorms: UnsafePointer<Double>
    let closest: UnsafePointer<Double>
    let distances: UnsafeMutablePointer<Double>
    let sums: UnsafeMutablePointer<Double>
}
