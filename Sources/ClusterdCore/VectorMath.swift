internal import COpenBLAS

/// Small dense-vector helpers; matrix products go through OpenBLAS once they are large enough to pay for the call.
enum VectorMath {
    /// Products with fewer multiply-adds than this use plain Swift loops.
    static let blasThreshold = 1 << 16

    /// Scales `vector` to unit length in place and returns its previous length; a zero vector is left as is.
    @discardableResult
    static func normalize(_ vector: inout [Float]) -> Float {
        var sum: Double = 0
        for value in vector { sum += Double(value) * Double(value) }
        let norm = sum.squareRoot()
        guard norm > 0, norm.isFinite else { return 0 }
        let scale = Float(1 / norm)
        for index in vector.indices { vector[index] *= scale }
        return Float(norm)
    }

    /// A unit-length copy of `vector` (zero stays zero).
    static func normalized(_ vector: [Float]) -> [Float] {
        var copy = vector
        normalize(&copy)
        return copy
    }

    /// Dot product, accumulated in `Double`.
    static func dot(_ lhs: [Float], _ rhs: [Float]) -> Double {
        var sum: Double = 0
        for index in 0..<min(lhs.count, rhs.count) { sum += Double(lhs[index]) * Double(rhs[index]) }
        return sum
    }

    /// Dot products of every row of `rows` (`rowCount` × `dimension`, row-major) with every row of `columns`
    /// (`columnCount` × `dimension`): a `rowCount` × `columnCount` row-major matrix.
    static func gram(
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
