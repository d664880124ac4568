import Glibc

/// Owns the C memory of one protobuf-c message tree while it is being packed, and frees it all at the end.
///
/// Not thread-safe: one arena per encode, used on one thread.
final class CArena {
    private var blocks: [UnsafeMutableRawPointer] = []

    /// A NUL-terminated copy of `text`, freed with the arena.
    func string(_ text: String) -> UnsafeMutablePointer<CChar> {
        let copy = strdup(text)!
        blocks.append(UnsafeMutableRawPointer(copy))
        return copy
    }

    /// A zeroed `T`, initialised by `initializer` (a protobuf-c `__init` function), freed with the arena.
    func message<T>(_ initializer: (UnsafeMutablePointer<T>) -> Void) -> UnsafeMutablePointer<T> {
        let raw = calloc(1, MemoryLayout<T>.stride)!
        blocks.append(raw)
        let pointer = raw.bindMemory(to: T.self, capacity: 1)
        initializer(pointer)
        return pointer
    }

    /// A C array holding `elements`, freed with the arena (nil when empty).
    func array<T>(_ elements: [T]) -> UnsafeMutablePointer<T>? {
        guard !elements.isEmpty else { return nil }
        let raw = calloc(elements.count, MemoryLayout<T>.stride)!
        blocks.append(raw)
        let pointer = raw.bindMemory(to: T.self, capacity: elements.count)
        for (index, element) in elements.enumerated() { (pointer + index).initialize(to: element) }
        return pointer
    }

    deinit {
        for block in blocks { free(block) }
    }
}
