import ClusterdEmbedding

/// Lloyd's assignment step as one matrix product per block of points: ‖x − c‖² = ‖x‖² + ‖c‖² − 2 x·c, the
/// x·c of a block of rows and every centroid from one sgemm into a scratch buffer of at most `scratchFloats` floats
/// (so the scratch is bounded whatever the number of points), then a nearest-centroid scan of each row (ties to the
/// lower index; `ClusterKernels.nearest`).
enum NearestCentroid {
    /// Most floats of the block × centroids product held at once (4 MiB).
    static let scratchFloats = 1 << 20

    /// Rows per block for `clusterCount` centroids.
    static func blockRows(clusterCount: Int) -> Int {
        max(1, scratchFloats / max(1, clusterCount))
    }

    /// The nearest of `clusterCount` centroids (row-major) of every point, and the squared distance to it.
    static func assign(
        _ data: PointMatrix,
        centroids: [Float],
        clusterCount: Int,
        to assignments: inout [Int],
        squared: inout [Double]
    ) {
        guard data.count > 0, clusterCount > 0 else { return }
        guard data.dimension > 0 else {
            // No coordinates: every distance is 0 and the first centroid wins.
            for point in 0..<data.count {
                assignments[point] = 0
                squared[point] = 0
            }
            return
        }
        data.values.withUnsafeBufferPointer { points in
            assign(
                points.baseAddress!,
                count: data.count,
                dimension: data.dimension,
                pointNorms: data.squaredNorms,
                centroids: centroids,
                clusterCount: clusterCount,
                to: &assignments,
                squared: &squared
            )
        }
    }

    /// `assign(_:centroids:clusterCount:to:squared:)` on a borrowed buffer of `count` rows with their squared norms.
    static func assign(
        _ points: UnsafePointer<Float>,
        count: Int,
        dimension: Int,
        pointNorms: [Double],
        centroids: [Float],
        clusterCount: Int,
        to assignments: inout [Int],
        squared: inout [Double]
    ) {
        guard count > 0, clusterCount > 0 else { return }
        let centroidNorms = PointMatrix.squaredNorms(centroids, count: clusterCount, dimension: dimension).map {
            Float($0)
        }
        let rowsPerBlock = min(count, blockRows(clusterCount: clusterCount))
        // Every product is written by the sgemm before it is read: no need to zero the scratch.
        var scratch = [Float](unsafeUninitializedCapacity: rowsPerBlock * clusterCount) { _, initialized in
            initialized = rowsPerBlock * clusterCount
        }
        centroids.withUnsafeBufferPointer { centres in
            scratch.withUnsafeMutableBufferPointer { products in
                assignments.withUnsafeMutableBufferPointer { assigned in
                    squared.withUnsafeMutableBufferPointer { distances in
                        pointNorms.withUnsafeBufferPointer { norms in
                            var start = 0
                            while start < count {
                                let rows = min(rowsPerBlock, count - start)
                                MatrixProduct.gram(
                                    rows: points + start * dimension,
                                    rowCount: rows,
                                    columns: centres.baseAddress!,
                                    columnCount: clusterCount,
                                    dimension: dimension,
                                    into: products.baseAddress!
                                )
                                ClusterKernels.nearest(
                                    products: products.baseAddress!,
                                    rows: rows,
                                    columns: clusterCount,
                                    centroidNorms: centroidNorms,
                                    pointNorms: norms.baseAddress! + start,
                                    nearest: assigned.baseAddress! + start,
                                    squared: distances.baseAddress! + start
                                )
                                start += rows
                            }
                        }
                    }
                }
            }
        }
    }
}
