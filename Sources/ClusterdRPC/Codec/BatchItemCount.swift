/// Counts a TriggerAnalysisBatch frame's items on the raw protobuf bytes, before anything is unpacked: a frame with
/// more items than a batch may hold is refused without protobuf-c allocating a message per item (a 1 MiB frame of
/// empty items is ~500,000 of them) and without building Swift values for them. A walk over the wire format, no
/// allocation; anything it does not follow (groups, truncation) is left to protobuf-c, which refuses it.
enum BatchItemCount {
    /// The Frame field holding a TriggerAnalysisBatchRequest.
    static let batchField: UInt64 = 23
    /// The request's repeated `items` field.
    static let itemsField: UInt64 = 1

    /// The frame's call id and how many batch items it carries, when it carries a batch; nil otherwise (or when the
    /// bytes are not plain protobuf).
    static func scan(_ bytes: UnsafeRawBufferPointer) -> (callID: UInt64, items: Int)? {
        var callID: UInt64 = 0
        var items = 0
        var isBatch = false
        let walked = walk(bytes, from: 0, to: bytes.count) { field, wireType, value, start, end in
            if field == 1, wireType == 0 { callID = value }
            guard field == batchField, wireType == 2 else { return true }
            isBatch = true
            return walk(bytes, from: start, to: end) { field, wireType, _, _, _ in
                if field == itemsField, wireType == 2 { items += 1 }
                return true
            }
        }
        return walked && isBatch ? (callID, items) : nil
    }

    /// Visits the fields in `bytes[start..<end]`: field number, wire type, the value of a varint, and the bounds of
    /// a length-delimited payload. False when the bytes end mid-field, hold a group, or `visit` says stop.
    private static func walk(
        _ bytes: UnsafeRawBufferPointer,
        from start: Int,
        to end: Int,
        visit: (_ field: UInt64, _ wireType: UInt64, _ value: UInt64, _ start: Int, _ end: Int) -> Bool
    ) -> Bool {
        let region = UnsafeRawBufferPointer(rebasing: bytes[start..<end])
        var index = 0
        while index < region.count {
            guard let tag = ProtobufVarint.read(region, at: &index) else { return false }
            let field = tag >> 3
            let wireType = tag & 7
            var value: UInt64 = 0
            var payload = (start: 0, end: 0)
            switch wireType {
            case 0:
                guard let read = ProtobufVarint.read(region, at: &index) else { return false }
                value = read
            case 1, 5:
                index += wireType == 1 ? 8 : 4
            case 2:
                guard let length = ProtobufVarint.read(region, at: &index), length <= UInt64(region.count - index)
                else { return false }
                payload = (start + index, start + index + Int(length))
                index += Int(length)
            default:
                return false
            }
            guard index <= region.count, visit(field, wireType, value, payload.start, payload.end) else { return false }
        }
        return true
    }
}
