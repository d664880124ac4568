import ClusterdRPC
import NIOCore

/// One fuzz input through the server's inbound path: the frame decoder (bytes split into two reads at a position
/// the input chooses, appended to one buffer as ByteToMessageHandler does), then protobuf decoding of every frame,
/// then a re-encode/decode round trip that must be stable. Any crash, sanitizer report or broken round trip is a
/// finding. The decoder is driven directly (`FrameDecoder.next(from:)`, the logic its `decode(context:buffer:)`
/// runs) rather than through an EmbeddedChannel per input, which cost about two thirds of every execution; the
/// channel wiring is covered by FrameDecoderTests.
enum FuzzTarget {
    /// The frame limit the fuzzed decoder uses (small, so oversize handling is reached often).
    static let maxFrameBytes: UInt32 = 4096

    /// Runs one input; traps on a broken invariant.
    static func run(_ bytes: UnsafeRawBufferPointer) {
        var decoder = FrameDecoder(maxFrameBytes: maxFrameBytes)
        var buffer = ByteBuffer()
        let split = bytes.isEmpty ? 0 : Int(bytes[0]) % (bytes.count + 1)
        var oversized = false
        for chunk in [
            UnsafeRawBufferPointer(rebasing: bytes[..<split]), UnsafeRawBufferPointer(rebasing: bytes[split...]),
        ]
        where !chunk.isEmpty {
            buffer.writeBytes(chunk)
            while let event = decoder.next(from: &buffer) {
                switch event {
                case .oversized(let length):
                    precondition(!oversized, "refused twice")
                    precondition(length > maxFrameBytes, "refused a frame of \(length) bytes under the limit")
                    oversized = true
                case .frame(let body):
                    precondition(!oversized, "decoded a frame after refusing an oversized one")
                    precondition(body.readableBytes <= Int(maxFrameBytes), "a frame above the limit came through")
                    checkRoundTrip(body.readableBytesView)
                }
            }
            buffer.discardReadBytes()
        }
    }

    /// Decoding may fail (INVALID_ARGUMENT); when it succeeds, encode → decode must give the same frame.
    static func checkRoundTrip(_ body: ByteBufferView) {
        guard let frame = try? WireCodec.decode(body) else { return }
        // A refused batch or request has no body to re-encode.
        switch frame.body {
        case .oversizedBatch, .invalidRequest: return
        case .request, .reply, .unknown: break
        }
        let again = try? WireCodec.decode(WireCodec.encode(frame))
        precondition(again == frame, "round trip changed \(frame) into \(String(describing: again))")
    }
}
