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
}
