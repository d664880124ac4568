/// Protobuf's base-128 varints, for the places that read or write frame fields without protobuf-c (the reply
/// scanner, the empty-request fast path, packed replies, the test echo server).
public enum ProtobufVarint {
    /// The varint at `index` (advanced past it); nil when it is truncated or longer than ten bytes. `canonical`
    /// also refuses what protobuf-c might read differently: a padded form (a last group of zero after others) and a
    /// tenth byte carrying more than the 64th bit.
    public static func read(_ bytes: UnsafeRawBufferPointer, at index: inout Int, canonical: Bool = false) -> UInt64? {
        var value: UInt64 = 0
        for position in 0..<10 {
            guard index < bytes.count else { return nil }
            let byte = bytes[index]
            index += 1
            if canonical, position == 9, byte > 1 { return nil }
            value |= UInt64(byte & 0x7F) << (7 * UInt64(position))
            if byte & 0x80 == 0 {
                return !canonical || position == 0 || byte != 0 ? value : nil
            }
        }
        return nil
    }

    /// Writes `value` at `output[index...]` (at most ten bytes) and advances `index` past it.
    public static func write(_ value: UInt64, to output: UnsafeMutableRawBufferPointer, at index: inout Int) {
        var rest = value
        while rest >= 0x80 {
            output[index] = UInt8(truncatingIfNeeded: rest) | 0x80
            index += 1
            rest >>= 7
        }
        output[index] = UInt8(rest)
        index += 1
    }

    /// How many bytes `value` takes.
    public static func size(_ value: UInt64) -> Int {
        var size = 1
        var rest = value >> 7
        while rest > 0 {
            size += 1
            rest >>= 7
        }
        return size
    }
}
