import ClusterdCore
import Foundation

/// The concept backlog's use of the Message Batches API on this process: the batch in flight (its entries, by
/// request), and until when the API is not tried (a 404: never again; another failure: ten minutes).
struct MessageBatchState: Sendable {
    /// A submitted batch.
    struct InFlight: Sendable {
        /// The batch id.
        var id: String
        /// The claim token its entries carry.
        var token: String
        /// The claimed entries of each request, by position (custom id "c<position>").
        var chunks: [[(id: RecordID, text: String, attempts: Int)]]
        /// When to poll next.
        var nextPoll: Date
        /// Polls that failed in a row.
        var failedPolls = 0
    }

    /// The batch being processed, if any.
    var inFlight: InFlight?
    /// Not tried before then.
    var unavailableUntil: Date?

    /// Whether a new batch may be submitted at `now`.
    func maySubmit(now: Date) -> Bool {
        inFlight == nil && (unavailableUntil.map { now >= $0 } ?? true)
    }

    /// What status shows.
    func label(now: Date) -> String {
        if inFlight != nil { return "in flight" }
        if let until = unavailableUntil, now < until { return "unavailable" }
        return "idle"
    }
}
