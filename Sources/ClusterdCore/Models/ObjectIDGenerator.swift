import Foundation

/// Makes new ObjectId hex strings (4-byte seconds, 8 random bytes), for runs clusterd creates.
public enum ObjectIDGenerator {
    /// A fresh ObjectId as 24 hex digits.
    public static func make(now: Date = Date()) -> RecordID {
        var bytes = [UInt8](repeating: 0, count: 12)
        let seconds = UInt32(truncatingIfNeeded: Int(now.timeIntervalSince1970))
        bytes[0] = UInt8(seconds >> 24)
        bytes[1] = UInt8((seconds >> 16) & 0xff)
        bytes[2] = UInt8((seconds >> 8) & 0xff)
        bytes[3] = UInt8(seconds & 0xff)
        var generator = SystemRandomNumberGenerator()
        for index in 4..<12 { bytes[index] = UInt8.random(in: 0...255, using: &generator) }
        return .objectID(bytes.map { String(format: "%02x", $0) }.joined())
    }
}
