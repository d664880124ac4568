import Foundation

/// UTC timestamps for log lines, formatted with `gmtime_r` and plain digit writing: a log line is formatted on the
/// event loop for every queued trigger (`LogWriter` only takes the writing off it), where `Calendar`/`TimeZone`
/// lookups and `String(format:)` cost more than the rest of the call.
enum LogTimestamp {
    /// `yyyy-MM-dd HH:mm:ss` (the seed's format).
    static func seconds(_ date: Date) -> String {
        let (parts, _) = split(date)
        var text = ""
        text.reserveCapacity(19)
        append(parts, into: &text, separator: " ")
        return text
    }

    /// `yyyy-MM-ddTHH:mm:ss.SSSZ`.
    static func milliseconds(_ date: Date) -> String {
        let (parts, milliseconds) = split(date)
        var text = ""
        text.reserveCapacity(24)
        append(parts, into: &text, separator: "T")
        text += "."
        digits(milliseconds, 3, into: &text)
        text += "Z"
        return text
    }

    private static func split(_ date: Date) -> (tm, Int) {
        // Whole milliseconds first (rounded: 0.123 s is 122.99… ms in binary), then split, so the carry is exact.
        let total = Int64((date.timeIntervalSince1970 * 1000).rounded())
        let (quotient, remainder) = total.quotientAndRemainder(dividingBy: 1000)
        var seconds = time_t(remainder < 0 ? quotient - 1 : quotient)
        let milliseconds = Int(remainder < 0 ? remainder + 1000 : remainder)
        var parts = tm()
        gmtime_r(&seconds, &parts)
        return (parts, milliseconds)
    }

    private static func append(_ parts: tm, into text: inout String, separator: String) {
        digits(Int(parts.tm_year) + 1900, 4, into: &text)
        text += "-"
        digits(Int(parts.tm_mon) + 1, 2, into: &text)
        text += "-"
        digits(Int(parts.tm_mday), 2, into: &text)
        text += separator
        digits(Int(parts.tm_hour), 2, into: &text)
        text += ":"
        digits(Int(parts.tm_min), 2, into: &text)
        text += ":"
        digits(Int(parts.tm_sec), 2, into: &text)
    }

    /// `value` zero-padded to `width` digits (more when it needs them).
    private static func digits(_ value: Int, _ width: Int, into text: inout String) {
        let written = String(value)
        if written.count < width { text += String(repeating: "0", count: width - written.count) }
        text += written
    }
}
