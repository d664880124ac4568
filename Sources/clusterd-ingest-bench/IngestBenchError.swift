/// A scenario that could not be measured (clusterd ended, a wait timed out, a trigger was refused for good).
struct IngestBenchError: Error, CustomStringConvertible {
    /// What went wrong.
    var description: String

    /// Creates an error.
    init(_ description: String) {
        self.description = description
    }
}
