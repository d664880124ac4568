import NIOCore
import NIOEmbedded
import NIOTestUtils
import Testing

@testable import ClusterdRPC

@Suite struct FrameDecoderTests {
    private func framed(_ bodies: [[UInt8]]) -> ByteBuffer {
        var buffer = ByteBuffer()
        for body in bodies {
            buffer.writeInteger(UInt32(body.count), endianness: .big)
            buffer.writeBytes(body)
        }
        return buffer
    }

    @Test func everyFragmentationOfSeveralFramesDecodes() throws {
        let bodies: [[UInt8]] = [[1, 2, 3], [], Array(repeating: 7, count: 300), [9]]
        let expected = bodies.map { InboundFrame.frame(ByteBuffer(bytes: $0)) }
        try ByteToMessageDecoderVerifier.verifyDecoder(
            inputOutputPairs: [(framed(bodies), expected)],
            decoderFactory: { FrameDecoder(maxFrameBytes: 1024) }
        )
    }

    @Test func nextWithoutAChannelTakesFramesOffTheFront() {
        var decoder = FrameDecoder(maxFrameBytes: 8)
        var buffer = framed([[1, 2], [3]])
        buffer.writeBytes([0, 0])  // half of a third length prefix
        #expect(decoder.next(from: &buffer) == .frame(ByteBuffer(bytes: [1, 2])))
        #expect(decoder.next(from: &buffer) == .frame(ByteBuffer(bytes: [3])))
        #expect(decoder.next(from: &buffer) == nil)
        #expect(buffer.readableBytes == 2)
        buffer.writeBytes([0, 9, 1])  // length 9 > 8: refused, and everything after is discarded
        #expect(decoder.next(from: &buffer) == .oversized(length: 9))
        buffer.writeBytes(framed([[4]]).readableBytesView)
        #expect(decoder.next(from: &buffer) == nil)
        #expect(buffer.readableBytes == 0)
    }

    @Test func zeroLengthFrameIsAFrame() throws {
        let channel = EmbeddedChannel(handler: ByteToMessageHandler(FrameDecoder(maxFrameBytes: 16)))
        try channel.writeInbound(framed([[]]))
        let frame = try channel.readInbound(as: InboundFrame.self)
        #expect(frame == .frame(ByteBuffer()))
        _ = try channel.finish()
    }

    @Test func oversizeLengthIsRefusedBeforeTheBodyArrives() throws {
        let channel = EmbeddedChannel(handler: ByteToMessageHandler(FrameDecoder(maxFrameBytes: 1024)))
        var header = ByteBuffer()
        header.writeInteger(UInt32(2_000_000_000), endianness: .big)
        try channel.writeInbound(header)
        #expect(try channel.readInbound(as: InboundFrame.self) == .oversized(length: 2_000_000_000))
        // Whatever follows is discarded, never buffered or decoded.
        try channel.writeInbound(ByteBuffer(repeating: 0, count: 10_000))
        #expect(try channel.readInbound(as: InboundFrame.self) == nil)
        _ = try channel.finish()
    }

    @Test func aFrameExactlyAtTheLimitIsAccepted() throws {
        let channel = EmbeddedChannel(handler: ByteToMessageHandler(FrameDecoder(maxFrameBytes: 8)))
        try channel.writeInbound(framed([Array(repeating: 1, count: 8)]))
        #expect(try channel.readInbound(as: InboundFrame.self) == .frame(ByteBuffer(repeating: 1, count: 8)))
        _ = try channel.finish()
    }
}
