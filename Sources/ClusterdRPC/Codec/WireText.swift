import ClusterdWire
import Foundation

/// Conversions between Swift values and protobuf-c fields shared by the message codecs.
enum WireText {
    /// protobuf-c strings are NUL-terminated and may hold invalid UTF-8; it is repaired, never trusted.
    static func text(_ pointer: UnsafeMutablePointer<CChar>?) -> String {
        guard let pointer else { return "" }
        return String(decoding: UnsafeRawBufferPointer(start: pointer, count: strlen(pointer)), as: UTF8.self)
    }

    /// A C string array of `count` entries as Swift strings.
    static func texts(_ pointer: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?, count: Int) -> [String] {
        guard let pointer else { return [] }
        return (0..<count).map { text(pointer[$0]) }
    }

    /// A wire error code and message as an `RPCError`; nil for code 0 (OK). An unknown code is INTERNAL.
    static func error(code: Clusterd__V1__Code, message: UnsafeMutablePointer<CChar>?) -> RPCError? {
        let raw = Int(code.rawValue)
        guard raw != 0 else { return nil }
        return RPCError(code: RPCStatusCode(rawValue: raw) ?? .internal, message: text(message))
    }

    /// A status code as the wire enum.
    static func code(_ code: RPCStatusCode) -> Clusterd__V1__Code {
        Clusterd__V1__Code(rawValue: UInt32(code.rawValue))
    }

    /// A trigger outcome as the wire enum.
    static func outcome(_ outcome: TriggerOutcome) -> Clusterd__V1__TriggerAnalysisReply__Outcome {
        Clusterd__V1__TriggerAnalysisReply__Outcome(rawValue: UInt32(outcome.rawValue))
    }

    /// A wire outcome; unknown values are `.unspecified`.
    static func outcome(_ outcome: Clusterd__V1__TriggerAnalysisReply__Outcome) -> TriggerOutcome {
        TriggerOutcome(rawValue: Int(outcome.rawValue)) ?? .unspecified
    }

    /// Milliseconds since 1970, rounded; 0 for nil.
    static func milliseconds(_ date: Date?) -> Int64 {
        date.map { Int64(($0.timeIntervalSince1970 * 1000).rounded()) } ?? 0
    }

    /// A date from milliseconds since 1970; nil for 0.
    static func date(milliseconds: Int64) -> Date? {
        milliseconds == 0 ? nil : Date(timeIntervalSince1970: Double(milliseconds) / 1000)
    }
}
