import ClusterdCore
import Foundation
import Testing

@testable import ClusterdStore

@Suite("BSONDocument")
struct BSONDocumentTests {
    @Test("every value kind survives encode and decode, in order")
    func roundTrip() throws {
        let date = Date(timeIntervalSince1970: 1_736_544_600.123)
        let document: BSONDocument = [
            "double": .double(1.5),
            "int32": .int32(-7),
            "int64": .int64(Int64.max),
            "string": .string("héllo\u{0}world"),
            "bool": .bool(true),
            "null": .null,
            "date": .date(date),
            "oid": .objectID("65a1b2c3d4e5f60718293a4b"),
            "binary": .binary(Data([1, 2, 3]), subtype: 0),
            "document": .document(["nested": .array([.int32(1), .string("two")])]),
            "array": .array([]),
        ]
        let decoded = try document.withBSON { BSONDocument(bson: $0) }
        #expect(decoded == document)
        #expect(decoded.elements.map(\.key) == document.elements.map(\.key))
    }

    @Test("float32 binaries are little-endian and exact")
    func float32() throws {
        let values: [Float] = [0, 1, -0.5, .pi, 1e-30]
        let value = BSONValue(float32: values)
        guard case .binary(let data, let subtype) = value else {
            Issue.record("not binary")
            return
        }
        #expect(subtype == 0)
        #expect(data.count == 20)
        #expect(Array(data.prefix(8)) == [0, 0, 0, 0, 0, 0, 0x80, 0x3f])
        #expect(value.float32Values == values)
    }

    @Test("an ObjectId that is not 24 hex digits is refused")
    func badObjectID() {
        let document: BSONDocument = ["_id": .objectID("nothex")]
        #expect(throws: StoreError.self) { try document.withBSON { _ in () } }
    }

    @Test("record ids map to ObjectId or string")
    func recordIDs() {
        #expect(BSONValue(RecordID.objectID("65a1b2c3d4e5f60718293a4b")) == .objectID("65a1b2c3d4e5f60718293a4b"))
        #expect(BSONValue(RecordID.string("m-1")) == .string("m-1"))
        #expect(BSONValue.string("x").recordID == .string("x"))
        #expect(BSONValue.int32(1).recordID == nil)
    }
}
