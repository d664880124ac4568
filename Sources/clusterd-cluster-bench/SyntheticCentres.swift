import ClusterdCore
import Foundation

/// The bench's data: `count` unit vectors, each a random one of `k` random unit centres plus Gaussian noise of
/// standard deviation `noise` per coordinate, normalised; written block by block (never all in memory) as raw
/// little-endian float32 rows to `path` and the true centre of each row as int32 to `path.labels`.
enum SyntheticCentres {
    /// Rows generated and written at a time.
    static let blockRows = 8_192

    /// Writes the data set; returns the true label of each row.
    static func write(path: String, count: Int, k: Int, dimension: Int, noise: Float, seed: UInt64) throws -> [Int32] {
        var generator = SeededGenerator(seed: seed)
        let centres = (0..<k).map { _ in VectorMath.normalized((0..<dimension).map { _ in gaussian(&generator) }) }
        FileManager.default.createFile(atPath: path, contents: nil)
        guard let output = FileHandle(forWritingAtPath: path) else { throw ClusterBenchError("cannot write \(path)") }
        defer { try? output.close() }
        var labels: [Int32] = []
        labels.reserveCapacity(count)
        var start = 0
        while start < count {
            let rows = min(blockRows, count - start)
            var block: [Float] = []
            block.reserveCapacity(rows * dimension)
            for _ in 0..<rows {
                let label = generator.nextIndex(below: k)
                labels.append(Int32(label))
                block += VectorMath.normalized(centres[label].map { $0 + noise * gaussian(&generator) })
            }
            try output.write(contentsOf: block.withUnsafeBufferPointer { Data(buffer: $0) })
            start += rows
        }
        try labels.withUnsafeBufferPointer { try Data(buffer: $0).write(to: URL(fileURLWithPath: path + ".labels")) }
        return labels
    }

    /// Rows `range` of the data file at `path`.
    static func read(_ handle: FileHandle, rows range: Range<Int>, dimension: Int) throws -> [Float] {
        try handle.seek(toOffset: UInt64(range.lowerBound * dimension * 4))
        let data = try handle.read(upToCount: range.count * dimension * 4) ?? Data()
        return data.withUnsafeBytes { Array($0.bindMemory(to: Float.self)) }
    }

    /// A standard normal draw (Box–Muller).
    static func gaussian(_ generator: inout SeededGenerator) -> Float {
        let u = max(generator.nextUnitDouble(), 1e-300)
        let v = generator.nextUnitDouble()
        return Float((-2 * log(u)).squareRoot() * cos(2 * Double.pi * v))
    }
}
