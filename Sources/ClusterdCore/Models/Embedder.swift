/// Turns texts into unit-length vectors. Implementations may block (BLAS, HTTP): call them off the event loops.
public protocol Embedder: Sendable {
    /// Stable identifier stored with each analysis ("hashing-v1", "all-MiniLM-L6-v2").
    var identifier: String { get }
    /// Length of every vector returned.
    var dimension: Int { get }
    /// True for the last-resort embedder, reported as degraded in status and logs.
    var isFallback: Bool { get }
    /// Embeds each text; the result has one unit-length vector per input, in order.
    func embed(_ texts: [String]) throws -> [[Float]]
}
