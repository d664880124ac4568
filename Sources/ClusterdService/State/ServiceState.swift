import ClusterdCore
import Foundation

/// Everything the service holds in memory (behind one lock). Nothing here is needed to recover after a crash:
/// MongoDB is the source of truth and start-up rebuilds it.
struct ServiceState {
    /// Message id texts queued or being analysed (dedupes triggers).
    var pending: Set<String> = []
    /// Of those, waiting for an analysis operation, oldest first (each operation takes up to a batch).
    var analysisBacklog: [(messageID: String, attempt: Int)] = []
    /// Of those, being analysed now.
    var inFlight = 0
    /// Of those, claimed in the store by this replica and not finished yet (status's `replica.live_claims`): added
    /// when a bulk claim returns, taken off when that batch's save (or failure) is done.
    var liveClaims = 0
    /// Analysis operations draining the backlog (at most `analysisWorkers`).
    var drainingOperations = 0
    /// Analysis writes between taking `analyzedAt` and finishing the save (a run's snapshot waits for them).
    var savesInProgress = 0
    /// The latest clustering snapshot bound; new analyses are stamped strictly after it.
    var lastSnapshot = Date(timeIntervalSince1970: 0)

    /// Messages analysed (from MongoDB at start-up, then counted).
    var analyzedTotal = 0
    /// Analyses by another embedder than the current one (from MongoDB at start-up, then counted down as they are
    /// redone).
    var staleAnalyses = 0
    /// Messages whose analysis failed.
    var failedTotal = 0
    /// Triggers received, and of those refused for a full queue.
    var triggersTotal = 0
    var triggersRefused = 0
    /// Messages the catch-up sweeps queued.
    var sweptTotal = 0
    /// Analyses after the latest successful run's snapshot (what the next run clusters anew).
    var unprocessed = 0
    /// Analyses since the last run's snapshot, whatever its outcome (the message rule needs something new).
    var newSinceLastAttempt = 0
    /// The latest error, for status.
    var lastError = ""

    /// The latest run of any status, and the latest successful one.
    var lastRun: RunSummary?
    var latestSuccessfulRun: RunSummary?

    /// The clustering lane: idle, a run queued, or a run in progress (with its stage and follow-up).
    var clustering = ClusteringLaneState.idle
    /// When an automatic run was first held back by a pending backlog.
    var deferredSince: Date?
    /// Start times of automatic runs in the last hour (the hourly cap counts them).
    var automaticRunStarts: [Date] = []
    /// What an automatic run that is due was last held back for (logged once per reason).
    var scheduleHold = ""

    /// The catch-up sweep's watermark and full-sweep rules.
    var sweep = SweepState()

    /// Erasures begun (ForgetMessages): a run during which this changes is not published, since it may have
    /// clustered what was erased.
    var erasures = 0
    /// What the change stream follower is doing.
    var changeStream = ChangeStreamState.starting
    /// Times the change stream started from now (no saved position): deletes before each such start were not
    /// delivered. Starts at 1: before a run has checked, coverage is unknown.
    var followGaps = 1
    /// `followGaps` when a run last checked that its messages exist while the stream followed: equal to it, the
    /// stream has delivered every delete since, and runs skip the check.
    var existenceCheckedAtGap = 0
    /// Inserted and deleted messages the change stream reported and handed over.
    var changeStreamInserts = 0
    var changeStreamDeletes = 0

    /// MongoDB failed the last request.
    var storeDegraded = false
    /// Start-up has loaded the counters from MongoDB.
    var loaded = false
    /// `shutdown()` has begun.
    var stopping = false
    /// Message ids recently triggered that never existed: kept in memory, bounded and expiring, never written to
    /// MongoDB (a client chooses them).
    var unknownIDs = ExpiringIDSet(capacity: 10_000, lifetime: 3600)
    /// This replica's view of the clustering lease.
    var replica = ReplicaState(id: "")
}
