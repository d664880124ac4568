import ClusterdCore
import Foundation
import Testing

/// The bounded, expiring memory of message ids that never existed.
struct ExpiringIDSetTests {
    let now = Date(timeIntervalSince1970: 1_736_544_600)

    @Test func idsExpireAfterTheirLifetimeFromTheirLastAddition() {
        var set = ExpiringIDSet(capacity: 10, lifetime: 60)
        set.insert("a", now: now)
        set.insert("b", now: now.addingTimeInterval(30))
        #expect(set.contains("a", now: now.addingTimeInterval(59)))
        #expect(!set.contains("a", now: now.addingTimeInterval(60)))
        set.insert("a", now: now.addingTimeInterval(50))
        set.expire(now: now.addingTimeInterval(100))
        #expect(set.contains("a", now: now.addingTimeInterval(100)), "added again at 50: remembered until 110")
        #expect(!set.contains("b", now: now.addingTimeInterval(100)) && set.count == 1)
    }

    @Test func beyondTheCapacityTheOldestAreForgotten() {
        var set = ExpiringIDSet(capacity: 100, lifetime: 3600)
        for index in 0..<10_000 { set.insert("id-\(index)", now: now.addingTimeInterval(Double(index) / 1000)) }
        #expect(set.count == 100)
        #expect(set.contains("id-9999", now: now.addingTimeInterval(10)) && !set.contains("id-9899", now: now))
    }
}
