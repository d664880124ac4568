internal import CMiniLMInt8

/// A Linear layer's weight quantised to symmetric int8 per output column and packed for the VNNI kernel (blocks of
/// 16 columns, groups of 4 inputs), with each column's scale and the sums of its int8 weights per block of 32 inputs
/// (activations are quantised with one scale per row and block of 32 inputs).
struct Int8Matrix: Sendable {
    /// Rows (the layer's input size).
    let inputSize: Int
    /// Columns (the layer's output size).
    let outputSize: Int
    /// The packed int8 weights.
    let packed: [Int8]
    /// [out]: the float value of one int8 step of each column.
    let scales: [Float]
    /// [input blocks, out]: Σ of each column's int8 weights over each block of 32 inputs (corrects the +128 shift of
    /// the activations).
    let columnSums: [Int32]

    /// Quantises `weight`, stored [out, in] as in the safetensors file.
    init(storedOutIn weight: [Float], outputSize: Int, inputSize: Int) {
        precondition(weight.count == outputSize * inputSize)
        self.inputSize = inputSize
        self.outputSize = outputSize
        var packed = [Int8](repeating: 0, count: minilm_int8_packed_size(Int32(inputSize), Int32(outputSize)))
        var scales = [Float](repeating: 0, count: outputSize)
        var columnSums = [Int32](repeating: 0, count: outputSize * Self.inputBlocks(inputSize))
        minilm_int8_pack(weight, Int32(inputSize), Int32(outputSize), &packed, &scales, &columnSums)
        self.packed = packed
        self.scales = scales
        self.columnSums = columnSums
    }

    /// Activation scales per row for `inputSize` inputs (one per block of 32).
    static func inputBlocks(_ inputSize: Int) -> Int { Int(minilm_int8_input_blocks(Int32(inputSize))) }

    /// Bytes per quantised activation row (inputs rounded up to a multiple of 4).
    var quantizedRowSize: Int { Int(minilm_int8_padded_inputs(Int32(inputSize))) }

    /// Quantises `rows` rows of `input` (`inputSize` apart) into `quantized` and `rowScales` ([rows, input blocks]). `scalar` takes the
    /// portable loop (the same bytes).
    static func quantize(
        _ input: UnsafePointer<Float>,
        rows: Int,
        inputSize: Int,
        into quantized: UnsafeMutablePointer<UInt8>,
        rowScales: UnsafeMutablePointer<Float>,
        scalar: Bool = false
    ) {
        minilm_int8_quantize_rows(
            input,
            Int32(rows),
            Int32(inputSize),
            Int32(inputSize),
            quantized,
            rowScales,
            scalar ? 1 : 0
        )
    }

    /// output[row, column] = quantised input row · column for every row and `columns` (the lower bound a multiple of
    /// 16), without bias; `output` is `outputSize` wide. `scalar` takes the portable loop.
    func product(
        _ quantized: UnsafePointer<UInt8>,
        rowScales: UnsafePointer<Float>,
        rows: Int,
        columns: Range<Int>,
        into output: UnsafeMutablePointer<Float>,
        scalar: Bool = false
    ) {
        packed.withUnsafeBufferPointer { packed in
            minilm_int8_gemm(
                Int32(rows),
                Int32(inputSize),
                Int32(outputSize),
                Int32(columns.lowerBound),
                Int32(columns.upperBound),
                quantized,
                rowScales,
                packed.baseAddress,
                scales,
                columnSums,
                output,
                Int32(outputSize),
                scalar ? 1 : 0
            )
        }
    }
}
