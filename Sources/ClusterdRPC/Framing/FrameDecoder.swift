import NIOCore

/// What the frame decoder produces.
public enum InboundFrame: Sendable, Equatable {
    /// One frame body (protobuf bytes, length prefix removed).
    case frame(ByteBuffer)
    /// A peer announced a frame of `length` bytes, above the limit; nothing of it was buffered.
    case oversized(length: UInt32)
}

/// Splits a byte stream into length-prefixed frames (4-byte big-endian length, then the body).
///
/// A length above `maxFrameBytes` is refused as soon as the 4 length bytes arrive, before any of the body is
/// buffered: the decoder emits `.oversized` once and then discards everything the peer sends.
public struct FrameDecoder: ByteToMessageDecoder, Sendable {
    /// The decoder's output.
    public typealias InboundOut = InboundFrame

    /// Largest accepted body, in bytes.
    public let maxFrameBytes: UInt32
    private var refused = false

    /// Creates a decoder with a body-size limit.
    public init(maxFrameBytes: UInt32) {
        self.maxFrameBytes = maxFrameBytes
    }

    /// Decodes one frame if a whole one is buffered.
    public mutating func decode(context: ChannelHandlerContext, buffer: inout ByteBuffer) throws -> DecodingState {
        guard let event = next(from: &buffer) else { return .needMoreData }
        context.fireChannelRead(Self.wrapInboundOut(event))
        if case .oversized = event { return .needMoreData }
        return .continue
    }

    /// The decoding itself, without a channel: takes the next frame (or the one oversize refusal) off the front of
    /// `buffer`, or returns nil when more bytes are needed. After a refusal it discards everything it is given.
    public mutating func next(from buffer: inout ByteBuffer) -> InboundFrame? {
        if refused {
            buffer.moveReaderIndex(forwardBy: buffer.readableBytes)
            return nil
        }
        guard let length = buffer.getInteger(at: buffer.readerIndex, endianness: .big, as: UInt32.self) else {
            return nil
        }
        if length > maxFrameBytes {
            refused = true
            buffer.moveReaderIndex(forwardBy: buffer.readableBytes)
            return .oversized(length: length)
        }
        guard buffer.readableBytes >= 4 + Int(length) else { return nil }
        buffer.moveReaderIndex(forwardBy: 4)
        return .frame(buffer.readSlice(length: Int(length))!)
    }

    /// At end of stream, a partial frame is dropped (the peer closed mid-frame).
    public mutating func decodeLast(
        context: ChannelHandlerContext,
        buffer: inout ByteBuffer,
        seenEOF: Bool
    ) throws -> DecodingState {
        while try decode(context: context, buffer: &buffer) == .continue {}
        buffer.moveReaderIndex(forwardBy: buffer.readableBytes)
        return .needMoreData
    }
}
