import Foundation
import Testing

@testable import ClusterdCore
@testable import ClusterdEmbedding

/// The vectorisable erf and exp stay within a few float ulps of libm; softmax and LayerNorm do what they say.
@Suite struct MiniLMKernelsTests {
    @Test func erfMatchesLibm() {
        var worst: Double = 0
        for step in -6000...6000 {
            let x = Float(step) / 1000
            worst = max(worst, abs(Double(MiniLMKernels.erf(x)) - Foundation.erf(Double(x))))
        }
        #expect(worst < 1e-6, "max abs error \(worst)")
    }

    @Test func expMatchesLibmRelatively() {
        var worst: Double = 0
        for step in -8700...8800 {
            let x = Float(step) / 100
            let reference = Foundation.exp(Double(x))
            worst = max(worst, abs(Double(MiniLMKernels.exp(x)) - reference) / reference)
        }
        #expect(worst < 1e-6, "max relative error \(worst)")
        #expect(MiniLMKernels.exp(-1000) < 1e-37)
    }

    @Test func softmaxRowsSumToOneAndLayerNormCentres() {
        var matrix: [Float] = [1, 2, 3, 1000, 1000, -1000]
        matrix.withUnsafeMutableBufferPointer { MiniLMKernels.softmaxRows($0.baseAddress!, rows: 2, count: 3) }
        #expect(abs(matrix[0..<3].reduce(0, +) - 1) < 1e-6)
        #expect(abs(matrix[3] - 0.5) < 1e-6 && matrix[5] < 1e-30)
        var row: [Float] = (0..<20).map { Float($0) }
        let gamma = [Float](repeating: 2, count: 20)
        let beta = [Float](repeating: 1, count: 20)
        row.withUnsafeMutableBufferPointer {
            MiniLMKernels.normalizeRow($0.baseAddress!, gamma: gamma, beta: beta, count: 20)
        }
        let mean = row.reduce(0, +) / 20
        let variance = row.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / 20
        #expect(abs(mean - 1) < 1e-5)
        #expect(abs(variance - 4) < 1e-3)
    }

    @Test func fusedAttentionMatchesTheDefinition() {
        var generator = SystemRandomNumberGenerator()
        let size = 32
        let stride = 3 * size + 8
        for length in [1, 2, 7, 13, 30, 64] {
            let qkv = (0..<(length * stride)).map { _ in Float.random(in: -2...2, using: &generator) }
            var weights = [Float](repeating: 0, count: length)
            var context = [Float](repeating: .nan, count: length * size)
            let scale: Float = 1 / Float(size).squareRoot()
            qkv.withUnsafeBufferPointer { input in
                let base = input.baseAddress!
                MiniLMKernels.attendHead(
                    query: base,
                    key: base + size,
                    value: base + 2 * size,
                    stride: stride,
                    length: length,
                    size: size,
                    scale: scale,
                    weights: &weights,
                    into: &context,
                    outputStride: size
                )
            }
            var worst: Double = 0
            for row in 0..<length {
                let scores = (0..<length).map { other in
                    (0..<size).reduce(0.0) {
                        $0 + Double(qkv[row * stride + $1]) * Double(qkv[other * stride + size + $1])
                    } * Double(scale)
                }
                let top = scores.max()!
                let exps = scores.map { Foundation.exp($0 - top) }
                let total = exps.reduce(0, +)
                for column in 0..<size {
                    let expected = (0..<length).reduce(0.0) {
                        $0 + exps[$1] / total * Double(qkv[$1 * stride + 2 * size + column])
                    }
                    worst = max(worst, abs(expected - Double(context[row * size + column])))
                }
            }
            #expect(worst < 1e-5, "length \(length): max abs error \(worst)")
        }
    }

    @Test func residualLayerNormKeepsItsDigitsFarFromZero() {
        // Values around 1000 with a spread of 0.01: a plain E[x²] − E[x]² in float would lose the variance.
        let count = 384
        var hidden = (0..<count).map { Float(1000) + Float($0 % 7) * 0.003 }
        let update = (0..<count).map { Float($0 % 5) * 0.002 }
        let gamma = [Float](repeating: 1, count: count)
        let beta = [Float](repeating: 0, count: count)
        let x = zip(hidden, update).map { Double($0) + Double($1) }
        let mean = x.reduce(0, +) / Double(count)
        let deviation = (x.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / Double(count)).squareRoot()
        hidden.withUnsafeMutableBufferPointer { line in
            MiniLMKernels.residualLayerNorm(
                hidden: line.baseAddress!,
                update: update,
                gamma: gamma,
                beta: beta,
                rows: 0..<1,
                count: count
            )
        }
        let worst = zip(hidden, x).map { abs(Double($0) - ($1 - mean) / deviation) }.max() ?? 0
        #expect(worst < 0.02, "max abs error \(worst)")
    }
}
