internal import CMongoC

/// Zeroed, 128-byte-aligned scratch memory for a `bson_t` or `bson_iter_t`.
///
/// libbson declares both structs 128-byte aligned, so Swift imports pointers to them as `OpaquePointer` and
/// cannot lay them out on its own stack with that alignment; this lends correctly aligned storage instead.
enum BSONStorage {
    /// Bytes lent: at least the size of `bson_t` (128) and of `bson_iter_t`.
    static let byteCount = 256

    /// Lends zeroed aligned storage to `body`, then frees it (the caller destroys any `bson_t` it initialised).
    static func with<R>(_ body: (OpaquePointer) throws -> R) rethrows -> R {
        let raw = UnsafeMutableRawPointer.allocate(byteCount: byteCount, alignment: 128)
        raw.initializeMemory(as: UInt8.self, repeating: 0, count: byteCount)
        defer { raw.deallocate() }
        return try body(OpaquePointer(raw))
    }

    /// Lends an empty initialised `bson_t` for a reply out-parameter and destroys it afterwards.
    static func withReply<R>(_ body: (OpaquePointer) throws -> R) rethrows -> R {
        try with { reply in
            bson_init(reply)
            defer { bson_destroy(reply) }
            return try body(reply)
        }
    }

    /// A new `bson_t` parsed from (extended) JSON; the caller destroys it. An unreadable text throws
    /// `.invalidArgument` described as `what`.
    static func parse(json text: String, what: String) throws -> OpaquePointer {
        var error = bson_error_t()
        let bytes = Array(text.utf8)
        let document = bytes.withUnsafeBufferPointer { bson_new_from_json($0.baseAddress, $0.count, &error) }
        guard let document else {
            throw StoreError(.invalidArgument, StoreError(error, context: what).message)
        }
        return document
    }
}
