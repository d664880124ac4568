import ClusterdCore
import NIOCore
import Testing

@testable import ClusterdRPC

/// Packed replies frame exactly as the codec does, and the empty-request fast path of the decoder agrees with
/// protobuf-c on every input it accepts.
@Suite struct PackedReplyTests {
    private static let callIDs: [UInt64] = [0, 1, 127, 128, 300, 16_383, 16_384, 1 << 35, UInt64.max - 1, UInt64.max]

    private static var someStatus: ServiceStatus {
        var status = ServiceStatus()
        status.version = "9.9.9"
        status.degraded = ["store", "llm"]
        status.uptimeSeconds = 12.5
        return status
    }

    @Test(arguments: [
        RPCReply.getStatus(ServiceStatus()),
        .getStatus(someStatus),
        .error(RPCError(code: .unavailable, message: "MongoDB is down")),
        .triggerAnalysis(TriggerAnalysisResult(outcome: .queued, queueDepth: 3)),
    ])
    func aPackedReplyIsTheFrameTheCodecWouldWrite(reply: RPCReply) {
        let packed = PackedReply(reply)
        for callID in Self.callIDs {
            let expected = FrameEncoding.buffer(for: RPCFrame(callID: callID, reply: reply), allocator: .init())
            #expect(packed.buffer(callID: callID, allocator: .init()) == expected, "call id \(callID)")
        }
        #expect(packed.code == reply.code)
    }

    @Test func aFrameIsAFewWordsWhateverItsBody() {
        // The big payloads (status, cluster listing) are boxed: frames are passed by value along the pipeline.
        #expect(MemoryLayout<RPCFrame>.size <= 64, "RPCFrame is \(MemoryLayout<RPCFrame>.size) bytes")
    }

    @Test(arguments: [RPCMessage.request(.getStatus), .request(.forceClustering)])
    func emptyRequestsDecodeWithoutProtobufCToTheSameFrame(body: RPCMessage) throws {
        for callID in Self.callIDs where callID != 0 {
            let bytes = WireCodec.encode(RPCFrame(callID: callID, body: body))
            let fast = bytes.withUnsafeBufferPointer(WireCodec.emptyRequest)
            #expect(fast == RPCFrame(callID: callID, body: body), "call id \(callID)")
            #expect(try WireCodec.unpack(bytes) == fast)
        }
        // Call id 0 is not packed; other field orders go to protobuf-c; both decode all the same.
        let zero = WireCodec.encode(RPCFrame(callID: 0, body: body))
        #expect(zero.withUnsafeBufferPointer(WireCodec.emptyRequest) == nil)
        #expect(try WireCodec.decode(zero) == RPCFrame(callID: 0, body: body))
        let reordered = Array(zero + [0x08, 0x05])
        #expect(reordered.withUnsafeBufferPointer(WireCodec.emptyRequest) == nil)
        #expect(try WireCodec.decode(reordered) == RPCFrame(callID: 5, body: body))
        // Varints padded with zero groups (legal for values, not for tags beyond five bytes) are left to protobuf-c.
        let tag = Array(WireCodec.encode(RPCFrame(callID: 1, body: body)).dropFirst(2).dropLast())
        let paddedID: [UInt8] = [0x08, 0x85, 0x80, 0x00] + tag + [0x00]
        #expect(paddedID.withUnsafeBufferPointer(WireCodec.emptyRequest) == nil)
        #expect(try WireCodec.decode(paddedID) == RPCFrame(callID: 5, body: body))
        let paddedTag: [UInt8] = [0x08, 0x05] + tag.map { $0 | 0x80 } + [0x80, 0x80, 0x80, 0x00, 0x00]
        #expect(paddedTag.withUnsafeBufferPointer(WireCodec.emptyRequest) == nil)
        #expect((try? WireCodec.decode(paddedTag)) == (try? WireCodec.unpack(paddedTag)))
    }

    @Test func theFastPathAcceptsNothingProtobufCReadsDifferently() {
        var generator = SeededGenerator(seed: 6)
        let templates = [
            WireCodec.encode(RPCFrame(callID: 300, request: .getStatus)),
            WireCodec.encode(RPCFrame(callID: UInt64.max, request: .forceClustering)),
            WireCodec.encode(RPCFrame(callID: 5, request: .listRuns(limit: 0))),
        ]
        var accepted = 0
        for _ in 0..<50_000 {
            var bytes = templates.randomElement(using: &generator)!
            for _ in 0..<Int.random(in: 1...3, using: &generator) {
                let byte = UInt8.random(in: 0...255, using: &generator)
                switch Int.random(in: 0..<3, using: &generator) {
                case 0: bytes[Int.random(in: 0..<bytes.count, using: &generator)] = byte
                case 1: bytes.insert(byte, at: Int.random(in: 0...bytes.count, using: &generator))
                default: if bytes.count > 1 { bytes.remove(at: Int.random(in: 0..<bytes.count, using: &generator)) }
                }
            }
            guard let fast = bytes.withUnsafeBufferPointer(WireCodec.emptyRequest) else { continue }
            accepted += 1
            #expect((try? WireCodec.unpack(bytes)) == fast, "\(bytes)")
        }
        #expect(accepted > 100)
    }
}
