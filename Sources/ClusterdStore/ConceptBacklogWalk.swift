import ClusterdCore
import Foundation

/// Where one process's claims on the concept backlog read next, so that a claim reads a few narrow windows of
/// `available_at` instead of the whole backlog.
///
/// A claimable entry is one whose `available_at` is at or before now (a claim moves it to the claim's expiry, a
/// failed try to its retry time, both in the future), so a window `[lo, hi]` with `hi` ≤ now holds only claimable
/// entries. A store that sorts in memory (the embedded server reads and sorts every match of a query before it
/// applies a limit) pays for every entry a window holds; the walk keeps windows near twice the claim's size by the
/// density it has seen.
///
/// Newest first (`descending`): a claim reads what became available since the previous claim (`top`, now], then
/// walks down from `cursor`, below which nothing was taken yet; everything in between was taken (or claimed by
/// another replica). Oldest first: it walks up from `cursor`, starting at the backlog's floor (a bound below every
/// entry that the store keeps), to now. Empty stretches are crossed with windows that double up to the width the
/// density allows, then, after `patience` empty windows in a row, grow fourfold, down to the floor.
struct ConceptBacklogWalk: Sendable {
    /// A claimable entry as a window read it.
    struct Candidate: Sendable, Equatable {
        /// The message.
        var id: RecordID
        /// When it became claimable.
        var availableAt: Date
        /// Its claim counter (the compare-and-set of a claim).
        var claims: Int
        /// Replies so far that had no valid item for it.
        var attempts: Int
    }

    /// Newest first (normal requests) or oldest first (the Message Batches API).
    let descending: Bool
    /// The `now` of the previous claim (newest first).
    var top: Date?
    /// Where the walk goes on; nil when it reached the floor (nothing left below `top` when it last looked).
    var cursor: Date?
    /// The width of the first window of the next claim, seconds.
    var window = 1.0
    /// The highest density seen lately, entries per second of `available_at` (it decays by a tenth a window):
    /// caps a window's width.
    var density = 1_000.0
    /// When a walk that reached its end looks again from its start (an entry written by a replica whose clock
    /// lags may land behind the walk).
    var rescanAt = Date.distantPast

    /// Whether the last claim read everything claimable (it walked to its end): the floor may rise to what it
    /// found.
    private(set) var readAll = false

    /// Entries a window is meant to hold at most.
    static let maxPerWindow = 4_000.0
    /// Empty windows in a row after which windows grow fourfold, past the density's cap.
    static let patience = 16
    /// How long a walk that reached its end trusts it, seconds.
    static let rescanSeconds = 600.0

    /// A walk in `descending` order that has read nothing yet.
    init(descending: Bool) {
        self.descending = descending
    }

    /// Takes in a window of `width` seconds that held `count` entries.
    private mutating func observe(_ count: Int, width: Double) {
        guard count > 0 else { return }
        density = max(100, 0.9 * density, Double(count) / max(width, 0.001))
    }

    /// The widest window the density seen allows, seconds.
    private var widest: Double { Self.maxPerWindow / density }

    /// The first `limit` claimable entries in the walk's order (fewer when the backlog has fewer), read through
    /// `page`, which returns the entries with `available_at` in `[lo, hi]` in the walk's order. `floor` is at or
    /// below every entry's `available_at`. Moves the walk past what it returns.
    mutating func next(
        limit: Int,
        now: Date,
        floor: Date,
        page: (_ lo: Date, _ hi: Date) throws -> [Candidate]
    ) throws -> [Candidate] {
        guard limit > 0 else { return [] }
        var found: [Candidate] = []
        var seen = Set<RecordID>()
        func add(_ candidates: [Candidate]) {
            for candidate in candidates where seen.insert(candidate.id).inserted { found.append(candidate) }
        }
        if descending {
            if let top, now >= top, cursor != nil || now < rescanAt {
                let arrived = try page(top, now)
                observe(arrived.count, width: now.timeIntervalSince(top))
                add(arrived)
            } else {
                cursor = now
                rescanAt = now.addingTimeInterval(Self.rescanSeconds)
            }
        } else if cursor == nil || cursor! > now || cursor! < floor || now >= rescanAt {
            cursor = floor
            rescanAt = now.addingTimeInterval(Self.rescanSeconds)
        }
        var width = min(window, widest)
        var empty = 0
        var next = cursor
        while found.count < limit, let edge = next {
            let (lo, hi) =
                descending
                ? (max(edge.addingTimeInterval(-width), floor), edge)
                : (edge, min(edge.addingTimeInterval(width), now))
            let candidates = try page(lo, hi)
            add(candidates)
            if candidates.isEmpty {
                empty += 1
                width = empty > Self.patience ? width * 4 : min(width * 2, widest)
            } else {
                empty = 0
                observe(candidates.count, width: hi.timeIntervalSince(lo))
                window = min(max(width * 2 * Double(limit) / Double(candidates.count), 0.001), widest)
                width = window
            }
            let end = descending ? lo : hi
            next = (descending ? end <= floor : end >= now) ? nil : end
        }
        let taken = Array(found.prefix(limit))
        readAll = next == nil && found.count <= limit
        // Leftovers of the last window stay ahead of the cursor (ties are read again: what was taken has moved).
        cursor = found.count > limit ? taken.last?.availableAt : (descending ? next : (next ?? now))
        if descending { top = now }
        return taken
    }
}
