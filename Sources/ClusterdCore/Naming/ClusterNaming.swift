/// A name and description a ``ClusterNameProvider`` gives one cluster.
public struct ClusterNaming: Sendable, Equatable {
    /// At most ten words.
    public var name: String
    /// One sentence.
    public var description: String

    /// Creates a naming.
    public init(name: String, description: String) {
        self.name = name
        self.description = description
    }
}
