/// The weights of one BERT encoder layer, rearranged for the forward pass: every Linear weight transposed from
/// the stored [out, in] to [in, out] (so each product is a plain row-major X·W, which lets OpenBLAS use its
/// unpacked kernels on column slices), and query, key and value fused into one [hidden, 3·hidden] matrix so one
/// product computes all three.
struct MiniLMLayer: Sendable {
    /// [hidden, 3·hidden]: query columns, then key columns, then value columns.
    var qkvWeight: [Float]
    /// [3·hidden].
    var qkvBias: [Float]
    /// [hidden, hidden] ([in, out]).
    var attentionOutputWeight: [Float]
    /// [hidden].
    var attentionOutputBias: [Float]
    /// LayerNorm after attention: [hidden] each.
    var attentionNormGamma: [Float]
    var attentionNormBeta: [Float]
    /// [hidden, intermediate] ([in, out]).
    var intermediateWeight: [Float]
    /// [intermediate].
    var intermediateBias: [Float]
    /// [intermediate, hidden] ([in, out]).
    var outputWeight: [Float]
    /// [hidden].
    var outputBias: [Float]
    /// LayerNorm after the feed-forward block: [hidden] each.
    var outputNormGamma: [Float]
    var outputNormBeta: [Float]

    /// Reads layer `index` from `tensors`, checking every shape.
    init(_ tensors: SafeTensors, index: Int, hidden: Int, intermediate: Int) throws {
        let prefix = "encoder.layer.\(index)."
        func floats(_ name: String, _ shape: [Int]) throws -> [Float] {
            try tensors.floats(prefix + name, shape: shape)
        }
        let attention = "attention.self."
        qkvWeight = Self.transposed(
            try floats(attention + "query.weight", [hidden, hidden])
                + floats(attention + "key.weight", [hidden, hidden])
                + floats(attention + "value.weight", [hidden, hidden]),
            rows: 3 * hidden,
            columns: hidden
        )
        qkvBias =
            try floats(attention + "query.bias", [hidden])
            + floats(attention + "key.bias", [hidden])
            + floats(attention + "value.bias", [hidden])
        attentionOutputWeight = Self.transposed(
            try floats("attention.output.dense.weight", [hidden, hidden]),
            rows: hidden,
            columns: hidden
        )
        attentionOutputBias = try floats("attention.output.dense.bias", [hidden])
        attentionNormGamma = try floats("attention.output.LayerNorm.weight", [hidden])
        attentionNormBeta = try floats("attention.output.LayerNorm.bias", [hidden])
        intermediateWeight = Self.transposed(
            try floats("intermediate.dense.weight", [intermediate, hidden]),
            rows: intermediate,
            columns: hidden
        )
        intermediateBias = try floats("intermediate.dense.bias", [intermediate])
        outputWeight = Self.transposed(
            try floats("output.dense.weight", [hidden, intermediate]),
            rows: hidden,
            columns: intermediate
        )
        outputBias = try floats("output.dense.bias", [hidden])
        outputNormGamma = try floats("output.LayerNorm.weight", [hidden])
        outputNormBeta = try floats("output.LayerNorm.bias", [hidden])
    }

    /// The transpose of a row-major `rows` × `columns` matrix.
    static func transposed(_ matrix: [Float], rows: Int, columns: Int) -> [Float] {
        var result = [Float](repeating: 0, count: matrix.count)
        for row in 0..<rows {
            for column in 0..<columns { result[column * rows + row] = matrix[row * columns + column] }
        }
        return result
    }
}
