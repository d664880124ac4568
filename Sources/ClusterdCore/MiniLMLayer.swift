/// The weights of one BERT encoder layer, rearranged for the forward pass: query, key and value fused into one
/// [3·hidden, hidden] matrix so one sgemm computes all three. Linear weights stay [out, in] as stored.
struct MiniLMLayer: Sendable {
    /// [3·hidden, hidden]: query rows, then key rows, then value rows.
    var qkvWeight: [Float]
    /// [3·hidden].
    var qkvBias: [Float]
    /// [hidden, hidden].
    var attentionOutputWeight: [Float]
    /// [hidden].
    var attentionOutputBias: [Float]
    /// LayerNorm after attention: [hidden] each.
    var attentionNormGamma: [Float]
    var attentionNormBeta: [Float]
    /// [intermediate, hidden].
    var intermediateWeight: [Float]
    /// [intermediate].
    var intermediateBias: [Float]
    /// [hidden, intermediate].
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
        qkvWeight =
            try floats(attention + "query.weight", [hidden, hidden])
            + floats(attention + "key.weight", [hidden, hidden])
            + floats(attention + "value.weight", [hidden, hidden])
        qkvBias =
            try floats(attention + "query.bias", [hidden])
            + floats(attention + "key.bias", [hidden])
            + floats(attention + "value.bias", [hidden])
        attentionOutputWeight = try floats("attention.output.dense.weight", [hidden, hidden])
        attentionOutputBias = try floats("attention.output.dense.bias", [hidden])
        attentionNormGamma = try floats("attention.output.LayerNorm.weight", [hidden])
        attentionNormBeta = try floats("attention.output.LayerNorm.bias", [hidden])
        intermediateWeight = try floats("intermediate.dense.weight", [intermediate, hidden])
        intermediateBias = try floats("intermediate.dense.bias", [intermediate])
        outputWeight = try floats("output.dense.weight", [hidden, intermediate])
        outputBias = try floats("output.dense.bias", [hidden])
        outputNormGamma = try floats("output.LayerNorm.weight", [hidden])
        outputNormBeta = try floats("output.LayerNorm.bias", [hidden])
    }
}
