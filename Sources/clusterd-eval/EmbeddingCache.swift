import ClusterdCore
import Foundation

/// Embeddings of a data file stored as `<dir>/<file>.f32`: a header (magic, FNV-1a 64 of the file's bytes, the
/// embedder's identifier hash, count, dimension) then count × dimension little-endian Float32. A header that does
/// not match the file (edited data, another embedder) is ignored and the texts are embedded again.
struct EmbeddingCache {
    let directory: String

    private static let magic: UInt64 = 0x3233_4676_6465_6263  // "cbedvF32"

    /// The cached embeddings of `dataset` by `embedder`, or embeds (in batches of `batchSize`, reporting progress)
    /// and stores them. Returns the vectors and whether they came from the cache.
    func embeddings(
        of dataset: EvalDataset,
        embedder: any Embedder,
        batchSize: Int,
        progress: (Int, Int, Double) -> Void
    ) throws -> (vectors: [[Float]], cached: Bool) {
        let path = (directory as NSString).appendingPathComponent(dataset.fileName + ".f32")
        let header = [
            Self.magic, Self.fnv(dataset.data), Self.fnv(Data(embedder.identifier.utf8)),
            UInt64(dataset.texts.count), UInt64(embedder.dimension),
        ]
        if let vectors = load(path: path, header: header, dimension: embedder.dimension) {
            return (vectors, true)
        }
        var vectors: [[Float]] = []
        vectors.reserveCapacity(dataset.texts.count)
        let start = Date()
        var next = 0
        while next < dataset.texts.count {
            let end = min(dataset.texts.count, next + batchSize)
            vectors += try embedder.embed(Array(dataset.texts[next..<end]))
            next = end
            progress(next, dataset.texts.count, Date().timeIntervalSince(start))
        }
        try store(path: path, header: header, vectors: vectors)
        return (vectors, false)
    }

    private func load(path: String, header: [UInt64], dimension: Int) -> [[Float]]? {
        guard let data = FileManager.default.contents(atPath: path) else { return nil }
        let headerBytes = header.count * 8
        let count = Int(header[3])
        guard data.count == headerBytes + count * dimension * 4 else { return nil }
        let stored: [UInt64] = data.prefix(headerBytes).withUnsafeBytes { raw in
            (0..<header.count).map { UInt64(littleEndian: raw.loadUnaligned(fromByteOffset: $0 * 8, as: UInt64.self)) }
        }
        guard stored == header else { return nil }
        return data.dropFirst(headerBytes).withUnsafeBytes { raw in
            (0..<count).map { row in
                (0..<dimension).map { column in
                    let bits = raw.loadUnaligned(fromByteOffset: (row * dimension + column) * 4, as: UInt32.self)
                    return Float(bitPattern: UInt32(littleEndian: bits))
                }
            }
        }
    }

    private func store(path: String, header: [UInt64], vectors: [[Float]]) throws {
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        var data = Data()
        data.reserveCapacity(header.count * 8 + vectors.count * Int(header[4]) * 4)
        for value in header { withUnsafeBytes(of: value.littleEndian) { data.append(contentsOf: $0) } }
        for vector in vectors {
            for value in vector { withUnsafeBytes(of: value.bitPattern.littleEndian) { data.append(contentsOf: $0) } }
        }
        let temporary = path + ".tmp"
        guard FileManager.default.createFile(atPath: temporary, contents: data) else {
            throw EvalError("cannot write \(temporary)")
        }
        if FileManager.default.fileExists(atPath: path) { try FileManager.default.removeItem(atPath: path) }
        try FileManager.default.moveItem(atPath: temporary, toPath: path)
    }

    private static func fnv(_ data: Data) -> UInt64 {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in data {
            hash ^= UInt64(byte)
            hash &*= 0x0000_0100_0000_01b3
        }
        return hash
    }
}
