import Foundation
import Testing

@testable import ClusterdCore

@Suite struct QuietWindowTests {
    var utc: Calendar {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        return calendar
    }

    func at(_ text: String) -> Date {
        try! Date("2025-01-10T\(text):00Z", strategy: .iso8601)
    }

    @Test func parsesAndPrints() throws {
        let window = try QuietWindow(parsing: "1:00-05:30")
        #expect(window.startMinute == 60 && window.endMinute == 330)
        #expect(window.description == "01:00-05:30")
        #expect(try QuietWindow(parsing: " 22:00 - 06:00 ").description == "22:00-06:00")
    }

    @Test func rejectsBadText() {
        for text in [
            "", "01:00", "01:00-01:00", "25:00-01:00", "01:60-02:00", "1-2", "01:00-02:00-03:00", "aa:bb-cc:dd",
        ] {
            #expect(throws: QuietWindow.ParseError.self, "\(text)") { try QuietWindow(parsing: text) }
        }
    }

    @Test func containsWithAnExclusiveEnd() throws {
        let window = try QuietWindow(parsing: "01:00-05:00")
        #expect(window.contains(at("01:00"), calendar: utc))
        #expect(window.contains(at("04:59"), calendar: utc))
        #expect(!window.contains(at("05:00"), calendar: utc))
        #expect(!window.contains(at("00:59"), calendar: utc))
    }

    @Test func wrapsMidnight() throws {
        let window = try QuietWindow(parsing: "22:00-06:00")
        #expect(window.contains(at("23:30"), calendar: utc))
        #expect(window.contains(at("00:10"), calendar: utc))
        #expect(!window.contains(at("12:00"), calendar: utc))
        #expect(window.nextOpening(atOrAfter: at("12:00"), calendar: utc) == at("22:00"))
    }

    @Test func nextOpeningIsTodayOrTomorrow() throws {
        let window = try QuietWindow(parsing: "01:00-05:00")
        #expect(window.nextOpening(atOrAfter: at("00:30"), calendar: utc) == at("01:00"))
        #expect(window.nextOpening(atOrAfter: at("03:00"), calendar: utc) == at("03:00"))
        #expect(window.nextOpening(atOrAfter: at("12:00"), calendar: utc) == at("01:00").addingTimeInterval(86_400))
    }

    @Test func readsTheWallClockOfItsTimeZone() throws {
        var paris = Calendar(identifier: .gregorian)
        paris.timeZone = TimeZone(identifier: "Europe/Paris")!
        let window = try QuietWindow(parsing: "01:00-05:00")
        // 00:30 UTC is 01:30 in Paris in January.
        #expect(window.contains(at("00:30"), calendar: paris))
        #expect(!window.contains(at("00:30"), calendar: utc))
    }
}
