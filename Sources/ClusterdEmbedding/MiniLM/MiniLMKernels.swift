internal import COpenBLAS
import ClusterdCore

/// The loops of the transformer, over raw pointers: element-wise work as branch-free loops the optimiser
/// vectorises (SSE2 and up), reductions with explicit eight-wide SIMD accumulators, products through sgemm.
enum MiniLMKernels {
    /// C[rows, columns] = A[rows, k] · B[k, columns] for row-major matrices with leading dimensions `lda`, `ldb`,
    /// `ldc` (a Linear layer with its weight transposed to [in, out]).
    @inline(__always)
    static func product(
        _ a: UnsafePointer<Float>,
        lda: Int,
        _ b: UnsafePointer<Float>,
        ldb: Int,
        into c: UnsafeMutablePointer<Float>,
        ldc: Int,
        rows: Int,
        columns: Int,
        inner: Int
    ) {
        cblas_sgemm(
            CblasRowMajor,
            CblasNoTrans,
            CblasNoTrans,
            Int32(rows),
            Int32(columns),
            Int32(inner),
            1,
            a,
            Int32(lda),
            b,
            Int32(ldb),
            0,
            c,
            Int32(ldc)
        )
    }

    /// scores[length, length] = scale · Q · Kᵀ for one head: Q and K are `length` rows of `size` values, `stride`
    /// apart.
    @inline(__always)
    static func scores(
        _ query: UnsafePointer<Float>,
        _ key: UnsafePointer<Float>,
        stride: Int,
        length: Int,
        size: Int,
        scale: Float,
        into scores: UnsafeMutablePointer<Float>
    ) {
        cblas_sgemm(
            CblasRowMajor,
            CblasNoTrans,
            CblasTrans,
            Int32(length),
            Int32(length),
            Int32(size),
            scale,
            query,
            Int32(stride),
            key,
            Int32(stride),
            0,
            scores,
            Int32(length)
        )
    }

    /// matrix[row, column] += bias[column] for `rows` and `columns` of a matrix `stride` wide; then GELU when
    /// `gelu`, the exact-erf form 0.5·x·(1 + erf(x/√2)).
    @inline(__always)
    static func addBias(
        _ bias: UnsafePointer<Float>,
        to matrix: UnsafeMutablePointer<Float>,
        stride: Int,
        rows: Range<Int>,
        columns: Range<Int>,
        gelu: Bool
    ) {
        let start = columns.lowerBound
        let count = columns.count
        let offsetBias = bias + start
        for row in rows {
            let line = matrix + row * stride + start
            if gelu {
                for index in 0..<count {
                    let x = line[index] + offsetBias[index]
                    line[index] = 0.5 * x * (1 + erf(x * 0.707_106_77))
                }
            } else {
                for index in 0..<count { line[index] += offsetBias[index] }
            }
        }
    }

    /// erf as a rational function in x (Eigen's float approximation), max abs error about 4e-7; inputs beyond
    /// ±4 give ±1 as in single precision. Branch-free so that loops calling it vectorise.
    @inline(__always)
    static func erf(_ value: Float) -> Float {
        let x = Swift.min(Swift.max(value, -4), 4)
        let x2 = x * x
        var p: Float = -2.726_142_258_013_06e-10
        p = p * x2 + 2.770_681_424_959_02e-08
        p = p * x2 - 2.101_024_020_825_08e-06
        p = p * x2 - 5.692_506_394_623_46e-05
        p = p * x2 - 7.349_906_303_268_55e-04
        p = p * x2 - 2.954_599_808_540_25e-03
        p = p * x2 - 1.609_603_332_624_15e-02
        p *= x
        var q: Float = -1.456_607_184_649_96e-05
        q = q * x2 - 2.133_740_552_789_05e-04
        q = q * x2 - 1.682_826_974_382_03e-03
        q = q * x2 - 7.373_329_167_204_68e-03
        q = q * x2 - 1.426_473_905_141_89e-02
        return p / q
    }

