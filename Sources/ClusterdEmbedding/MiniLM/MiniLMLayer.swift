import ClusterdCore

/// The weights of one BERT encoder layer, rearranged for the forward pass: every Linear weight as column panels
/// (`PanelMatrix`), and query, key and value fused into one [hidden, 3·hidden] product so one pass computes all
/// three.
struct MiniLMLayer: Sendable {
    /// [hidden → 3·hidden]: query columns, then key columns, then value columns.
    var qkvWeight: PanelMatrix
    /// [3·hidden].
    var qkvBias: [Float]
    /// [hidden → hidden].
    var attentionOutputWeight: PanelMatrix
    /// [hidden].
    var attentionOutputBias: [Float]
    /// LayerNorm after attention: [hidden] each.
    var attentionNormGamma: [Float]
    var attentionNormBeta: [Float]
    /// [hidden → intermediate].
    var intermediateWeight: PanelMatrix
    /// [intermediate].
    var intermediateBias: [Float]
    /// [intermediate → hidden].
    var outputWeight: PanelMatrix
    /// [hidden].
    var outputBias: [Float]
    /// LayerNorm after the feed-forward block: [hidden] each.
    var outputNormGamma: [Float]
    var outputNormBeta: [Float]
    /// The int8 forms of the four Linear weights (same order: qkv, attention output, intermediate, output), present
    /// where the precision quantises them; a nil entry keeps that product in fp32.
    var quantized: [Int8Matrix?] = [nil, nil, nil, nil]

    /// Reads layer `index` from `tensors`, checking every shape.
    /// `precision` other than fp32 also quantises the Linear weights it names.
    init(
        _ tensors: SafeTensors,
        index: Int,
        hidden: Int,
        intermediate: Int,
        precision: MiniLMPrecision = .fp32
    ) throws {
        let prefix = "encoder.layer.\(index)."
        func floats(_ name: String, _ shape: [Int]) throws -> [Float] {
            try tensors.floats(prefix + name, shape: shape)
        }
        var quantized: [Int8Matrix?] = []
        func panels(_ weight: [Float], out: Int, in input: Int) -> PanelMatrix {
            quantized.append(
                precision.quantizes(linear: quantized.count)
                    ? Int8Matrix(storedOutIn: weight, outputSize: out, inputSize: input) : nil
            )
            return PanelMatrix(
                storedOutIn: weight,
                outputSize: out,
                inputSize: input,
                panelWidth: Self.panelWidth(inputSize: input)
            )
        }
        func panels(_ name: String, out: Int, in input: Int) throws -> PanelMatrix {
            panels(try floats(name, [out, input]), out: out, in: input)
        }
        let attention = "attention.self."
        // Stacking the [out, in] weights of query, key and value gives the fused [3·hidden, hidden] weight.
        qkvWeight = panels(
            try floats(attention + "query.weight", [hidden, hidden])
                + floats(attention + "key.weight", [hidden, hidden])
                + floats(attention + "value.weight", [hidden, hidden]),
            out: 3 * hidden,
            in: hidden
        )
        qkvBias =
            try floats(attention + "query.bias", [hidden])
            + floats(attention + "key.bias", [hidden])
            + floats(attention + "value.bias", [hidden])
        attentionOutputWeight = try panels("attention.output.dense.weight", out: hidden, in: hidden)
        attentionOutputBias = try floats("attention.output.dense.bias", [hidden])
        attentionNormGamma = try floats("attention.output.LayerNorm.weight", [hidden])
        attentionNormBeta = try floats("attention.output.LayerNorm.bias", [hidden])
        intermediateWeight = try panels("intermediate.dense.weight", out: intermediate, in: hidden)
        intermediateBias = try floats("intermediate.dense.bias", [intermediate])
        outputWeight = try panels("output.dense.weight", out: hidden, in: intermediate)
        outputBias = try floats("output.dense.bias", [hidden])
        outputNormGamma = try floats("output.LayerNorm.weight", [hidden])
        outputNormBeta = try floats("output.LayerNorm.bias", [hidden])
        self.quantized = quantized
    }

    /// Panel width for a product over `inputSize` inputs: 64 columns, 32 for wide inputs, so that a panel times a
    /// block of rows stays a small product (measured with `make bench`; 16–128 columns are within 15%).
    static func panelWidth(inputSize: Int) -> Int { inputSize > 512 ? 32 : 64 }
}
