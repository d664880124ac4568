import ClusterdCore

/// A raw float buffer handed to the workers of one parallel region of the MiniLM forward pass.
///
/// `@unchecked Sendable` because it wraps a pointer. Invariant: the region (`DispatchQueue.concurrentPerform`)
/// returns only after every worker has finished, the buffer outlives the region, and workers write disjoint
/// parts of it (their own rows, columns or score matrix) or only read it.
struct SharedBuffer: @unchecked Sendable {
    /// The first element.
    let base: UnsafeMutablePointer<Float>

    /// Wraps a buffer the workers write.
    init(_ base: UnsafeMutablePointer<Float>) { self.base = base }

    /// Wraps a buffer the workers only read.
    init(_ base: UnsafePointer<Float>) { self.base = UnsafeMutablePointer(mutating: base) }
}
