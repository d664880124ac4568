import NIOCore

/// A reply body packed once and sent to many calls: the protobuf bytes of a `Frame` without its call id.
///
/// A frame's call id is field 1, which protobuf-c packs first, and a zero id is not packed at all, so a frame is
/// the call id's field followed by these bytes, exactly as `WireCodec` would pack the whole frame.
public struct PackedReply: Sendable {
    /// The packed `Frame` with call id 0: the body's field only.
    let bytes: [UInt8]
    /// The status code the reply carries (OK unless it is an error), for the request metrics.
    let code: RPCStatusCode

    /// Packs `reply`.
    public init(_ reply: RPCReply) {
        bytes = WireCodec.encode(RPCFrame(callID: 0, reply: reply))
        code = reply.code
    }

    /// The whole frame for `callID` (length prefix, call id, body) in a buffer.
    public func buffer(callID: UInt64, allocator: ByteBufferAllocator) -> ByteBuffer {
        var buffer = allocator.buffer(capacity: 4 + 11 + bytes.count)
        // One write for the whole frame: each of ByteBuffer's writes is a checked access to its storage.
        buffer.writeWithUnsafeMutableBytes(minimumWritableBytes: 4 + 11 + bytes.count) { output in
            var index = 4
            if callID != 0 {
                output[index] = 0x08  // field 1, wire type 0 (varint)
                index += 1
                ProtobufVarint.write(callID, to: output, at: &index)
            }
            let size = UInt32(index - 4 + bytes.count)
            for shift in 0..<4 { output[shift] = UInt8(truncatingIfNeeded: size >> (24 - 8 * UInt32(shift))) }
            bytes.withUnsafeBytes { body in
                UnsafeMutableRawBufferPointer(rebasing: output[index...]).copyMemory(from: body)
            }
            return index + bytes.count
        }
        return buffer
    }
}
