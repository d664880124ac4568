import ClusterdCore
import Foundation

/// The catch-up sweep's state and rules: where the scan is, the durable position saved in MongoDB, and when a pass
/// must start from the first message.
///
/// A value-type state machine driven by the sweeper with the service's clock: `plan(now:)` says where the next step
/// starts, `account(_:after:pending:capacity:)` queues what a step found and moves the watermark, `finished(_:)`
/// (called as each message leaves the queue) moves the durable position.
///
/// Two positions: the **watermark** is how far the scan has accounted for ids (queued them, or found them analysed,
/// failed or already queued); the **durable position** trails it and is what MongoDB keeps: every id at or before
/// it has left the queue (analysed, failed, given up, up to date, or claimed by another process). A restart resumes
/// from the durable position, so messages queued but lost in a crash are scanned again, and a pass over a million
/// messages interrupted by a restart does not start over.
struct SweepState: Equatable, Sendable {
    /// How far the current pass's scan has accounted for ids; nil before any id (a pass from the first message).
    var watermark: RecordID?
    /// Every id at or before this one has left the queue (nil: nothing known).
    var durablePosition: RecordID?
    /// The durable position as last saved in MongoDB (the sweeper saves it when it differs).
    var savedPosition: RecordID?
    /// The ids each step accounted for that are still queued, oldest step first, with where each step ended.
    var steps: [Step] = []
    /// Set by an event that may leave an unanalysed message behind the watermark (a trigger refused for a full
    /// queue, an analysis that ended with MongoDB down or failed not finally, MongoDB reachable again): the next
    /// step starts a pass from the first message.
    var fullSweepNeeded = false
    /// When the latest pass from the first message started, by the service's clock (one is due
    /// `fullSweepSeconds` later).
    var lastFullSweepAt: Date?
    /// How often a pass from the first message starts even when nothing asked for one.
    var fullSweepSeconds: Double = 600
    /// A scan is open and has not reached the end: the sweeper goes on as soon as the queue has room.
    var passOpen = false
    /// A step is on the maintenance lane already (continuations are not stacked).
    var stepScheduled = false

    /// The ids one step accounted for that are still queued.
    struct Step: Equatable, Sendable {
        /// The watermark after the step.
        var through: RecordID?
        /// Id texts still queued.
        var waiting: Set<String>
    }

    /// Where a step starts.
    struct Plan: Equatable, Sendable {
        /// Scan ids after this one; nil from the first message.
        var after: RecordID?
        /// A new pass from the first message: any open scan is replaced.
        var restarts: Bool
    }

    /// What a step's page queued.
    struct Accounting: Equatable, Sendable {
        /// Message id texts newly reserved in `pending`, to put on the analysis lane.
        var queued: [String]
        /// The watermark after the page.
        var watermark: RecordID?
    }

    /// Starts from a saved durable position (nil: none saved, the first step is a pass from the first message)
    /// at `now`.
    mutating func resume(from position: RecordID?, now: Date) {
        watermark = position
        durablePosition = position
        savedPosition = position
        steps = []
        passOpen = false
        if position != nil { lastFullSweepAt = now }
    }

    /// The next step at `now`: a pass from the first message when one was asked for or `fullSweepSeconds` have
    /// passed since the last one (either way, as a wall clock set back by more than the period also makes one due),
    /// else on from the watermark.
    mutating func plan(now: Date) -> Plan {
        let due = lastFullSweepAt.map { abs(now.timeIntervalSince($0)) >= fullSweepSeconds } ?? true
        guard fullSweepNeeded || due else { return Plan(after: watermark, restarts: false) }
        fullSweepNeeded = false
        watermark = nil
        durablePosition = nil
        steps = []
        lastFullSweepAt = now
        return Plan(after: nil, restarts: true)
    }

    /// Reserves the page's ids not already pending (while the queue has room) and moves the watermark: up to where
    /// the scan got, or, when the queue filled up meanwhile, up to the last id queued (or already queued) before it
    /// did. `after` is the plan's start. The ids accounted for as queued join a step that holds the durable position
    /// back until they leave the queue.
    mutating func account(
        _ page: SweepPage,
        after: RecordID?,
        pending: inout Set<String>,
        capacity: Int
    ) -> Accounting {
        var queued: [String] = []
        var waiting = Set<String>()
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
            waiting.insert(text)
            accounted = id
        }
        if let through {
            watermark = through
            steps.append(Step(through: through, waiting: waiting))
            advanceDurablePosition()
        }
        return Accounting(queued: queued, watermark: watermark)
    }

    /// A message left the queue: the step holding it lets it go, and the durable position moves past every step
    /// with nothing left queued.
    mutating func finished(_ messageID: String) {
        for index in steps.indices where steps[index].waiting.remove(messageID) != nil {
            advanceDurablePosition()
            return
        }
    }

    private mutating func advanceDurablePosition() {
        while let first = steps.first, first.waiting.isEmpty {
            durablePosition = first.through
            steps.removeFirst()
        }
    }
}
