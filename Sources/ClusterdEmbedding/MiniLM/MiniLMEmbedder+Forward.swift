import ClusterdCore
import Dispatch

extension MiniLMEmbedder {
    /// One forward pass over packed sequences (`tokenCount` tokens in all): one vector per sequence.
    func forward(_ sequences: ArraySlice<[Int32]>, tokenCount rows: Int) -> [[Float]] {
        let hiddenSize = dimension
        guard rows > 0 else { return sequences.map { _ in [Float](repeating: 0, count: hiddenSize) } }
        let lengths = sequences.map(\.count)
        var offsets: [Int] = []
        var running = 0
        for length in lengths {
            offsets.append(running)
            running += length
        }
        let longest = lengths.max() ?? 0
        return scratchPool.with { scratch in
            scratch.reserve(
                tokens: rows,
                longest: longest,
                hidden: hiddenSize,
                intermediate: intermediateSize,
                workers: threads
            )
            let (hidden, qkv, context, update) = (scratch.hidden, scratch.qkv, scratch.context, scratch.update)
            let intermediate = scratch.intermediate
            embedTokens(sequences, into: hidden)
            for layer in layers {
                let quantized = layer.quantized
                linear(hidden, layer.qkvWeight, quantized[0], layer.qkvBias, into: qkv, rows: rows, scratch: scratch)
                attention(
                    lengths: lengths,
                    offsets: offsets,
                    qkv: qkv,
                    scores: scratch.scores,
                    scoreStride: scratch.longest * scratch.longest,
                    into: context
                )
                linear(
                    context,
                    layer.attentionOutputWeight,
                    quantized[1],
                    layer.attentionOutputBias,
                    into: update,
                    rows: rows,
                    scratch: scratch
                )
                layerNorm(hidden, adding: update, layer.attentionNormGamma, layer.attentionNormBeta, rows: rows)
                linear(
                    hidden,
                    layer.intermediateWeight,
                    quantized[2],
                    layer.intermediateBias,
                    into: intermediate,
                    rows: rows,
                    scratch: scratch,
                    gelu: true
                )
                linear(
                    intermediate,
                    layer.outputWeight,
                    quantized[3],
                    layer.outputBias,
                    into: update,
                    rows: rows,
                    scratch: scratch
                )
                layerNorm(hidden, adding: update, layer.outputNormGamma, layer.outputNormBeta, rows: rows)
            }
            return pool(lengths: lengths, offsets: offsets, hidden: hidden)
        }
    }

    /// Runs `body(part)` for every part in `0..<parts`, on as many threads when there is more than one.
    private func parallel(_ parts: Int, _ body: @Sendable (Int) -> Void) {
        if parts <= 1 {
            body(0)
        } else {
            DispatchQueue.concurrentPerform(iterations: parts, execute: body)
        }
    }

    /// Splits `rows` rows of `width` values over the workers (one part when the work is small).
    private func parallelRows(_ rows: Int, width: Int, _ body: @Sendable (Range<Int>) -> Void) {
        let parts = rows * width < 32_768 ? 1 : min(threads, rows)
        let perPart = (rows + parts - 1) / parts
        parallel(parts) { part in
            let start = part * perPart
            let end = min(rows, start + perPart)
            if start < end { body(start..<end) }
        }
    }

