/// A run's topic-map layout as the report first drew it (base clusters' 2-D positions by stable id), kept so later
/// reports of that run show the same picture and the next run's map is aligned to it.
public struct SavedMapLayout: Sendable, Equatable {
    /// The run.
    public var runID: String
    /// Stable ids, parallel to `x` and `y`.
    public var stableIDs: [String]
    /// Horizontal positions.
    public var x: [Double]
    /// Vertical positions.
    public var y: [Double]

    /// Creates a layout.
    public init(runID: String, stableIDs: [String], x: [Double], y: [Double]) {
        self.runID = runID
        self.stableIDs = stableIDs
        self.x = x
        self.y = y
    }

    /// Layouts kept (the newest ones).
    public static let kept = 8
}
