import ClusterdCore

/// A raw buffer (floats, or the int8 path's quantised bytes) handed to the workers of one parallel region of the MiniLM forward pass.
///
/// `@unchecked Sendable` because it wraps a pointer. Invariant: the region (`DispatchQueue.concurrentPerform`)
/// returns only after every worker has finished, the buffer outlives the region, and workers write disjoint
/// parts of it (their own rows, columns or score matrix) or only read it.
struct SharedBuffer<Element>: @unchecked Sendable {
    /// The first element.
    let base: UnsafeMutablePointer<Element>

    /// Wraps a buffer the workers write.
    init(_ base: UnsafeMutablePointer<Element>) { self.base = base }

    /// Wraps a buffer the workers only read.
    init(_ base: UnsafePointer<Element>) { self.base = UnsafeMutablePointer(mutating: base) }
}
