import ClusterdWire

/// A frame's call id and body field number, read by scanning its top-level protobuf fields without decoding the
/// body: for clients that only need to match replies to calls (the load generator), at a cost independent of the
/// reply's size.
public struct FrameHeader: Sendable, Equatable {
    /// The body field number of an `Error` reply (protobuf-c numbers a oneof's cases by their field numbers).
    public static let errorField = Int(CLUSTERD__V1__FRAME__BODY_ERROR.rawValue)

    /// The call id (0 when absent).
    public var callID: UInt64
    /// The field number of the body's oneof member (0 when there is none).
    public var bodyField: Int

    /// Whether the body is an `Error`.
    public var isError: Bool { bodyField == Self.errorField }

    /// Scans a frame body; nil when its wire format is malformed (a truncated varint or field, an unknown wire type).
    public static func scan(_ bytes: UnsafeRawBufferPointer) -> FrameHeader? {
        var header = FrameHeader(callID: 0, bodyField: 0)
        var index = 0
        func varint() -> UInt64? { ProtobufVarint.read(bytes, at: &index) }
        while index < bytes.count {
            guard let key = varint() else { return nil }
            let field = Int(truncatingIfNeeded: key >> 3)
            switch key & 7 {
            case 0:
                guard let value = varint() else { return nil }
                if field == 1 { header.callID = value }
            case 1, 5:
                let width = key & 7 == 1 ? 8 : 4
                guard bytes.count - index >= width else { return nil }
                index += width
            case 2:
                guard let length = varint(), length <= UInt64(bytes.count - index) else { return nil }
                index += Int(length)
                // The body oneof's fields are numbered from 10 (proto/clusterd/v1/clusterd.proto); unknown fields
                // (a later protocol's, or padding) are skipped like any other.
                if (10...99).contains(field) { header.bodyField = field }
            default:
                return nil
            }
        }
        return header
    }
}
