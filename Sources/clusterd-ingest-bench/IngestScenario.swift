/// One measured ingest: which embedder clusterd runs, how the messages reach it, and how many.
struct IngestScenario: Sendable, Equatable {
    /// The embedder clusterd is started with.
    enum Embedder: String, Sendable {
        /// The hashing fallback (`CLUSTERD_MODEL_DIR` pointed at nothing).
        case hashing
        /// all-MiniLM-L6-v2, found in `.venv` as in production.
        case miniLM = "MiniLM"
    }

    /// How the messages reach clusterd.
    enum Arrival: String, Sendable {
        /// Inserted before clusterd starts; its catch-up sweep finds them (a backfill).
        case sweep
        /// Inserted while clusterd runs, then every id sent through TriggerAnalysisBatch.
        case trigger = "triggered"
    }

    /// The embedder.
    var embedder: Embedder
    /// The arrival.
    var arrival: Arrival
    /// Messages ingested.
    var messages: Int

    /// "hashing, sweep backfill".
    var label: String {
        "\(embedder.rawValue), \(arrival == .sweep ? "sweep backfill" : "triggered")"
    }
}
