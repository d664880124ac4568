import Foundation

/// Parses HTTP-dates (RFC 9110 §5.6.7) in all three forms a recipient must accept:
/// IMF-fixdate `Sun, 06 Nov 1994 08:49:37 GMT`, RFC 850 `Sunday, 06-Nov-94 08:49:37 GMT` and
/// asctime `Sun Nov  6 08:49:37 1994`. Pure arithmetic: no formatter, locale or time zone database.
enum HTTPDate {
    private static let months = ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"]

    /// The instant `text` names, or nil if it is not an HTTP-date.
    static func parse(_ text: String) -> Date? {
        let tokens = text.split(whereSeparator: { !$0.isLetter && !$0.isNumber }).map { $0.lowercased() }
        let day: Int?
        let month: Int?
        var year: Int?
        let clock: ArraySlice<String>
        if tokens.count == 7, let asctimeMonth = months.firstIndex(of: tokens[1]) {
            month = asctimeMonth + 1
            day = Int(tokens[2])
            clock = tokens[3...5]
            year = Int(tokens[6])
        } else if tokens.count == 8, tokens[7] == "gmt" {
            day = Int(tokens[1])
            month = months.firstIndex(of: tokens[2]).map { $0 + 1 }
            year = Int(tokens[3])
            if tokens[3].count == 2, let twoDigit = year {
                year = twoDigit < 70 ? 2000 + twoDigit : 1900 + twoDigit
            }
            clock = tokens[4...6]
        } else {
            return nil
        }
        let time = clock.compactMap { Int($0) }
        guard let day, let month, let year, time.count == 3, (1...31).contains(day), year >= 1970,
            (0...23).contains(time[0]), (0...59).contains(time[1]), (0...60).contains(time[2])
        else {
            return nil
        }
        let seconds =
            daysSinceEpoch(year: year, month: month, day: day) * 86_400 + time[0] * 3_600 + time[1] * 60
            + time[2]
        return Date(timeIntervalSince1970: TimeInterval(seconds))
    }

    /// Days from 1970-01-01 to a proleptic Gregorian date (Howard Hinnant's `days_from_civil`).
    private static func daysSinceEpoch(year: Int, month: Int, day: Int) -> Int {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yearOfEra = y - era * 400
        let dayOfYear = (153 * (month > 2 ? month - 3 : month + 9) + 2) / 5 + day - 1
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        return era * 146_097 + dayOfEra - 719_468
    }
}
