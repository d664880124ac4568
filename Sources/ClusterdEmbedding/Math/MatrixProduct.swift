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
        rows.withUnsafeBufferPointer { a in
            columns.withUnsafeBufferPointer { b in
                result.withUnsafeMutableBufferPointer { c in
                    gram(
                        rows: a.baseAddress!,
                        rowCount: rowCount,
                        columns: b.baseAddress!,
                        columnCount: columnCount,
                        dimension: dimension,
                        into: c.baseAddress!
                    )
                }
            }
        }
        return result
    }

    /// `gram(rows:rowCount:columns:columnCount:dimension:)` on borrowed buffers, written into `result`
    /// (`rowCount` × `columnCount`, row-major, overwritten): what k-means' blocked assignment calls per block of rows.
    package static func gram(
        rows a: UnsafePointer<Float>,
        rowCount: Int,
        columns b: UnsafePointer<Float>,
        columnCount: Int,
        dimension: Int,
        into c: UnsafeMutablePointer<Float>
    ) {
        guard rowCount > 0, columnCount > 0 else { return }
        guard dimension > 0 else {
            c.update(repeating: 0, count: rowCount * columnCount)
            return
        }
        if rowCount * columnCount * dimension >= blasThreshold {
            cblas_sgemm(
                CblasRowMajor,
                CblasNoTrans,
                CblasTrans,
                Int32(rowCount),
                Int32(columnCount),
                Int32(dimension),
                1,
                a,
                Int32(dimension),
                b,
                Int32(dimension),
                0,
                c,
                Int32(columnCount)
            )
            return
        }
        for row in 0..<rowCount {
            let rowBase = row * dimension
            for column in 0..<columnCount {
                let columnBase = column * dimension
                var sum: Float = 0
                for index in 0..<dimension { sum += a[rowBase + index] * b[columnBase + index] }
                c[row * columnCount + column] = sum
            }
        }
    }

    /// The dot product of `count` floats at `a` and at `b` (OpenBLAS `sdot`: vectorised, one thread).
    package static func dot(_ a: UnsafePointer<Float>, _ b: UnsafePointer<Float>, count: Int) -> Float {
        cblas_sdot(Int32(count), a, 1, b, 1)
    }

    /// Multiplies the `count` floats at `values` by `factor` in place (OpenBLAS `sscal`).
    package static func scale(_ values: UnsafeMutablePointer<Float>, count: Int, by factor: Float) {
        cblas_sscal(Int32(count), factor, values, 1)
    }

    /// OpenBLAS's thread count (what every product above may use).
    package static var threadCount: Int { Int(openblas_get_num_threads()) }
}
