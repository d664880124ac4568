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
    /// How often a pass from the first message starts even when nothing asked for one (at least; see
    /// `pacing`).
    var fullSweepSeconds: Double = 600
    /// How long the latest completed pass from the first message took, by the service's clock.
    var lastFullPassSeconds: Double = 0
    /// A scan is open and has not reached the end: the sweeper goes on as soon as the queue has room.
    var passOpen = false
    /// The open pass started from the first message.
    var passIsFull = false
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

    /// A periodic pass from the first message starts no sooner than this many times the last one's length after
    /// it started: the store spends at most about a tenth of its time on reconciliation (a pass over a million
    /// messages on the embedded server takes minutes).
    static let pacing = 10.0

    /// The next step at `now`, or nil when there is none to take:
    /// - an open pass goes on from the watermark (a pass asked for meanwhile starts when it ends, so a large
    ///   collection's pass is never thrown away half done);
    /// - a pass from the first message when one was asked for, or when the period has passed since the last one
    ///   started: `fullSweepSeconds`, and at least `pacing` times the last pass's length (either way, a wall clock
    ///   set back by more than the period also makes one due);
    /// - else nil while `followingChanges` (the change stream sees every insert after the watermark), or on from the
    ///   watermark (new ids since the last step).
    mutating func plan(now: Date, followingChanges: Bool) -> Plan? {
        if passOpen { return Plan(after: watermark, restarts: false) }
        let period = max(fullSweepSeconds, Self.pacing * lastFullPassSeconds)
        let due = lastFullSweepAt.map { abs(now.timeIntervalSince($0)) >= period } ?? true
        guard fullSweepNeeded || due else { return followingChanges ? nil : Plan(after: watermark, restarts: false) }
        fullSweepNeeded = false
        watermark = nil
        durablePosition = nil
        steps = []
        lastFullSweepAt = now
        return Plan(after: nil, restarts: true)
    }

    /// The open pass reached the end (or failed: `completed` false) at `now`; a completed pass from the first
    /// message sets the pacing of the next.
    mutating func passEnded(now: Date, completed: Bool) {
        if completed, passIsFull, let started = lastFullSweepAt {
            lastFullPassSeconds = max(0, now.timeIntervalSince(started))
        }
        passOpen = false
        passIsFull = false
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