    /// e^x for x ≤ 88 (Cephes' polynomial on x reduced by n·ln 2, then scaled by 2ⁿ through the exponent bits);
    /// inputs below -87 give about 1e-38. Relative error about 2e-7. Branch-free.
    @inline(__always)
    static func exp(_ value: Float) -> Float {
        let x = Swift.min(Swift.max(value, -87), 88)
        // Round x·log2(e) to the nearest integer with the 1.5·2²³ trick (no SSE4.1 round needed).
        let shifted = x * 1.442_695_04 + 12_582_912
        let n = shifted - 12_582_912
        var r = x - n * 0.693_359_375
        r = r + n * 2.121_944_4e-4
        var y: Float = 1.987_569_15e-4
        y = y * r + 1.398_199_95e-3
        y = y * r + 8.333_451_9e-3
        y = y * r + 4.166_579_59e-2
        y = y * r + 1.666_666_55e-1
        y = y * r + 5.000_000_12e-1
        y = y * r * r + r + 1
        let exponent = (Int32(bitPattern: shifted.bitPattern) &- 0x4B40_0000 &+ 127) << 23
        return y * Float(bitPattern: UInt32(bitPattern: exponent))
    }

    /// Row-wise softmax of `matrix` (`rows` × `count`, rows `stride` apart) in place.
    static func softmaxRows(_ matrix: UnsafeMutablePointer<Float>, rows: Int, count: Int, stride: Int? = nil) {
        let stride = stride ?? count
        for row in 0..<rows {
            let line = matrix + row * stride
            let maximum = max(line, count: count)
            for index in 0..<count { line[index] = exp(line[index] - maximum) }
            let scale = 1 / sum(line, count: count)
            for index in 0..<count { line[index] *= scale }
        }
    }

    /// hidden = LayerNorm(hidden + update) for `rows` (eps 1e-12), with `gamma`/`beta`; rows `count` wide.
    static func residualLayerNorm(
        hidden: UnsafeMutablePointer<Float>,
        update: UnsafePointer<Float>,
        gamma: UnsafePointer<Float>,
        beta: UnsafePointer<Float>,
        rows: Range<Int>,
        count: Int
    ) {
        for row in rows {
            normalizeRow(hidden + row * count, adding: update + row * count, gamma: gamma, beta: beta, count: count)
        }
    }

    /// One row of LayerNorm in place, (x - mean) / sqrt(var + 1e-12) · gamma + beta, where x is the row plus
    /// `delta` when given. Two passes over the row: the first adds `delta` and sums x and x² (shifted by the
    /// row's first value, so the variance does not lose digits to cancellation), the second writes the result.
    @inline(__always)
    static func normalizeRow(
        _ line: UnsafeMutablePointer<Float>,
        adding delta: UnsafePointer<Float>? = nil,
        gamma: UnsafePointer<Float>,
        beta: UnsafePointer<Float>,
        count: Int
    ) {
        guard count > 0 else { return }
        let raw = UnsafeMutableRawPointer(line)
        let shift = line[0] + (delta?[0] ?? 0)
        let shifts = SIMD8<Float>(repeating: shift)
        var sums = SIMD8<Float>()
        var squares = SIMD8<Float>()
        var index = 0
        if let delta {
            let added = UnsafeRawPointer(delta)
            while index + 8 <= count {
                let x =
                    raw.loadUnaligned(fromByteOffset: index * 4, as: SIMD8<Float>.self)
                    + added.loadUnaligned(fromByteOffset: index * 4, as: SIMD8<Float>.self)
                raw.storeBytes(of: x, toByteOffset: index * 4, as: SIMD8<Float>.self)
                let y = x - shifts
                sums += y
                squares += y * y
                index += 8
            }
        } else {
            while index + 8 <= count {
                let y = raw.loadUnaligned(fromByteOffset: index * 4, as: SIMD8<Float>.self) - shifts
                sums += y
                squares += y * y
                index += 8
            }
        }
        var sum = sums.sum()
        var square = squares.sum()
        while index < count {
            if let delta { line[index] += delta[index] }
            let y = line[index] - shift
            sum += y
            square += y * y
            index += 1
        }
        let shiftedMean = sum / Float(count)
        let variance = Swift.max(0, square / Float(count) - shiftedMean * shiftedMean)
        let mean = shift + shiftedMean
        let scale = 1 / (variance + 1e-12).squareRoot()
        for index in 0..<count { line[index] = (line[index] - mean) * scale * gamma[index] + beta[index] }
    }

