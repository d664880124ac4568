import ClusterdCore
import Foundation
import Testing

@testable import ClusterdStore

/// The concept backlog's claim walk against an in-memory backlog that counts what each window reads: claims take
/// exactly what a sort of the whole backlog would, while reading about what they take.
@Suite("Concept backlog walk")
struct ConceptBacklogWalkTests {
    /// An in-memory backlog: `available_at` by message id, kept sorted, read the way the store answers a window.
    final class Backlog {
        private(set) var available: [RecordID: Date] = [:]
        private var sorted: [(at: Date, id: RecordID)] = []
        var read = 0
        var largestWindow = 0
        var windows = 0

        func add(_ count: Int, from start: Date, every seconds: Double, prefix: String) {
            for index in 0..<count {
                set(.string("\(prefix)\(index)"), start.addingTimeInterval(Double(index) * seconds))
            }
        }

        /// The next representable time after `date`.
        static func after(_ date: Date) -> Date {
            Date(timeIntervalSinceReferenceDate: date.timeIntervalSinceReferenceDate.nextUp)
        }

        /// The first position at or after `date`.
        private func position(_ date: Date) -> Int {
            var (low, high) = (0, sorted.count)
            while low < high {
                let middle = (low + high) / 2
                if sorted[middle].at < date { low = middle + 1 } else { high = middle }
            }
            return low
        }

        /// Moves `id` to `date` (nil: removes it).
        func set(_ id: RecordID, _ date: Date?) {
            if let old = available[id] {
                var index = position(old)
                while sorted[index].id != id { index += 1 }
                sorted.remove(at: index)
            }
            available[id] = date
            if let date { sorted.insert((date, id), at: position(Self.after(date))) }
        }

        /// The entries in `[lo, hi]`, in the walk's order.
        func page(_ lo: Date, _ hi: Date, descending: Bool) -> [ConceptBacklogWalk.Candidate] {
            var hits: [ConceptBacklogWalk.Candidate] = []
            var index = position(lo)
            while index < sorted.count, sorted[index].at <= hi {
                hits.append(.init(id: sorted[index].id, availableAt: sorted[index].at, claims: 0, attempts: 0))
                index += 1
            }
            if descending { hits.reverse() }
            read += hits.count
            windows += 1
            largestWindow = max(largestWindow, hits.count)
            return hits
        }

        /// What a claim of `limit` should take: a sort of everything claimable.
        func expected(limit: Int, now: Date, descending: Bool) -> [RecordID] {
            let claimable = sorted[..<position(Self.after(now))]
            return (descending ? Array(claimable.reversed().prefix(limit)) : Array(claimable.prefix(limit))).map(\.id)
        }

        /// One claim through `walk`, checked against the sort; the taken entries move to `expiry`.
        func claim(
            _ walk: inout ConceptBacklogWalk,
            limit: Int,
            now: Date,
            expiry: Date,
            floor: Date
        ) throws -> [RecordID] {
            let want = expected(limit: limit, now: now, descending: walk.descending)
            let descending = walk.descending
            let taken = try walk.next(limit: limit, now: now, floor: floor) { lo, hi in
                page(lo, hi, descending: descending)
            }
            #expect(Set(taken.map(\.id)) == Set(want), "at \(now.timeIntervalSince1970)")
            for candidate in taken { set(candidate.id, expiry) }
            return taken.map(\.id)
        }
    }

    let origin = Date(timeIntervalSince1970: 1_800_000_000)
    let floor = Date(timeIntervalSince1970: 0)

    @Test("newest first through a backfill, a drain, a gap of days and expired claims: exact, and reads stay small")
    func newestFirst() throws {
        let backlog = Backlog()
        // Three days ago, 1,000 entries at 10 a second; then a backfill arriving at 1,000 a second while claims run.
        backlog.add(1_000, from: origin.addingTimeInterval(-3 * 86_400), every: 0.1, prefix: "old-")
        var walk = ConceptBacklogWalk(descending: true)
        var now = origin
        var taken = 0
        var done: [RecordID] = []
        for step in 0..<400 {
            if step < 60 {
                backlog.add(1_200, from: now.addingTimeInterval(5), every: 0.001, prefix: "s\(step)-")
            }
            let ids = try backlog.claim(
                &walk,
                limit: 80,
                now: now,
                expiry: now.addingTimeInterval(300),
                floor: floor
            )
            taken += ids.count
            // Most claims end (their entries leave the backlog); one in ten is abandoned and comes back on expiry.
            if step % 10 != 3 { done += ids }
            for id in done { backlog.set(id, nil) }
            done = []
            now = now.addingTimeInterval(1.2)
        }
        #expect(taken >= 400 * 80 - 80)
        // Every claim read about twice what it took, plus what arrived since the one before.
        let arrived = 60 * 1_200
        #expect(backlog.read <= 3 * (taken + arrived), "read \(backlog.read) for \(taken) taken")
        #expect(
            Double(backlog.largestWindow) <= 2 * ConceptBacklogWalk.maxPerWindow,
            "largest \(backlog.largestWindow)"
        )
        #expect(backlog.windows <= 400 * 40, "\(backlog.windows) windows")
        print(
            "walk: read \(backlog.read) in \(backlog.windows) windows for \(taken) taken, largest \(backlog.largestWindow)"
        )
    }

    @Test("oldest first from the floor, past a drained stretch, then entries that come due later")
    func oldestFirst() throws {
        let backlog = Backlog()
        backlog.add(20_000, from: origin, every: 0.005, prefix: "a-")
        var walk = ConceptBacklogWalk(descending: false)
        var now = origin.addingTimeInterval(200)
        let floor = origin.addingTimeInterval(-60)
        for _ in 0..<12 {
            let ids = try backlog.claim(
                &walk,
                limit: 2_000,
                now: now,
                expiry: now.addingTimeInterval(3_600),
                floor: floor
            )
            for id in ids.prefix(1_500) { backlog.set(id, nil) }
            now = now.addingTimeInterval(30)
        }
        #expect(backlog.read <= 3 * 24_000, "read \(backlog.read)")
        // Past the claims' expiry the abandoned ones are the oldest claimable again.
        now = now.addingTimeInterval(3_600)
        _ = try backlog.claim(&walk, limit: 2_000, now: now, expiry: now.addingTimeInterval(3_600), floor: floor)
    }

    @Test("nothing claimable: the walk reaches the floor once, then reads only what arrives until it looks again")
    func emptyBacklog() throws {
        let backlog = Backlog()
        var walk = ConceptBacklogWalk(descending: true)
        #expect(try backlog.claim(&walk, limit: 80, now: origin, expiry: origin, floor: floor).isEmpty)
        let first = backlog.windows
        #expect(first <= 60, "\(first) windows to reach the epoch")
        #expect(walk.readAll)
        #expect(try backlog.claim(&walk, limit: 80, now: origin + 2, expiry: origin, floor: floor).isEmpty)
        #expect(backlog.windows == first + 1)
        backlog.add(5, from: origin + 3, every: 0.1, prefix: "n-")
        #expect(try backlog.claim(&walk, limit: 80, now: origin + 4, expiry: origin + 600, floor: floor).count == 5)
        // A clock that went back starts the walk over.
        #expect(try backlog.claim(&walk, limit: 80, now: origin, expiry: origin, floor: floor).isEmpty)
    }
}
