import Foundation

/// A daily window of wall-clock time (`CLUSTERING_QUIET_HOURS`, e.g. `01:00-05:00`) in which automatic clustering
/// runs are preferred. The end is exclusive; a window may wrap midnight (`22:00-06:00`).
public struct QuietWindow: Sendable, Equatable, CustomStringConvertible {
    /// Minutes after midnight at which the window opens (0..<1440).
    public var startMinute: Int
    /// Minutes after midnight at which the window closes (0..<1440, not equal to the start).
    public var endMinute: Int

    /// A text that is not `HH:MM-HH:MM` with two different times.
    public struct ParseError: Error, Sendable, Equatable, CustomStringConvertible {
        /// Why.
        public var description: String
    }

    /// Creates a window from minutes after midnight.
    public init(startMinute: Int, endMinute: Int) throws(ParseError) {
        guard (0..<1440).contains(startMinute), (0..<1440).contains(endMinute) else {
            throw ParseError(description: "quiet hours must be within 00:00 and 23:59")
        }
        guard startMinute != endMinute else {
            throw ParseError(description: "quiet hours must start and end at different times")
        }
        self.startMinute = startMinute
        self.endMinute = endMinute
    }

    /// Parses `HH:MM-HH:MM` (24-hour clock; spaces around the dash are allowed).
    public init(parsing text: String) throws(ParseError) {
        let parts = text.split(separator: "-", omittingEmptySubsequences: false)
        guard parts.count == 2, let start = Self.minute(parts[0]), let end = Self.minute(parts[1]) else {
            throw ParseError(description: "quiet hours must look like 01:00-05:00, not \(text)")
        }
        try self.init(startMinute: start, endMinute: end)
    }

    private static func minute(_ text: Substring) -> Int? {
        let parts = text.trimmingCharacters(in: .whitespaces).split(separator: ":", omittingEmptySubsequences: false)
        guard parts.count == 2, parts[0].count <= 2, parts[1].count == 2, let hour = Int(parts[0]),
            let minute = Int(parts[1]), (0..<24).contains(hour), (0..<60).contains(minute)
        else { return nil }
        return hour * 60 + minute
    }

    /// `01:00-05:00`.
    public var description: String {
        String(format: "%02d:%02d-%02d:%02d", startMinute / 60, startMinute % 60, endMinute / 60, endMinute % 60)
    }

    /// True when `minute` (after midnight) falls in the window.
    public func contains(minuteOfDay minute: Int) -> Bool {
        startMinute < endMinute
            ? (minute >= startMinute && minute < endMinute) : (minute >= startMinute || minute < endMinute)
    }

    /// True when `date` falls in the window, read on `calendar`'s wall clock.
    public func contains(_ date: Date, calendar: Calendar) -> Bool {
        let parts = calendar.dateComponents([.hour, .minute], from: date)
        return contains(minuteOfDay: (parts.hour ?? 0) * 60 + (parts.minute ?? 0))
    }

    /// `date` itself when it is in the window, else the next time the window opens.
    public func nextOpening(atOrAfter date: Date, calendar: Calendar) -> Date {
        if contains(date, calendar: calendar) { return date }
        let opening = DateComponents(hour: startMinute / 60, minute: startMinute % 60, second: 0)
        return calendar.nextDate(after: date, matching: opening, matchingPolicy: .nextTime) ?? date
    }
}
