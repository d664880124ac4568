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
    /// Analysis writes between taking `analyzedAt` and finishing the save (a run's snapshot waits for them).
    var savesInProgress = 0
    /// The latest clustering snapshot bound; new analyses are stamped strictly after it.
    var lastSnapshot = Date(timeIntervalSince1970: 0)

    var analyzedTotal = 0
    var failedTotal = 0
    var triggersTotal = 0
    var triggersRefused = 0
    var sweptTotal = 0
    var unprocessed = 0
    var newSinceLastAttempt = 0
    var lastError = ""

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

    var storeDegraded = false
    var loaded = false
    var stopping = false
}