    /// Attention for one head of one short text, fused: for each query row, its scores against every key
    /// (scaled), their softmax, and the weighted sum of the value rows, without a score matrix or a BLAS call.
    /// Q, K and V are `length` rows of `size` values (a multiple of 8), `stride` apart; `weights` holds `length`
    /// floats of scratch; context rows are `outputStride` apart. (A SIMD32-per-row form measured 4× slower.)
    static func attendHead(
        query: UnsafePointer<Float>,
        key: UnsafePointer<Float>,
        value: UnsafePointer<Float>,
        stride: Int,
        length: Int,
        size: Int,
        scale: Float,
        weights: UnsafeMutablePointer<Float>,
        into context: UnsafeMutablePointer<Float>,
        outputStride: Int
    ) {
        let keys = UnsafeRawPointer(key)
        let values = UnsafeRawPointer(value)
        for row in 0..<length {
            let q = UnsafeRawPointer(query + row * stride)
            for other in 0..<length {
                let k = keys + other * stride * 4
                var lanes = SIMD8<Float>()
                var offset = 0
                while offset < size {
                    lanes +=
                        q.loadUnaligned(fromByteOffset: offset * 4, as: SIMD8<Float>.self)
                        * k.loadUnaligned(fromByteOffset: offset * 4, as: SIMD8<Float>.self)
                    offset += 8
                }
                weights[other] = lanes.sum() * scale
            }
            softmaxRows(weights, rows: 1, count: length)
            let out = UnsafeMutableRawPointer(context + row * outputStride)
            var offset = 0
            while offset < size {
                var lanes = SIMD8<Float>()
                for other in 0..<length {
                    lanes +=
                        SIMD8<Float>(repeating: weights[other])
                        * values.loadUnaligned(fromByteOffset: (other * stride + offset) * 4, as: SIMD8<Float>.self)
                }
                out.storeBytes(of: lanes, toByteOffset: offset * 4, as: SIMD8<Float>.self)
                offset += 8
            }
        }
    }

    /// Largest of `count` values, eight lanes at a time.
    @inline(__always)
    static func max(_ values: UnsafePointer<Float>, count: Int) -> Float {
        var lanes = SIMD8<Float>(repeating: -.greatestFiniteMagnitude)
        var index = 0
        let raw = UnsafeRawPointer(values)
        while index + 8 <= count {
            let chunk = raw.loadUnaligned(fromByteOffset: index * 4, as: SIMD8<Float>.self)
            lanes.replace(with: chunk, where: chunk .> lanes)
            index += 8
        }
        var result = lanes.max()
        while index < count {
            result = Swift.max(result, values[index])
            index += 1
        }
        return result
    }

    /// Sum of `count` values with eight-wide partial sums.
    @inline(__always)
    static func sum(_ values: UnsafePointer<Float>, count: Int) -> Float {
        var lanes = SIMD8<Float>()
        var index = 0
        let raw = UnsafeRawPointer(values)
        while index + 8 <= count {
            lanes += raw.loadUnaligned(fromByteOffset: index * 4, as: SIMD8<Float>.self)
            index += 8
        }
        var result = lanes.sum()
        while index < count {
            result += values[index]
            index += 1
        }
        return result
    }

    /// Sum of squares of `count` values with eight-wide partial sums.
    @inline(__always)
    static func sumOfSquares(_ values: UnsafePointer<Float>, count: Int) -> Float {
        var lanes = SIMD8<Float>()
        var index = 0
        let raw = UnsafeRawPointer(values)
        while index + 8 <= count {
            let chunk = raw.loadUnaligned(fromByteOffset: index * 4, as: SIMD8<Float>.self)
            lanes += chunk * chunk
            index += 8
        }
        var result = lanes.sum()
        while index < count {
            result += values[index] * values[index]
            index += 1
        }
        return result
    }
}
