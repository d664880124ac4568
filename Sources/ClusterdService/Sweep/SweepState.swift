import ClusterdCore
import Foundation

/// The catch-up sweep's state and rules: the watermark, and when a sweep must be full.
///
/// A value-type state machine driven by the sweeper with the service's clock: `plan(now:)` says where the next
/// sweep starts, `account(_:after:pending:capacity:)` queues what it found and moves the watermark.
struct SweepState: Equatable, Sendable {
    /// The last host message `_id` a sweep accounted for (analysed, failed, given up or queued). The next
    /// incremental sweep scans only ids above it; nil makes the next sweep full, from the start (as after a restart:
    /// the watermark lives in memory only).
    var watermark: RecordID?
    /// Set by an event that may leave an unanalysed message below the watermark (a trigger refused for a full
    /// queue, an analysis that ended with MongoDB down or failed not finally, MongoDB reachable again): the next
    /// sweep is full.
    var fullSweepNeeded = false
    /// When the latest full sweep started, by the service's clock (a full sweep is due `fullSweepSeconds` later).
    var lastFullSweepAt: Date?
    /// How often a full sweep runs even when nothing asked for one.
    var fullSweepSeconds: Double = 600

    /// Where a sweep starts.
    struct Plan: Equatable, Sendable {
        /// Scan ids above this one; nil for a full sweep.
        var after: RecordID?
        /// A full sweep (from the first id).
        var isFull: Bool { after == nil }
    }

    /// What a sweep's page queued.
    struct Accounting: Equatable, Sendable {
        /// Message id texts newly reserved in `pending`, to put on the analysis lane.
        var queued: [String]
        /// The watermark after the page.
        var watermark: RecordID?
    }

    /// The next sweep at `now`: full when one was asked for or `fullSweepSeconds` have passed since the last full
    /// one (either way, as a wall clock set back by more than the period also makes one due), else incremental.
    mutating func plan(now: Date) -> Plan {
        let due = lastFullSweepAt.map { abs(now.timeIntervalSince($0)) >= fullSweepSeconds } ?? true
        if fullSweepNeeded || due {
            fullSweepNeeded = false
            watermark = nil
            lastFullSweepAt = now
        }
        return Plan(after: watermark)
    }

    /// Reserves the page's ids not already pending (while the queue has room) and moves the watermark: up to where
    /// the scan got, or, when the queue filled up meanwhile, up to the last id queued (or already queued) before it
    /// did. `after` is the plan's start.
    mutating func account(
        _ page: SweepPage,
        after: RecordID?,
        pending: inout Set<String>,
        capacity: Int
    ) -> Accounting {
        var queued: [String] = []
        var through = page.scannedThrough
        var accounted = after
        for id in page.ids {
            let text = id.description
            if !pending.contains(text) {
                guard pending.count < capacity else {
                    through = accounted
                    break
                }
                pending.insert(text)
                queued.append(text)
            }
            accounted = id
        }
        if let through { watermark = through }
        return Accounting(queued: queued, watermark: watermark)
    }
}