    /// output[rows, out] = input[rows, in] · weight + bias, then GELU when `gelu`. The panels are split over the
    /// workers; each multiplies its panels by blocks of rows (panel outermost, so a panel stays in cache across
    /// the row blocks) and adds the bias to each block as soon as it is written. With a `quantized` weight the
    /// product is the int8 one instead.
    private func linear(
        _ input: UnsafePointer<Float>,
        _ weight: PanelMatrix,
        _ quantized: Int8Matrix?,
        _ bias: UnsafePointer<Float>,
        into output: UnsafeMutablePointer<Float>,
        rows: Int,
        scratch: MiniLMScratch,
        gelu: Bool = false
    ) {
        if let quantized {
            linearInt8(input, quantized, bias, into: output, rows: rows, scratch: scratch, gelu: gelu)
            return
        }
        let inputSize = weight.inputSize
        let outputSize = weight.outputSize
        let panelWidth = weight.panelWidth
        let rowBlock = max(1, callBudget / (panelWidth * inputSize))
        let panels = weight.panelCount
        let parts = min(threads, panels)
        let (input, bias, output) = (SharedBuffer(input), SharedBuffer(bias), SharedBuffer(output))
        weight.values.withUnsafeBufferPointer { values in
            let values = SharedBuffer(values.baseAddress!)
            parallel(parts) { part in
                let first = part * panels / parts
                let last = (part + 1) * panels / parts
                for panel in first..<last {
                    let column = panel * panelWidth
                    let width = weight.width(ofPanel: panel)
                    let block = values.base + weight.offset(ofPanel: panel)
                    var row = 0
                    while row < rows {
                        let count = min(rowBlock, rows - row)
                        MiniLMKernels.product(
                            input.base + row * inputSize,
                            lda: inputSize,
                            block,
                            ldb: width,
                            into: output.base + row * outputSize + column,
                            ldc: outputSize,
                            rows: count,
                            columns: width,
                            inner: inputSize
                        )
                        // Bias (and GELU) on the block just written, while it is still in cache.
                        MiniLMKernels.addBias(
                            bias.base,
                            to: output.base,
                            stride: outputSize,
                            rows: row..<(row + count),
                            columns: column..<(column + width),
                            gelu: gelu
                        )
                        row += count
                    }
                }
            }
        }
    }

    /// The int8 form of `linear`: the rows are quantised once, then the columns are split over the workers in tiles
    /// of 64, each product followed by the bias (and GELU) on its columns.
    private func linearInt8(
        _ input: UnsafePointer<Float>,
        _ weight: Int8Matrix,
        _ bias: UnsafePointer<Float>,
        into output: UnsafeMutablePointer<Float>,
        rows: Int,
        scratch: MiniLMScratch,
        gelu: Bool
    ) {
        let rowSize = weight.quantizedRowSize
        let inputSize = weight.inputSize
        let (input, quantized, rowScales) = (
            SharedBuffer(input), SharedBuffer(scratch.quantized), SharedBuffer(scratch.rowScales)
        )
        parallelRows(rows, width: inputSize) { range in
            Int8Matrix.quantize(
                input.base + range.lowerBound * inputSize,
                rows: range.count,
                inputSize: inputSize,
                into: quantized.base + range.lowerBound * rowSize,
                rowScales: rowScales.base + range.lowerBound * Int8Matrix.inputBlocks(inputSize)
            )
        }
        let outputSize = weight.outputSize
        let tiles = (outputSize + 63) / 64
        let parts = min(threads, tiles)
        let (bias, output) = (SharedBuffer(bias), SharedBuffer(output))
        parallel(parts) { part in
            let columns = (part * tiles / parts * 64)..<min(outputSize, (part + 1) * tiles / parts * 64)
            weight.product(
                quantized.base,
                rowScales: rowScales.base,
                rows: rows,
                columns: columns,
                into: output.base
            )
            MiniLMKernels.addBias(
                bias.base,
                to: output.base,
                stride: outputSize,
                rows: 0..<rows,
                columns: columns,
                gelu: gelu
            )
        }
    }

    /// hidden = LayerNorm(hidden + update), split over the workers by rows.
    private func layerNorm(
        _ hidden: UnsafeMutablePointer<Float>,
        adding update: UnsafePointer<Float>,
        _ gamma: UnsafePointer<Float>,
        _ beta: UnsafePointer<Float>,
        rows: Int
    ) {
        let width = dimension
        let (hidden, update, gamma, beta) = (
            SharedBuffer(hidden), SharedBuffer(update), SharedBuffer(gamma), SharedBuffer(beta)
        )
        parallelRows(rows, width: width) { range in
            MiniLMKernels.residualLayerNorm(
                hidden: hidden.base,
                update: update.base,
                gamma: gamma.base,
                beta: beta.base,
                rows: range,
                count: width
            )
        }
    }

