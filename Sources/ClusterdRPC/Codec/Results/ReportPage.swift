/// One page of the topic report's model (GetReportReply): the model as JSON with this page's clusters only.
public struct ReportPage: Sendable, Equatable {
    /// The run shown.
    public var runID: String
    /// Clusters in the whole report.
    public var totalClusters: UInt32
    /// Where the next page starts; `totalClusters` after the last page.
    public var nextOffset: UInt32
    /// ClusterdReport's `ReportModel` as UTF-8 JSON, holding this page's clusters.
    public var modelJSON: String

    /// Creates a page.
    public init(runID: String, totalClusters: UInt32, nextOffset: UInt32, modelJSON: String) {
        self.runID = runID
        self.totalClusters = totalClusters
        self.nextOffset = nextOffset
        self.modelJSON = modelJSON
    }
}
