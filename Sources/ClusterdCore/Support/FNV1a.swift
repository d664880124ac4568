/// 64-bit FNV-1a over UTF-8: a fixed, platform-independent hash (unlike `Hasher`, which is seeded per process).
package enum FNV1a {
    /// The FNV-1a 64 offset basis.
    package static let offsetBasis: UInt64 = 0xcbf2_9ce4_8422_2325
    /// The FNV-1a 64 prime.
    package static let prime: UInt64 = 0x0000_0100_0000_01b3

    /// Hashes the UTF-8 bytes of `text`, continuing from `state`.
    package static func hash(_ text: String, state: UInt64 = offsetBasis) -> UInt64 {
        var hash = state
        for byte in text.utf8 {
            hash ^= UInt64(byte)
            hash &*= prime
        }
        return hash
    }

    /// The low 48 bits of the hash of `text` as 12 lower-case hex digits.
    package static func hex12(_ text: String) -> String {
        let value = hash(text) & 0x0000_ffff_ffff_ffff
        let digits = String(value, radix: 16)
        return String(repeating: "0", count: 12 - digits.count) + digits
    }
}
