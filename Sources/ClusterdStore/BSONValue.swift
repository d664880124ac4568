import ClusterdCore
import Foundation

/// One BSON value, as much of BSON as the store reads and writes.
enum BSONValue: Equatable, Sendable {
    /// 64-bit binary floating point.
    case double(Double)
    /// 32-bit signed integer.
    case int32(Int32)
    /// 64-bit signed integer.
    case int64(Int64)
    /// UTF-8 string.
    case string(String)
    /// Boolean.
    case bool(Bool)
    /// Null (also what an undefined value reads as).
    case null
    /// UTC date-time, millisecond precision.
    case date(Date)
    /// ObjectId as 24 lower-case hex digits.
    case objectID(String)
    /// Binary data with its subtype (0 = generic).
    case binary(Data, subtype: UInt8)
    /// Embedded document.
    case document(BSONDocument)
    /// Array.
    case array([BSONValue])
}

extension BSONValue {
    /// The BSON form of an id: an ObjectId or a string.
    init(_ id: RecordID) {
        switch id {
        case .objectID(let hex): self = .objectID(hex)
        case .string(let text): self = .string(text)
        }
    }

    /// An optional string, null when absent.
    init(_ text: String?) {
        self = text.map { .string($0) } ?? .null
    }

    /// An integer, stored as int64.
    init(_ number: Int) {
        self = .int64(Int64(number))
    }

    /// Floats as generic binary of little-endian float32 (how embeddings and centroids are stored).
    init(float32 values: [Float]) {
        var data = Data(capacity: values.count * 4)
        for value in values {
            withUnsafeBytes(of: value.bitPattern.littleEndian) { data.append(contentsOf: $0) }
        }
        self = .binary(data, subtype: 0)
    }

    /// The id this value holds, if it is an ObjectId or a string.
    var recordID: RecordID? {
        switch self {
        case .objectID(let hex): return .objectID(hex)
        case .string(let text): return .string(text)
        default: return nil
        }
    }

    /// The string, if this is one.
    var stringValue: String? {
        if case .string(let text) = self { return text }
        return nil
    }

    /// Any numeric value as Int (doubles truncated).
    var intValue: Int? {
        switch self {
        case .int32(let value): return Int(value)
        case .int64(let value): return Int(value)
        case .double(let value): return value.isFinite ? Int(value) : nil
        default: return nil
        }
    }

    /// Any numeric value as Int64.
    var int64Value: Int64? {
        switch self {
        case .int32(let value): return Int64(value)
        case .int64(let value): return value
        case .double(let value): return value.isFinite ? Int64(value) : nil
        default: return nil
        }
    }

    /// Any numeric value as Double.
    var doubleValue: Double? {
        switch self {
        case .int32(let value): return Double(value)
        case .int64(let value): return Double(value)
        case .double(let value): return value
        default: return nil
        }
    }

    /// The boolean, if this is one.
    var boolValue: Bool? {
        if case .bool(let value) = self { return value }
        return nil
    }

    /// The date, if this is one.
    var dateValue: Date? {
        if case .date(let value) = self { return value }
        return nil
    }

    /// The embedded document, if this is one.
    var documentValue: BSONDocument? {
        if case .document(let value) = self { return value }
        return nil
    }

    /// The array elements, if this is an array.
    var arrayValue: [BSONValue]? {
        if case .array(let value) = self { return value }
        return nil
    }

    /// True for null.
    var isNull: Bool {
        if case .null = self { return true }
        return false
    }

    /// Little-endian float32 values of a binary value (a trailing partial float is ignored).
    var float32Values: [Float]? {
        guard case .binary(let data, _) = self else { return nil }
        let count = data.count / 4
        var values = [Float](repeating: 0, count: count)
        data.withUnsafeBytes { raw in
            for index in 0..<count {
                let bits = raw.loadUnaligned(fromByteOffset: index * 4, as: UInt32.self)
                values[index] = Float(bitPattern: UInt32(littleEndian: bits))
            }
        }
        return values
    }
}
