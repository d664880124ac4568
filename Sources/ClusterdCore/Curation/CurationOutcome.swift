/// The answer to a CurateTopic call: the logged change and when it takes effect.
public struct CurationOutcome: Sendable, Equatable {
    /// The change as logged.
    public var change: CurationChange
    /// For humans: what changed now and what applies from the next run.
    public var message: String

    /// Creates an outcome.
    public init(change: CurationChange, message: String) {
        self.change = change
        self.message = message
    }
}
