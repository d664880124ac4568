import ClusterdCore

/// The clusters of a run whose Claude names fell back to local ones: asked again, without a new run, once Claude
/// has capacity (`ClusteringLane+Names`).
struct PendingNames: Sendable {
    /// The run whose clusters they are.
    var runID: RecordID
    /// The naming requests still unanswered, as the run built them.
    var requests: [ClusterNamingRequest]
    /// An operation asking for them is queued or running: no second one is queued.
    var scheduled = false
}
