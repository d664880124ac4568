import ClusterdCore
import Foundation

/// A parsed safetensors file: an 8-byte little-endian header length, a JSON header naming each tensor's dtype,
/// shape and byte range, then the raw little-endian tensor bytes. Holds the `Data` it was given (typically
/// memory-mapped by the caller) and copies a tensor out only when asked.
public struct SafeTensors: Sendable {
    /// One tensor's entry in the header.
    public struct Entry: Sendable, Equatable {
        /// The dtype name ("F32", "I64", ...).
        public var dtype: String
        /// The shape, outermost first.
        public var shape: [Int]
        /// Byte range relative to the start of the data section.
        public var range: Range<Int>
    }

    /// Tensors by name.
    public let entries: [String: Entry]
    private let data: Data
    private let dataStart: Int

    /// Parses the header of `data`; throws `EmbedderError.malformedWeights` on any inconsistency.
    public init(data: Data) throws {
        guard data.count >= 8 else { throw EmbedderError(.malformedWeights, "safetensors: file shorter than 8 bytes") }
        var headerLength: UInt64 = 0
        for index in 0..<8 {
            headerLength |= UInt64(data[data.startIndex + index]) << (8 * UInt64(index))
        }
        guard headerLength <= UInt64(data.count - 8) else {
            throw EmbedderError(
                .malformedWeights,
                "safetensors: header length \(headerLength) exceeds the file size \(data.count)"
            )
        }
        let start = 8 + Int(headerLength)
        let header = data.subdata(in: (data.startIndex + 8)..<(data.startIndex + start))
        guard let json = try? JSONSerialization.jsonObject(with: header) as? [String: Any] else {
            throw EmbedderError(.malformedWeights, "safetensors: header is not a JSON object")
        }
        let available = data.count - start
        var entries: [String: Entry] = [:]
        for (name, value) in json where name != "__metadata__" {
            guard let object = value as? [String: Any], let dtype = object["dtype"] as? String,
                let shape = (object["shape"] as? [Any])?.compactMap({ ($0 as? NSNumber)?.intValue }),
                let offsets = (object["data_offsets"] as? [Any])?.compactMap({ ($0 as? NSNumber)?.intValue }),
                offsets.count == 2, offsets[0] >= 0, offsets[0] <= offsets[1], offsets[1] <= available
            else {
                throw EmbedderError(.malformedWeights, "safetensors: bad header entry for \(name)")
            }
            entries[name] = Entry(dtype: dtype, shape: shape, range: offsets[0]..<offsets[1])
        }
        self.entries = entries
        self.data = data
        self.dataStart = start
    }

    /// The F32 tensor `name` as a flat row-major array; throws when it is absent, not F32, or not `shape`.
    public func floats(_ name: String, shape expected: [Int]? = nil) throws -> [Float] {
        guard let entry = entries[name] else { throw EmbedderError(.missingTensor, "tensor \(name) is missing") }
        guard entry.dtype == "F32" else {
            throw EmbedderError(.malformedWeights, "tensor \(name) is \(entry.dtype), expected F32")
        }
        if let expected, expected != entry.shape {
            throw EmbedderError(.missingTensor, "tensor \(name) has shape \(entry.shape), expected \(expected)")
        }
        let count = entry.shape.reduce(1, *)
        guard count * 4 == entry.range.count else {
            throw EmbedderError(.malformedWeights, "tensor \(name): \(entry.range.count) bytes for \(count) floats")
        }
        var result = [Float](repeating: 0, count: count)
        let offset = dataStart + entry.range.lowerBound
        data.withUnsafeBytes { (raw: UnsafeRawBufferPointer) in
            result.withUnsafeMutableBytes { out in
                out.copyMemory(from: UnsafeRawBufferPointer(rebasing: raw[offset..<(offset + 4 * count)]))
            }
        }
        #if _endian(big)
            for index in result.indices {
                result[index] = Float(bitPattern: UInt32(littleEndian: result[index].bitPattern))
            }
        #endif
        return result
    }

    /// The shape of `name`, nil when absent.
    public func shape(_ name: String) -> [Int]? { entries[name]?.shape }
}
