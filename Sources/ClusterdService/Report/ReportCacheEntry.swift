import ClusterdReport

/// A built report model and what it was built for: the RPC's pages of one report are cut from one build, so the
/// store is read once per report, not once per page.
struct ReportCacheEntry: Sendable {
    /// The run shown.
    var runID: String
    /// Whether message text is in it.
    var includesText: Bool
    /// The model.
    var model: ReportModel
}
