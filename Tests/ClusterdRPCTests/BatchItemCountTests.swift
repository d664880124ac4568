import Foundation
import Testing

@testable import ClusterdRPC

/// A TriggerAnalysisBatch over the item limit is counted on the raw bytes and refused before protobuf-c unpacks it.
@Suite struct BatchItemCountTests {
    /// A batch frame of `count` items, each an empty TriggerAnalysisRequest (two bytes).
    private static func emptyItems(_ count: Int, callID: UInt8 = 7) -> [UInt8] {
        var items = [UInt8]()
        items.reserveCapacity(count * 2)
        for _ in 0..<count { items += [0x0a, 0x00] }
        var body: [UInt8] = [0x08, callID, 0xba, 0x01]
        var length = UInt64(items.count)
        while length >= 0x80 {
            body.append(UInt8(truncatingIfNeeded: length) | 0x80)
            length >>= 7
        }
        body.append(UInt8(length))
        return body + items
    }

    @Test func aBatchOverTheLimitIsRefusedWithItsCallID() throws {
        let frame = try WireCodec.decode(Self.emptyItems(WireCodec.maxBatchItems + 1))
        #expect(frame.callID == 7)
        #expect(frame.body == .oversizedBatch(items: WireCodec.maxBatchItems + 1))
    }

    @Test func aBatchAtTheLimitIsDecoded() throws {
        let items = (0..<WireCodec.maxBatchItems).map { TriggerItem(messageID: "m\($0)") }
        let frame = try WireCodec.decode(WireCodec.encode(RPCFrame(callID: 3, request: .triggerAnalysisBatch(items))))
        #expect(frame.body == .request(.triggerAnalysisBatch(items)))
    }

    @Test func otherFramesAndMalformedBytesAreLeftToProtobufC() {
        let status = WireCodec.encode(RPCFrame(callID: 1, request: .getStatus))
        #expect(status.withUnsafeBytes { BatchItemCount.scan($0) } == nil)
        let truncated = Array(Self.emptyItems(20_000).dropLast(3))
        #expect(truncated.withUnsafeBytes { BatchItemCount.scan($0) } == nil)
        #expect(throws: RPCError.self) { try WireCodec.decode(truncated) }
    }

    @Test func aMebibyteOfEmptyItemsCostsAScanNotAnUnpack() throws {
        let bytes = Self.emptyItems((1 << 20 - 16) / 2)
        let clock = ContinuousClock()
        var refused: RPCFrame?
        let scan = try clock.measure { refused = try WireCodec.decode(bytes) }
        #expect(refused?.body == .oversizedBatch(items: (1 << 20 - 16) / 2))
        // What the refusal saves: protobuf-c's unpack (one allocation per item) and the Swift values.
        let unpack = try clock.measure { _ = try WireCodec.unpack(bytes) }
        print(
            "a 1 MiB batch of \((1 << 20 - 16) / 2) empty items: counted in \(scan), unpacked and converted in \(unpack)"
        )
    }
}
