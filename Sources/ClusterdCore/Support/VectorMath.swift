/// Small dense-vector helpers (matrix products are `MatrixProduct`, in ClusterdEmbedding, over OpenBLAS).
package enum VectorMath {
    /// Scales `vector` to unit length in place and returns its previous length; a zero vector is left as is.
    @discardableResult
    package static func normalize(_ vector: inout [Float]) -> Float {
        var sum: Double = 0
        for value in vector { sum += Double(value) * Double(value) }
        let norm = sum.squareRoot()
        guard norm > 0, norm.isFinite else { return 0 }
        let scale = Float(1 / norm)
        for index in vector.indices { vector[index] *= scale }
        return Float(norm)
    }

    /// A unit-length copy of `vector` (zero stays zero).
    package static func normalized(_ vector: [Float]) -> [Float] {
        var copy = vector
        normalize(&copy)
        return copy
    }

    /// Dot product, accumulated in `Double`.
    package static func dot(_ lhs: [Float], _ rhs: [Float]) -> Double {
        var sum: Double = 0
        for index in 0..<min(lhs.count, rhs.count) { sum += Double(lhs[index]) * Double(rhs[index]) }
        return sum
    }
}
