import CMiniLMInt8
import Testing

@testable import ClusterdEmbedding

/// The int8 product (VNNI kernel and scalar fallback) against a naive reference over the same quantisation, on odd
/// sizes: inputs not a multiple of 4 or of the scale blocks, columns not a multiple of 16 or 64, 1 to 33 rows, column sub-ranges.
@Suite struct Int8MatrixTests {
    /// A small deterministic generator (xorshift) of floats in -range ... range.
    struct Values {
        var state: UInt64
        /// The next value.
        mutating func next(_ range: Float) -> Float {
            state ^= state << 13
            state ^= state >> 7
            state ^= state << 17
            return (Float(state % 2_000_001) / 1_000_000 - 1) * range
        }
    }

    /// Symmetric quantisation as the C code does it: round-half-even of x · (127 / max |x|), clamped to ±127.
    static func quantize(_ values: ArraySlice<Float>) -> (levels: [Int], scale: Double) {
        let largest = values.map(abs).max() ?? 0
        let inverse: Float = largest > 0 ? 127 / largest : 0
        let levels = values.map { Swift.min(127, Swift.max(-127, Int(($0 * inverse).rounded(.toNearestOrEven)))) }
        return (levels, Double(largest / 127))
    }

    /// The product of `rows` random rows and a random [k, n] weight through `Int8Matrix`, checked against the naive
    /// reference for columns `first ..< n`; returns the kernel's output (the columns outside the range stay NaN).
    static func check(rows: Int, k: Int, n: Int, first: Int = 0, scalar: Bool, seed: UInt64) -> [Float] {
        var random = Values(state: seed)
        let weight = (0..<(n * k)).map { _ in random.next(0.2) }
        let input = (0..<(rows * k)).map { _ in random.next(3) }
        let matrix = Int8Matrix(storedOutIn: weight, outputSize: n, inputSize: k)
        var quantized = [UInt8](repeating: 0, count: rows * matrix.quantizedRowSize)
        let blocks = Int8Matrix.inputBlocks(k)
        var rowScales = [Float](repeating: 0, count: rows * blocks)
        Int8Matrix.quantize(input, rows: rows, inputSize: k, into: &quantized, rowScales: &rowScales, scalar: scalar)
        var output = [Float](repeating: .nan, count: rows * n)
        matrix.product(quantized, rowScales: rowScales, rows: rows, columns: first..<n, into: &output, scalar: scalar)
        let columns = (0..<n).map { quantize(weight[($0 * k)..<(($0 + 1) * k)]) }
        for row in 0..<rows {
            // One scale per block of inputs.
            let size = Int(minilm_int8_block_size())
            let x = stride(from: 0, to: k, by: size).map {
                quantize(input[(row * k + $0)..<(row * k + min(k, $0 + size))])
            }
            for column in 0..<n {
                let value = output[row * n + column]
                guard column >= first else {
                    #expect(value.isNaN, "column \(column) before the range was written")
                    continue
                }
                let w = columns[column]
                let expected = x.enumerated().reduce(0.0) { total, block in
                    let levels = w.levels[(block.offset * size)...].prefix(block.element.levels.count)
                    let sum = zip(block.element.levels, levels).reduce(0) { $0 + $1.0 * $1.1 }
                    return total + block.element.scale * w.scale * Double(sum)
                }
                #expect(
                    abs(Double(value) - expected) <= 1e-5 * max(1, abs(expected)),
                    "rows \(rows) k \(k) n \(n) at [\(row), \(column)]: \(value) vs \(expected)"
                )
            }
        }
        return output
    }

    static let inputSizes = [1, 3, 4, 5, 33, 64, 65, 131, 384]
    static let rowCounts = [1, 2, 3, 4, 5, 7, 8, 13, 33]
    static let columnCounts = [1, 15, 16, 17, 64, 65, 100]

    /// Every input size with every row count, and each row count with every column count across the input sizes
    /// (the column count turns with the input size), rather than the whole cube: the naive reference runs in a debug
    /// build, and the whole cube kept both cores busy for tens of seconds at the start of `make test`, starving the
    /// time-limited suites.
    @Test(arguments: inputSizes.indices)
    func theKernelMatchesTheReference(kIndex: Int) {
        let k = Self.inputSizes[kIndex]
        for (index, rows) in Self.rowCounts.enumerated() {
            for n in [Self.columnCounts[(index + kIndex) % Self.columnCounts.count]] {
                let seed = UInt64(k * 10_007 + rows * 101 + n + index)
                let fast = Self.check(rows: rows, k: k, n: n, scalar: false, seed: seed)
                let portable = Self.check(rows: rows, k: k, n: n, scalar: true, seed: seed)
                // The same integer sums and the same float operations: bit for bit.
                #expect(zip(fast, portable).allSatisfy { $0.bitPattern == $1.bitPattern })
            }
        }
    }

    @Test func aColumnRangeWritesOnlyItsColumns() {
        for scalar in [false, true] {
            _ = Self.check(rows: 9, k: 37, n: 150, first: 64, scalar: scalar, seed: 7)
            _ = Self.check(rows: 2, k: 8, n: 33, first: 16, scalar: scalar, seed: 8)
        }
    }

    @Test func aZeroRowGivesZeros() {
        let matrix = Int8Matrix(storedOutIn: [Float](repeating: 0.5, count: 5 * 20), outputSize: 20, inputSize: 5)
        var quantized = [UInt8](repeating: 0, count: matrix.quantizedRowSize)
        var scale: [Float] = [1]
        Int8Matrix.quantize([0, 0, 0, 0, 0], rows: 1, inputSize: 5, into: &quantized, rowScales: &scale)
        var output = [Float](repeating: .nan, count: 20)
        matrix.product(quantized, rowScales: scale, rows: 1, columns: 0..<20, into: &output)
        #expect(output == [Float](repeating: 0, count: 20))
        print("Int8 kernel: VNNI \(minilm_int8_has_vnni() == 1 ? "available" : "not available") on this CPU")
    }
}
