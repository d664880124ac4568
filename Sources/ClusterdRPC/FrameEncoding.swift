import NIOCore

/// Writes frames with their 4-byte big-endian length prefix.
public enum FrameEncoding {
    /// The whole frame (prefix and protobuf body) in a buffer.
    public static func buffer(for frame: RPCFrame, allocator: ByteBufferAllocator) -> ByteBuffer {
        let body = WireCodec.encode(frame)
        var buffer = allocator.buffer(capacity: 4 + body.count)
        buffer.writeInteger(UInt32(body.count), endianness: .big)
        buffer.writeBytes(body)
        return buffer
    }
}
