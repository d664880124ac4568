import Foundation
import Testing

@testable import ClusterdCore
@testable import ClusterdEmbedding

/// The safetensors reader on hand-built files.
@Suite struct SafeTensorsTests {
    private func file(header: String, payload: [UInt8]) -> Data {
        var data = Data()
        var length = UInt64(header.utf8.count).littleEndian
        withUnsafeBytes(of: &length) { data.append(contentsOf: $0) }
        data.append(contentsOf: Array(header.utf8))
        data.append(contentsOf: payload)
        return data
    }

    private func bytes(_ values: [Float]) -> [UInt8] {
        values.flatMap { value in withUnsafeBytes(of: value.bitPattern.littleEndian) { Array($0) } }
    }

    @Test func readsF32TensorsByNameAndShape() throws {
        let header =
            #"{"__metadata__":{"format":"pt"},"a":{"dtype":"F32","shape":[2,2],"data_offsets":[0,16]},"#
            + #""b":{"dtype":"F32","shape":[1],"data_offsets":[16,20]}}"#
        let tensors = try SafeTensors(data: file(header: header, payload: bytes([1, 2, 3, 4, -0.5])))
        #expect(try tensors.floats("a", shape: [2, 2]) == [1, 2, 3, 4])
        #expect(try tensors.floats("b") == [-0.5])
        #expect(tensors.shape("a") == [2, 2])
        #expect(throws: EmbedderError.self) { try tensors.floats("a", shape: [4]) }
        #expect(throws: EmbedderError.self) { try tensors.floats("missing") }
    }

    @Test func malformedFilesAreRefusedWithAReason() {
        #expect(throws: EmbedderError.self) { try SafeTensors(data: Data([1, 2])) }
        #expect(throws: EmbedderError.self) { try SafeTensors(data: file(header: "not json", payload: [])) }
        var huge = Data(repeating: 0xFF, count: 8)
        huge.append(contentsOf: [0x7B, 0x7D])
        #expect(throws: EmbedderError.self) { try SafeTensors(data: huge) }
        let outOfRange = #"{"a":{"dtype":"F32","shape":[4],"data_offsets":[0,16]}}"#
        #expect(throws: EmbedderError.self) { try SafeTensors(data: file(header: outOfRange, payload: [0, 0])) }
        let wrongType = #"{"a":{"dtype":"I64","shape":[1],"data_offsets":[0,8]}}"#
        let tensors = try? SafeTensors(data: file(header: wrongType, payload: Array(repeating: 0, count: 8)))
        #expect(throws: EmbedderError.self) { try tensors?.floats("a") }
    }
}
