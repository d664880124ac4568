internal import CMongoC
import ClusterdCore
import Foundation

/// A small ordered BSON document: encoded to a `bson_t` for libmongoc, decoded from one with `bson_iter`.
struct BSONDocument: Equatable, Sendable, ExpressibleByDictionaryLiteral {
    /// The fields in order.
    var elements: [(key: String, value: BSONValue)]

    /// An empty document.
    init() {
        elements = []
    }

    /// A document with these fields, in order.
    init(_ elements: [(String, BSONValue)]) {
        self.elements = elements.map { (key: $0.0, value: $0.1) }
    }

    /// A document written as a literal; the literal's order is kept.
    init(dictionaryLiteral elements: (String, BSONValue)...) {
        self.init(elements)
    }

    /// The first value under `key`, if any.
    subscript(key: String) -> BSONValue? {
        get { elements.first { $0.key == key }?.value }
        set {
            if let index = elements.firstIndex(where: { $0.key == key }) {
                if let newValue { elements[index].value = newValue } else { elements.remove(at: index) }
            } else if let newValue {
                elements.append((key: key, value: newValue))
            }
        }
    }

    /// Appends a field (even when the key exists).
    mutating func append(_ key: String, _ value: BSONValue) {
        elements.append((key: key, value: value))
    }

    static func == (lhs: BSONDocument, rhs: BSONDocument) -> Bool {
        lhs.elements.count == rhs.elements.count
            && zip(lhs.elements, rhs.elements).allSatisfy { $0.key == $1.key && $0.value == $1.value }
    }
}

// MARK: - Encoding

extension BSONDocument {
    /// Encodes into a fresh `bson_t`, lends it to `body`, then frees it.
    func withBSON<R>(_ body: (OpaquePointer) throws -> R) throws -> R {
        let bson = try makeBSON()
        defer { bson_destroy(bson) }
        return try body(bson)
    }

    /// Encodes into a new heap `bson_t` that the caller must `bson_destroy`.
    func makeBSON() throws -> OpaquePointer {
        guard let bson = bson_new() else { throw StoreError(.internal, "bson_new failed") }
        do {
            for element in elements {
                try Self.append(element.value, key: element.key, to: bson)
            }
        } catch {
            bson_destroy(bson)
            throw error
        }
        return bson
    }

    private static func append(_ value: BSONValue, key: String, to bson: OpaquePointer) throws {
        let keyLength = Int32(key.utf8.count)
        let ok: Bool
        switch value {
        case .double(let number):
            ok = bson_append_double(bson, key, keyLength, number)
        case .int32(let number):
            ok = bson_append_int32(bson, key, keyLength, number)
        case .int64(let number):
            ok = bson_append_int64(bson, key, keyLength, number)
        case .string(let text):
            ok = bson_append_utf8(bson, key, keyLength, text, Int32(text.utf8.count))
        case .bool(let flag):
            ok = bson_append_bool(bson, key, keyLength, flag)
        case .null:
            ok = bson_append_null(bson, key, keyLength)
        case .date(let date):
            ok = bson_append_date_time(bson, key, keyLength, Int64((date.timeIntervalSince1970 * 1000).rounded()))
        case .objectID(let hex):
            guard RecordID.looksLikeObjectID(hex) else {
                throw StoreError(.invalidArgument, "not an ObjectId: \(hex)")
            }
            var oid = bson_oid_t()
            bson_oid_init_from_string(&oid, hex.lowercased())
            ok = bson_append_oid(bson, key, keyLength, &oid)
        case .binary(let data, let subtype):
            ok = data.withUnsafeBytes { raw in
                bson_append_binary(
                    bson,
                    key,
                    keyLength,
                    bson_subtype_t(rawValue: UInt32(subtype)),
                    raw.bindMemory(to: UInt8.self).baseAddress,
                    UInt32(raw.count)
                )
            }
        case .document(let document):
            ok = try document.withBSON { child in bson_append_document(bson, key, keyLength, child) }
        case .array(let values):
            var arrayDocument = BSONDocument()
            for (index, element) in values.enumerated() { arrayDocument.append(String(index), element) }
            ok = try arrayDocument.withBSON { child in bson_append_array(bson, key, keyLength, child) }
        }
        guard ok else { throw StoreError(.invalidArgument, "document too large or invalid at key \(key)") }
    }
}

// MARK: - Decoding

extension BSONDocument {
    /// Decodes a document libmongoc lent us (a `const bson_t *`). Types the store does not use (regex,
    /// decimal128, …) are skipped.
    init(bson: OpaquePointer) {
        self = BSONStorage.with { iter in
            guard bson_iter_init(iter, bson) else { return BSONDocument() }
            return BSONDocument(iterating: iter)
        }
    }

    private init(iterating iter: OpaquePointer) {
        self.init()
        while bson_iter_next(iter) {
            guard let keyPointer = bson_iter_key(iter) else { continue }
            let key = String(cString: keyPointer)
            if let value = Self.value(at: iter) { append(key, value) }
        }
    }

    private static func value(at iter: OpaquePointer) -> BSONValue? {
        switch bson_iter_type(iter) {
        case BSON_TYPE_DOUBLE:
            return .double(bson_iter_double(iter))
        case BSON_TYPE_INT32:
            return .int32(bson_iter_int32(iter))
        case BSON_TYPE_INT64:
            return .int64(bson_iter_int64(iter))
        case BSON_TYPE_UTF8:
            var length: UInt32 = 0
            guard let pointer = bson_iter_utf8(iter, &length) else { return .string("") }
            let bytes = UnsafeRawBufferPointer(start: pointer, count: Int(length))
            return .string(String(decoding: bytes, as: UTF8.self))
        case BSON_TYPE_BOOL:
            return .bool(bson_iter_bool(iter))
        case BSON_TYPE_NULL, BSON_TYPE_UNDEFINED:
            return .null
        case BSON_TYPE_DATE_TIME:
            return .date(Date(timeIntervalSince1970: Double(bson_iter_date_time(iter)) / 1000))
        case BSON_TYPE_OID:
            guard let oid = bson_iter_oid(iter) else { return nil }
            var buffer = [CChar](repeating: 0, count: 25)
            bson_oid_to_string(oid, &buffer)
            return .objectID(String(decoding: buffer.prefix(24).map { UInt8(bitPattern: $0) }, as: UTF8.self))
        case BSON_TYPE_BINARY:
            var subtype = bson_subtype_t(rawValue: 0)
            var length: UInt32 = 0
            var pointer: UnsafePointer<UInt8>?
            bson_iter_binary(iter, &subtype, &length, &pointer)
            let data = pointer.map { Data(bytes: $0, count: Int(length)) } ?? Data()
            return .binary(data, subtype: UInt8(truncatingIfNeeded: subtype.rawValue))
        case BSON_TYPE_DOCUMENT:
            return BSONStorage.with { child in
                bson_iter_recurse(iter, child) ? .document(BSONDocument(iterating: child)) : nil
            }
        case BSON_TYPE_ARRAY:
            return BSONStorage.with { child in
                bson_iter_recurse(iter, child) ? .array(BSONDocument(iterating: child).elements.map(\.value)) : nil
            }
        default:
            return nil
        }
    }
}
