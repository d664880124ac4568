internal import COpenBLAS
import ClusterdCore

/// Dense matrix products for the embedder and the clustering engine: through OpenBLAS once they are large enough to
/// pay for the call, plain Swift loops below that.
package enum MatrixProduct {
    /// Products with fewer multiply-adds than this use plain Swift loops.
    package static let blasThreshold = 1 << 16

    /// Dot products of every row of `rows` (`rowCount` × `dimension`, row-major) with every row of `columns`
    /// (`columnCount` × `dimension`): a `rowCount` × `columnCount` row-major matrix.
    package static func gram(
        rows: [Float],
        rowCount: Int,
        columns: [Float],
        columnCount: Int,
        dimension: Int
    ) -> [Float] {
        var result = [Float](repeating: 0, count: rowCount * columnCount)
        guard rowCount > 0, columnCount > 0, dimension > 0 else { return result }
        if rowCount * columnCount * dimension >= blasThreshold {
            rows.withUnsafeBufferPointer { a in
                columns.withUnsafeBufferPointer { b in
                    result.withUnsafeMutableBufferPointer { c in
                        cblas_sgemm(
                            CblasRowMajor,
                            CblasNoTrans,
                            CblasTrans,
                            Int32(rowCount),
                            Int32(columnCount),
                            Int32(dimension),
                            1,
                            a.baseAddress,
                            Int32(dimension),
                            b.baseAddress,
                            Int32(dimension),
                            0,
                            c.baseAddress,
                            Int32(columnCount)
                        )
                    }
                }
            }
            return result
        }
        rows.withUnsafeBufferPointer { a in
            columns.withUnsafeBufferPointer { b in
                for row in 0..<rowCount {
                    let rowBase = row * dimension
                    for column in 0..<columnCount {
                        let columnBase = column * dimension
                        var sum: Float = 0
                        for index in 0..<dimension { sum += a[rowBase + index] * b[columnBase + index] }
                        result[row * columnCount + column] = sum
                    }
                }
            }
        }
        return result
    }
}
