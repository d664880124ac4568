import NIOCore

/// Writes frames with their 4-byte big-endian length prefix.
public enum FrameEncoding {
    /// The whole frame (prefix and protobuf body) in a buffer.
    public static func buffer(for frame: RPCFrame, allocator: ByteBufferAllocator) -> ByteBuffer {
        WireCodec.encode(frame) { size, pack in
            var buffer = allocator.buffer(capacity: 4 + size)
            buffer.writeInteger(UInt32(size), endianness: .big)
            buffer.writeWithUnsafeMutableBytes(minimumWritableBytes: size) { output in
                if size > 0 { pack(output.baseAddress!.assumingMemoryBound(to: UInt8.self)) }
                return size
            }
            return buffer
        }
    }

    /// The whole frame (prefix and protobuf body) as bytes.
    public static func bytes(for frame: RPCFrame) -> [UInt8] {
        let body = WireCodec.encode(frame)
        let size = UInt32(body.count)
        return [24, 16, 8, 0].map { UInt8(truncatingIfNeeded: size >> $0) } + body
    }
}
