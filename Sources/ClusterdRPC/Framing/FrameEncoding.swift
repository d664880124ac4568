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
        prefixed(WireCodec.encode(frame))
    }

    /// `body` after its 4-byte big-endian length (any bytes: also a malformed body, for tests and fuzzing).
    public static func prefixed(_ body: [UInt8]) -> [UInt8] {
        let size = UInt32(truncatingIfNeeded: body.count)
        return [24, 16, 8, 0].map { UInt8(truncatingIfNeeded: size >> $0) } + body
    }
}
