import ClusterdRPC
import NIOCore
import NIOEmbedded

/// One fuzz input through the server's inbound path: the frame decoder (bytes split into two reads at a position
/// the input chooses), then protobuf decoding of every frame, then a re-encode/decode round trip that must be
/// stable. Any crash, sanitizer report or broken round trip is a finding.
enum FuzzTarget {
    /// The frame limit the fuzzed decoder uses (small, so oversize handling is reached often).
    static let maxFrameBytes: UInt32 = 4096

    /// Runs one input; traps on a broken invariant.
    static func run(_ bytes: UnsafeRawBufferPointer) {
        let input = Array(bytes)
        let channel = EmbeddedChannel(handler: ByteToMessageHandler(FrameDecoder(maxFrameBytes: maxFrameBytes)))
        let split = input.isEmpty ? 0 : Int(input[0]) % (input.count + 1)
        var oversized = false
        for chunk in [input[..<split], input[split...]] where !chunk.isEmpty {
            guard (try? channel.writeInbound(ByteBuffer(bytes: chunk))) != nil else { break }
            while let event = try? channel.readInbound(as: InboundFrame.self) {
                switch event {
                case .oversized(let length):
                    precondition(length > maxFrameBytes, "refused a frame of \(length) bytes under the limit")
                    oversized = true
                case .frame(let body):
                    precondition(!oversized, "decoded a frame after refusing an oversized one")
                    precondition(body.readableBytes <= Int(maxFrameBytes), "a frame above the limit came through")
                    checkRoundTrip(Array(body.readableBytesView))
                }
            }
        }
        _ = try? channel.finish()
    }

    /// Decoding may fail (INVALID_ARGUMENT); when it succeeds, encode → decode must give the same frame.
    static func checkRoundTrip(_ body: [UInt8]) {
        guard let frame = try? WireCodec.decode(body) else { return }
        let again = try? WireCodec.decode(WireCodec.encode(frame))
        precondition(again == frame, "round trip changed \(frame) into \(String(describing: again))")
    }
}
