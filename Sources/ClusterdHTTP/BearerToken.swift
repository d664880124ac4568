/// Checks an `Authorization: Bearer <token>` header against the server's token in time that depends only on the
/// lengths, not on where the texts first differ.
struct BearerToken: Sendable {
    /// What a request's credentials turned out to be.
    enum Verdict: Equatable {
        case accepted
        /// No `Authorization` header, or not the Bearer scheme.
        case missing
        /// A Bearer token that is not the server's.
        case wrong
    }

    private let expected: [UInt8]

    /// A checker for `token`.
    init(_ token: String) {
        expected = Array(token.utf8)
    }

    /// Judges an `Authorization` header value (nil when absent).
    func check(_ header: String?) -> Verdict {
        guard let header else { return .missing }
        let trimmed = header.drop { $0 == " " }
        guard trimmed.count > 7, trimmed.prefix(7).lowercased() == "bearer " else { return .missing }
        let presented = Array(trimmed.dropFirst(7).drop { $0 == " " }.utf8)
        return Self.constantTimeEquals(presented, expected) ? .accepted : .wrong
    }

    /// True when both byte strings are equal; the loop runs over the longer one whatever the contents.
    static func constantTimeEquals(_ left: [UInt8], _ right: [UInt8]) -> Bool {
        var difference = UInt8(truncatingIfNeeded: left.count ^ right.count)
        for index in 0..<max(left.count, right.count) {
            let a = index < left.count ? left[index] : 0
            let b = index < right.count ? right[index] : 0
            difference |= a ^ b
        }
        return difference == 0 && left.count == right.count
    }
}
