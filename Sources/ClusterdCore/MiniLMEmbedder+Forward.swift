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
        let hidden = UnsafeMutablePointer<Float>.allocate(capacity: rows * hiddenSize)
        let qkv = UnsafeMutablePointer<Float>.allocate(capacity: rows * 3 * hiddenSize)
        let context = UnsafeMutablePointer<Float>.allocate(capacity: rows * hiddenSize)
        let update = UnsafeMutablePointer<Float>.allocate(capacity: rows * hiddenSize)
        let intermediate = UnsafeMutablePointer<Float>.allocate(capacity: rows * intermediateSize)
        let scores = UnsafeMutablePointer<Float>.allocate(capacity: threads * longest * longest)
        defer {
            hidden.deallocate()
            qkv.deallocate()
            context.deallocate()
            update.deallocate()
            intermediate.deallocate()
            scores.deallocate()
        }

        embedTokens(sequences, into: hidden)
        for layer in layers {
            linear(hidden, hiddenSize, layer.qkvWeight, layer.qkvBias, 3 * hiddenSize, into: qkv, rows: rows)
            attention(lengths: lengths, offsets: offsets, qkv: qkv, scores: scores, into: context)
            linear(
                context,
                hiddenSize,
                layer.attentionOutputWeight,
                layer.attentionOutputBias,
                hiddenSize,
                into: update,
                rows: rows
            )
            layerNorm(hidden, adding: update, layer.attentionNormGamma, layer.attentionNormBeta, rows: rows)
            linear(
                hidden,
                hiddenSize,
                layer.intermediateWeight,
                layer.intermediateBias,
                intermediateSize,
                into: intermediate,
                rows: rows,
                gelu: true
            )
            linear(
                intermediate,
                intermediateSize,
                layer.outputWeight,
                layer.outputBias,
                hiddenSize,
                into: update,
                rows: rows
            )
            layerNorm(hidden, adding: update, layer.outputNormGamma, layer.outputNormBeta, rows: rows)
        }
        return pool(lengths: lengths, offsets: offsets, hidden: hidden)
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

    /// output[rows, outputSize] = input[rows, inputSize] · weight[inputSize, outputSize] + bias, then GELU when
    /// `gelu`. Small batches: each worker takes a slice of the columns and multiplies in calls of at most about
    /// 900k multiply-adds (OpenBLAS's unpacked kernels: the weight is read once, not packed on every call);
    /// large batches: one OpenBLAS call on its own threads.
    private func linear(
        _ input: UnsafePointer<Float>,
        _ inputSize: Int,
        _ weight: UnsafePointer<Float>,
        _ bias: UnsafePointer<Float>,
        _ outputSize: Int,
        into output: UnsafeMutablePointer<Float>,
        rows: Int,
        gelu: Bool = false
    ) {
        let (input, weight, bias, output) = (
            SharedBuffer(input), SharedBuffer(weight), SharedBuffer(bias), SharedBuffer(output)
        )
        guard rows <= smallBatchRows else {
            MiniLMKernels.product(
                input.base,
                lda: inputSize,
                weight.base,
                ldb: outputSize,
                into: output.base,
                ldc: outputSize,
                rows: rows,
                columns: outputSize,
                inner: inputSize
            )
            parallelRows(rows, width: outputSize) { range in
                MiniLMKernels.addBias(
                    bias.base,
                    to: output.base,
                    stride: outputSize,
                    rows: range,
                    columns: 0..<outputSize,
                    gelu: gelu
                )
            }
            return
        }
        let chunk = min(outputSize, max(16, 900_000 / (rows * inputSize) / 16 * 16))
        let parts = min(threads, (outputSize + chunk - 1) / chunk)
        let perPart = ((outputSize + parts - 1) / parts + 15) / 16 * 16
        parallel(parts) { part in
            let start = min(outputSize, part * perPart)
            let end = min(outputSize, start + perPart)
            var column = start
            while column < end {
                let width = min(chunk, end - column)
                MiniLMKernels.product(
                    input.base,
                    lda: inputSize,
                    weight.base + column,
                    ldb: outputSize,
                    into: output.base + column,
                    ldc: outputSize,
                    rows: rows,
                    columns: width,
                    inner: inputSize
                )
                column += width
            }
            MiniLMKernels.addBias(
                bias.base,
                to: output.base,
                stride: outputSize,
                rows: 0..<rows,
                columns: start..<end,
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
    /// are dealt round-robin to the workers, each with its own score matrix.
    private func attention(
        lengths: [Int],
        offsets: [Int],
        qkv: UnsafeMutablePointer<Float>,
        scores: UnsafeMutablePointer<Float>,
        into context: UnsafeMutablePointer<Float>
    ) {
        let hiddenSize = dimension
        let stride = 3 * hiddenSize
        let scale = 1 / Float(headSize).squareRoot()
        let pairs = lengths.count * heads
        let parts = min(threads, pairs)
        let longest = lengths.max() ?? 0
        let (qkv, scores, context) = (SharedBuffer(qkv), SharedBuffer(scores), SharedBuffer(context))
        let headSize = headSize
        let heads = heads
        parallel(parts) { part in
            let matrix = scores.base + part * longest * longest
            var pair = part
            while pair < pairs {
                let sequence = pair / heads
                let head = pair % heads
                let length = lengths[sequence]
                let query = qkv.base + offsets[sequence] * stride + head * headSize
                let key = query + hiddenSize
                let value = query + 2 * hiddenSize
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
                    into: context.base + offsets[sequence] * hiddenSize + head * headSize,
                    ldc: hiddenSize,
                    rows: length,
                    columns: headSize,
                    inner: length
                )
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