    /// Word + position (+ token type 0) embeddings, then LayerNorm, for every token.
    private func embedTokens(_ sequences: ArraySlice<[Int32]>, into hidden: UnsafeMutablePointer<Float>) {
        let hiddenSize = dimension
        wordEmbeddings.withUnsafeBufferPointer { words in
            positionEmbeddings.withUnsafeBufferPointer { positions in
                var row = 0
                for sequence in sequences {
                    for (position, id) in sequence.enumerated() {
                        let line = hidden + row * hiddenSize
                        let word = words.baseAddress! + Int(id) * hiddenSize
                        let place = positions.baseAddress! + position * hiddenSize
                        for index in 0..<hiddenSize { line[index] = word[index] + place[index] }
                        MiniLMKernels.normalizeRow(
                            line,
                            gamma: embeddingNormGamma,
                            beta: embeddingNormBeta,
                            count: hiddenSize
                        )
                        row += 1
                    }
                }
            }
        }
    }

    /// Scaled dot-product attention per text and head, context = softmax(Q Kᵀ / √d) V; the (text, head) pairs
    /// are dealt round-robin to the workers, each with its own scratch. Texts up to `fusedAttentionLength`
    /// tokens take the fused kernel (off by default); others two sgemm calls around a row softmax.
    private func attention(
        lengths: [Int],
        offsets: [Int],
        qkv: UnsafeMutablePointer<Float>,
        scores: UnsafeMutablePointer<Float>,
        scoreStride: Int,
        into context: UnsafeMutablePointer<Float>
    ) {
        let hiddenSize = dimension
        let stride = 3 * hiddenSize
        let scale = 1 / Float(headSize).squareRoot()
        let pairs = lengths.count * heads
        // Multiply-adds of both products: below about 2¹⁸ one worker is quicker than waking the others.
        let work = lengths.reduce(0) { $0 + $1 * $1 } * 2 * hiddenSize
        let parts = min(work < 1 << 18 ? 1 : threads, pairs)
        let (qkv, scores, context) = (SharedBuffer(qkv), SharedBuffer(scores), SharedBuffer(context))
        let headSize = headSize
        let heads = heads
        let fusedLength = headSize % 8 == 0 ? fusedAttentionLength : 0
        parallel(parts) { part in
            let matrix = scores.base + part * scoreStride
            var pair = part
            while pair < pairs {
                let sequence = pair / heads
                let head = pair % heads
                let length = lengths[sequence]
                let query = qkv.base + offsets[sequence] * stride + head * headSize
                let key = query + hiddenSize
                let value = query + 2 * hiddenSize
                let output = context.base + offsets[sequence] * hiddenSize + head * headSize
                if length <= fusedLength {
                    MiniLMKernels.attendHead(
                        query: query,
                        key: key,
                        value: value,
                        stride: stride,
                        length: length,
                        size: headSize,
                        scale: scale,
                        weights: matrix,
                        into: output,
                        outputStride: hiddenSize
                    )
                } else {
                    MiniLMKernels.scores(
                        query,
                        key,
                        stride: stride,
                        length: length,
                        size: headSize,
                        scale: scale,
                        into: matrix
                    )
                    MiniLMKernels.softmaxRows(matrix, rows: length, count: length)
                    MiniLMKernels.product(
                        matrix,
                        lda: length,
                        value,
                        ldb: stride,
                        into: output,
                        ldc: hiddenSize,
                        rows: length,
                        columns: headSize,
                        inner: length
                    )
                }
                pair += parts
            }
        }
    }

    /// Mean of each text's token vectors, L2-normalised.
    private func pool(lengths: [Int], offsets: [Int], hidden: UnsafeMutablePointer<Float>) -> [[Float]] {
        let hiddenSize = dimension
        return zip(lengths, offsets).map { length, offset in
            var vector = [Float](repeating: 0, count: hiddenSize)
            guard length > 0 else { return vector }
            vector.withUnsafeMutableBufferPointer { out in
                for row in offset..<(offset + length) {
                    let line = hidden + row * hiddenSize
                    for index in 0..<hiddenSize { out[index] += line[index] }
                }
                let norm = MiniLMKernels.sumOfSquares(out.baseAddress!, count: hiddenSize).squareRoot()
                let scale = 1 / max(norm / Float(length), 1e-12) / Float(length)
                for index in 0..<hiddenSize { out[index] *= scale }
            }
            return vector
        }
    }
}
